"""Reply-writer tuning (assistant/reply_training.py): examples, gate, schedule, rollback.

The torch side (models.lora) is replaced by recording fakes here; the real
path runs in tests/integration/test_reply_tuning.py with a tiny Qwen2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import models.lora as lora
from assistant import Sift
from assistant import reply_training
from assistant.cli import main as cli_main
from assistant.errors import UserError
from assistant.settings import Settings
from assistant.store_models import ModelStore
from assistant.types import Decision
from assistant.types import ModelKind
from assistant.types import SuggestionKind
from models.base import ModelInfo
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

MODEL_VERSION = "tiny@1"


class PathGenerator(FakeGenerator):
    """The fake LLM, with weights on disk as a GGUF-backed one has."""

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            name="tiny", version=MODEL_VERSION, path="/models/tiny.gguf", backend="fake"
        )


@pytest.fixture
def sift(tmp_path: Path) -> Iterator[Sift]:
    with Sift(
        tmp_path / "home", embedder=FakeEmbedder(), generator=PathGenerator(), settings=Settings()
    ) as engine:
        yield engine


def keep_drafts(sift: Sift, tmp_path: Path, count: int, *, start: int = 0) -> list[int]:
    """Ingest ``count`` questions and accept a reply draft for each; the action ids."""
    mails = [
        make_mail(
            f"Question {n}", f"Can we meet on day {n}? Please let me know.", message_id=f"q{n}@x"
        )
        for n in range(start, start + count)
    ]
    items = sift.ingest([write_mbox(tmp_path / f"in{start}.mbox", mails)], summarize=False)
    actions = []
    for index, item in enumerate(items):
        suggestion = offer(sift, item.id, SuggestionKind.REPLY_DRAFT)
        edited = f"Day {start + index} works for me." if index % 2 else None
        actions.append(sift.accept_action(suggestion, edited_text=edited).id)
    return actions


class FakeLora:
    """Stands in for models.lora's torch side and records what the round asked of it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, old: float, new: float) -> None:
        self.trained: list[tuple[str, str]] = []
        self.scored: list[Path | None] = []
        self.converted: list[Path] = []
        self.losses = {"old": old, "new": new}
        monkeypatch.setattr(lora, "find_converter", lambda _cache: Path("/converters"))
        monkeypatch.setattr(lora, "chat_pairs", self.chat_pairs)
        monkeypatch.setattr(lora, "train_lora", self.train_lora)
        monkeypatch.setattr(lora, "output_loss", self.output_loss)
        monkeypatch.setattr(lora, "convert_adapter", self.convert_adapter)
        monkeypatch.setattr(lora, "base_from_gguf", self.base_from_gguf)
        monkeypatch.setattr(reply_training, "gpu_present", lambda: True)

    @staticmethod
    def chat_pairs(_base: Path, conversations: Any) -> list[tuple[str, str]]:
        return [(messages[-1]["content"], output) for messages, output in conversations]

    def train_lora(self, _base: Path, pairs: Any, target: Path, **_: Any) -> Path:
        self.trained = list(pairs)
        target.mkdir(parents=True)
        (target / "adapter_config.json").write_text("{}")
        return target

    def output_loss(self, _base: Path, _pairs: Any, *, adapter: Path | None = None) -> float:
        self.scored.append(adapter)
        candidate = adapter is not None and "candidate" in str(adapter)
        return self.losses["new" if candidate else "old"]

    def convert_adapter(self, _adapter: Path, _base: Path, out: Path, _conv: Path) -> Path:
        out.write_bytes(b"GGUF")
        self.converted.append(out)
        return out

    @staticmethod
    def base_from_gguf(_gguf: Path, target: Path) -> Path:
        target.mkdir(parents=True)
        (target / "config.json").write_text("{}")
        return target


def test_kept_drafts_become_examples_and_undone_ones_do_not(sift: Sift, tmp_path: Path) -> None:
    """GIVEN three accepted reply drafts, one edited and one undone
    WHEN examples are gathered THEN the two standing ones are, as the model's JSON."""
    actions = keep_drafts(sift, tmp_path, 3)
    sift.undo(actions[2])
    examples = reply_training.reply_examples(sift)
    assert [e.edited for e in examples] == [False, True]
    assert json.loads(examples[1].output) == {"reply": "Day 1 works for me."}
    [first, *_] = sift.actions()[::-1]  # the log, oldest first
    assert json.loads(examples[0].output) == {"reply": str(first.detail["text"]).strip()}
    assert examples[0].messages[-1]["role"] == "user"
    assert "Question 0" in examples[0].messages[-1]["content"]


def test_round_waits_for_enough_drafts(sift: Sift, tmp_path: Path) -> None:
    keep_drafts(sift, tmp_path, 2)
    report = sift.train_reply(allow_cpu=True)
    assert not report.promoted and report.version == "base"
    assert "need at least 8 kept reply drafts (have 2)" in report.reason
    assert ModelStore(sift.store).versions("reply") == []


def test_round_needs_a_gpu_unless_the_cpu_is_allowed(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_drafts(sift, tmp_path, 8)
    monkeypatch.setattr(reply_training, "gpu_present", lambda: False)
    report = sift.train_reply()
    assert not report.promoted and report.reason == reply_training.NEEDS_GPU
    monkeypatch.setattr(lora, "find_converter", lambda _cache: None)
    report = sift.train_reply(allow_cpu=True)
    assert "converters" in report.reason and not report.promoted


def test_a_lower_held_out_loss_is_promoted_and_published(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN 8 kept drafts and a candidate with a lower held-out loss WHEN a round runs
    THEN the newest 2 are held out, the adapter is converted, published and serves."""
    keep_drafts(sift, tmp_path, 8)
    fake = FakeLora(monkeypatch, old=2.0, new=1.5)
    report = sift.train_reply()
    assert report.promoted and report.version == "reply-v1"
    assert (report.trained_on, report.held_out) == (6, 2)
    assert [prompt.splitlines()[2] for prompt, _ in fake.trained][:1] == ["Subject: Question 0"]
    assert fake.scored[0] is None  # the serving writer is the base model
    folder = sift.paths.heads / "reply" / "reply-v1"
    assert (folder / "adapter.gguf").read_bytes() == b"GGUF"
    assert (folder / "peft" / "adapter_config.json").is_file()
    assert not list((sift.paths.heads / "reply").glob("*candidate*"))
    [version] = ModelStore(sift.store).versions("reply")
    assert version.active and version.embedder == MODEL_VERSION
    assert version.metrics["old_loss"] == 2.0 and version.metrics["new_loss"] == 1.5
    assert reply_training.active_adapter(sift, MODEL_VERSION) == folder
    assert reply_training.active_adapter(sift, "other-model@2") is None
    # The base folder was made from the GGUF once, into the cache.
    assert (sift.paths.cache / "hf-base" / "tiny_1" / "config.json").is_file()


def test_a_candidate_that_is_not_better_is_rejected_and_leaves_nothing(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_drafts(sift, tmp_path, 8)
    fake = FakeLora(monkeypatch, old=1.5, new=1.5)
    report = sift.train_reply()
    assert not report.promoted and report.version == "base"
    assert "rejected" in report.reason and "1.500 vs base 1.500" in report.reason
    assert fake.converted == []
    assert not (sift.paths.heads / "reply").exists() or not list(
        (sift.paths.heads / "reply").iterdir()
    )
    [version] = ModelStore(sift.store).versions("reply")
    assert version.decision == Decision.REJECTED and version.path is None
    assert reply_training.active_adapter(sift, MODEL_VERSION) is None


def test_the_next_round_is_judged_against_the_serving_adapter(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_drafts(sift, tmp_path, 8)
    fake = FakeLora(monkeypatch, old=2.0, new=1.5)
    sift.train_reply()
    fake.scored.clear()
    report = sift.train_reply()
    assert fake.scored[0] == sift.paths.heads / "reply" / "reply-v1" / "peft"
    assert "vs reply-v1" in report.reason


def test_due_needs_new_drafts_and_a_gpu(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reply_training, "gpu_present", lambda: True)
    keep_drafts(sift, tmp_path, 9)
    assert not reply_training.due(sift)  # fewer than MIN_NEW
    keep_drafts(sift, tmp_path, 1, start=9)
    assert reply_training.due(sift)
    monkeypatch.setattr(reply_training, "gpu_present", lambda: False)
    assert not reply_training.due(sift)
    FakeLora(monkeypatch, old=2.0, new=1.5)  # gpu_present: True again
    sift.train_reply()
    assert not reply_training.due(sift)  # no new drafts since that round
    keep_drafts(sift, tmp_path, 10, start=10)
    assert reply_training.due(sift)


def test_rollback_walks_back_to_the_base_model(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_drafts(sift, tmp_path, 8)
    FakeLora(monkeypatch, old=2.0, new=1.5)
    sift.train_reply()
    sift.train_reply()
    store = ModelStore(sift.store)
    assert store.active("reply").version == "reply-v2"
    report = sift.rollback("reply")
    assert (report.kind, report.version, report.replaced) == (
        ModelKind.REPLY,
        "reply-v1",
        "reply-v2",
    )
    report = sift.rollback(version="reply-v2")  # the kind comes from the name
    assert report.version == "reply-v2"
    report = sift.rollback("reply", "base")
    assert report.version == "base" and store.active("reply") is None
    with pytest.raises(UserError, match="base language model writes replies already"):
        sift.rollback("reply")


def test_rollback_refuses_rejected_missing_and_foreign_adapters(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_drafts(sift, tmp_path, 8)
    fake = FakeLora(monkeypatch, old=2.0, new=1.5)
    sift.train_reply()
    fake.losses["new"] = 3.0
    sift.train_reply()  # reply-v2: rejected
    fake.losses["new"] = 1.0
    sift.train_reply()  # reply-v3 serves
    with pytest.raises(UserError, match="reply-v2 was rejected"):
        sift.rollback("reply", "reply-v2")
    (sift.paths.heads / "reply" / "reply-v1" / "adapter.gguf").unlink()
    with pytest.raises(UserError, match="file is missing"):
        sift.rollback("reply", "reply-v1")
    with pytest.raises(UserError, match="serves already"):
        sift.rollback("reply", "reply-v3")
    with pytest.raises(UserError, match="not a reply version"):
        sift.rollback("reply", "head-v1")


def test_cli_lists_reply_versions_and_trains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "cli"
    assert cli_main(["models", "list", "--kind", "reply", "--data-dir", str(home), "-q"]) == 0
    assert "the base model writes replies" in capsys.readouterr().out
    assert cli_main(["train", "--reply", "--cpu", "--data-dir", str(home), "-q"]) == 0
    out = capsys.readouterr().out
    assert "task reply" in out and "need at least 8 kept reply drafts" in out


def test_a_reply_base_that_is_no_model_folder_is_the_users_error(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_drafts(sift, tmp_path, 8)
    FakeLora(monkeypatch, old=2.0, new=1.5)
    sift.update_settings(reply_base=str(tmp_path / "empty"))
    with pytest.raises(UserError, match="is not a Hugging Face model folder"):
        sift.train_reply()
    assert ModelStore(sift.store).versions("reply") == []
