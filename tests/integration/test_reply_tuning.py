"""The reply writer's LoRA round end to end on the CPU: tiny Qwen2, peft, llama.cpp.

Kept reply drafts -> ``Sift.train_reply(allow_cpu=True)`` -> held-out gate ->
GGUF adapter published -> the next reply draft is written through
``Llama`` with the adapter on, summaries without it -> rollback to the base.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Sift
from assistant.settings import Settings
from assistant.store_models import ModelStore
from assistant.types import SuggestionKind
from models.base import Generation
from models.fake import FakeEmbedder
from models.lora import LoraSettings
from models.lora import convert_base
from tests.helpers.actions import offer
from tests.helpers.lora import require_converter
from tests.helpers.lora import tiny_qwen
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

pytestmark = pytest.mark.integration

REPLY = "Thanks, Friday works for me."


@pytest.fixture
def tiny_sift(tmp_path: Path, model_cache: Path) -> Iterator[Sift]:
    """A Sift whose LLM is a tiny random Qwen2 GGUF, with its Hugging Face folder beside."""
    converter = require_converter(model_cache, tmp_path / "sdist")
    pytest.importorskip("peft")
    base = tmp_path / "tiny-qwen2"
    tiny_qwen(base, model_cache)
    gguf = convert_base(base, tmp_path / "tiny.gguf", converter, outtype="f32")
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "llama.cpp").symlink_to(converter)
    settings = Settings(generator=str(gguf), reply_base=str(base), summarize=False, n_ctx=512)
    with Sift(home, embedder=FakeEmbedder(), settings=settings) as sift:
        yield sift


def test_kept_drafts_tune_the_reply_writer_and_rollback_restores_the_base(
    tiny_sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN 10 reply drafts the user kept WHEN the reply round runs on the CPU
    THEN the adapter lowers the held-out loss, is promoted and writes the next
    draft with the adapter on; a rollback serves the base model again."""
    sift = tiny_sift
    mails = [
        make_mail(f"Meeting {n}", f"Can we meet on Friday about item {n}?", message_id=f"m{n}@x")
        for n in range(10)
    ]
    items = sift.ingest([write_mbox(tmp_path / "in.mbox", mails)], summarize=False)
    for item in items:
        sift.accept_action(offer(sift, item.id, SuggestionKind.REPLY_DRAFT), edited_text=REPLY)

    base_version = sift.generator().info.version
    report = sift.train_reply(allow_cpu=True, lora=LoraSettings(rank=4, alpha=8, epochs=3, lr=5e-3))
    assert report.promoted, report.reason
    assert (report.trained_on, report.held_out, report.version) == (8, 2, "reply-v1")
    [version] = ModelStore(sift.store).versions("reply")
    assert version.metrics["new_loss"] < version.metrics["old_loss"]
    adapter = sift.paths.heads / "reply" / "reply-v1" / "adapter.gguf"
    assert adapter.read_bytes()[:4] == b"GGUF"

    writer = sift.reply_writer()
    assert writer is not None and writer.info.version == f"{base_version}+reply-v1"
    tuned = writer.generate([{"role": "user", "content": "Can we meet?"}], max_tokens=4)
    plain = sift.generator().generate([{"role": "user", "content": "Can we meet?"}], max_tokens=4)
    assert tuned.completion_tokens >= 1 and plain.completion_tokens >= 1
    # The same greedy call with the adapter on again gives the same text: the
    # switch re-evaluates the prompt instead of reusing the base's cache.
    again = writer.generate([{"role": "user", "content": "Can we meet?"}], max_tokens=4)
    assert again.text == tuned.text

    # The next reply draft is asked of the tuned writer.
    asked: list[str] = []
    generate = writer.generate

    def recording(messages: list[dict[str, str]], **kwargs: Any) -> Generation:
        asked.append(messages[-1]["content"])
        return generate(messages, **kwargs)

    monkeypatch.setattr(writer, "generate", recording)
    more = sift.ingest(
        [write_mbox(tmp_path / "more.mbox", [make_mail("Lunch", "Lunch on Friday?")])],
        summarize=False,
    )
    sift.draft_text(offer(sift, more[0].id, SuggestionKind.REPLY_DRAFT))
    assert len(asked) == 1 and "Subject: Lunch" in asked[0]

    rolled = sift.rollback("reply", "base")
    assert rolled.version == "base"
    assert sift.reply_writer().info.version == base_version
    # And forward again, on the model that stayed loaded: the adapter is read anew.
    sift.rollback("reply", "reply-v1")
    writer = sift.reply_writer()
    assert writer.info.version == f"{base_version}+reply-v1"
    back = writer.generate([{"role": "user", "content": "Can we meet?"}], max_tokens=4)
    assert back.text == tuned.text
