"""Map-reduce summaries of long texts, with the fake generator."""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import Sift
from assistant.prompts import MAP_MAX_TOKENS
from assistant.prompts import MAX_TOKENS
from assistant.settings import Settings
from assistant.summarize import Summarizer
from assistant.types import ItemKind
from assistant.types import Progress
from models.base import Generation
from models.fake import FakeEmbedder
from models.fake import FakeGenerator

PARAGRAPH = (
    "The supplier confirmed the delivery of the pumps. The invoice follows next week. "
    "Please check the delivery note against the order. The warehouse opens early."
)
LONG = "\n\n".join(f"Section {i}. {PARAGRAPH}" for i in range(40))
ZH_SENTENCE = "我们讨论了区块链在各个行业的应用前景，以及比特币的发展历史。请大家会后提交意见。"


def _body(message: dict[str, str]) -> str:
    return message["content"].split("<<<", 1)[-1].split(">>>", 1)[0]


def _fits(generator: FakeGenerator, messages: Sequence[dict[str, str]], answer: int) -> bool:
    prompt = sum(generator.count_tokens(m["content"]) for m in messages)
    return prompt + answer <= generator.context_length


class FailingOn(FakeGenerator):
    """Raises on one call (1-based), answers the others."""

    def __init__(self, call: int) -> None:
        super().__init__()
        self._failing = call

    def generate(self, messages: Sequence[dict[str, str]], **kwargs: Any) -> Generation:
        if len(self.calls) + 1 == self._failing:
            self.calls.append(messages)
            raise RuntimeError("llama died in part two")
        return super().generate(messages, **kwargs)


class CancelDuring(FakeGenerator):
    """Sets ``cancel`` while it writes call number ``call``."""

    def __init__(self, call: int, cancel: threading.Event) -> None:
        super().__init__()
        self._at = call
        self._cancel = cancel

    def generate(
        self,
        messages: Sequence[dict[str, str]],
        *,
        on_token: Callable[[str], None] | None = None,
        **kwargs: Any,
    ) -> Generation:
        number = len(self.calls) + 1

        def token(piece: str) -> None:
            if number == self._at:
                self._cancel.set()
            if on_token is not None:
                on_token(piece)

        return super().generate(messages, on_token=token, **kwargs)


def test_short_text_is_one_call() -> None:
    generator = FakeGenerator()
    summary = Summarizer(generator).summarize("T", PARAGRAPH, kind=ItemKind.MAIL, language="en")
    assert len(generator.calls) == 1 and not summary.extractive and summary.notes == ()


def test_long_text_is_mapped_in_fitting_parts_then_reduced() -> None:
    generator = FakeGenerator()
    pieces: list[str] = []
    progress: list[Progress] = []
    summarizer = Summarizer(generator, chunk_tokens=120, max_chunks=50)
    summary = summarizer.summarize(
        "Delivery",
        LONG,
        kind=ItemKind.DOCUMENT,
        language="en",
        on_token=pieces.append,
        on_progress=progress.append,
    )
    assert not summary.extractive, summary.model_version
    *maps, final = generator.calls
    assert len(maps) >= 10
    assert all(generator.count_tokens(_body(m[-1])) <= 120 for m in maps)
    assert all(_fits(generator, m, MAP_MAX_TOKENS) for m in maps)
    assert _fits(generator, final, MAX_TOKENS)
    assert "Notes taken from" in final[-1]["content"]
    # Only the reduce call streams; the map steps are reported as progress.
    assert '"summary"' in "".join(pieces)
    assert [p.done for p in progress] == list(range(len(maps) + 1))
    assert summary.notes == (f"long text: summarized from {len(maps)} parts",)
    assert "Section 0" in maps[0][-1]["content"] and "Section 39" in maps[-1][-1]["content"]


def test_parts_beyond_the_cap_are_sampled_and_the_summary_says_so() -> None:
    generator = FakeGenerator()
    summary = Summarizer(generator, chunk_tokens=120, max_chunks=4).summarize(
        "Delivery", LONG, kind=ItemKind.DOCUMENT, language="en"
    )
    assert len(generator.calls) == 5
    assert summary.notes and summary.notes[0].startswith("long text: read 4 of ")
    assert "Section 39" in generator.calls[3][-1]["content"]


def test_chinese_long_text_gets_chinese_map_and_reduce_prompts() -> None:
    generator = FakeGenerator()
    text = ZH_SENTENCE * 40
    summary = Summarizer(generator, chunk_tokens=100).summarize(
        "会议纪要", text, kind=ItemKind.DOCUMENT, language="zh"
    )
    assert not summary.extractive
    *maps, final = generator.calls
    assert len(maps) >= 5
    assert all("中文" in m[0]["content"] for m in generator.calls)
    assert all(generator.count_tokens(_body(m[-1])) <= 100 for m in maps)
    assert all(_body(m[-1]).strip().endswith("。") for m in maps[:-1])
    assert "笔记" in final[-1]["content"]


def test_notes_too_long_for_one_call_are_reduced_recursively() -> None:
    generator = FakeGenerator()
    progress: list[Progress] = []
    summary = Summarizer(generator, chunk_tokens=120, max_chunks=50, reduce_tokens=60).summarize(
        "Delivery", LONG, kind=ItemKind.DOCUMENT, language="en", on_progress=progress.append
    )
    assert not summary.extractive
    merges = [p for p in progress if p.message.startswith("merging notes")]
    assert merges
    final = generator.calls[-1]
    assert generator.count_tokens(_body(final[-1])) <= 60
    parts = int(summary.notes[0].split()[-2])
    assert len(generator.calls) > parts + 1


def test_cancel_between_parts_stops_and_falls_back() -> None:
    generator = FakeGenerator()
    cancel = threading.Event()

    def on_progress(progress: Progress) -> None:
        if progress.done == 2:
            cancel.set()

    summary = Summarizer(generator, chunk_tokens=120).summarize(
        "Delivery",
        LONG,
        kind=ItemKind.DOCUMENT,
        language="en",
        cancel=cancel,
        on_progress=on_progress,
    )
    assert summary.extractive and "cancelled" in summary.model_version
    assert len(generator.calls) == 2


def test_cancel_within_a_part_stops_at_once() -> None:
    cancel = threading.Event()
    generator = CancelDuring(2, cancel)
    summary = Summarizer(generator, chunk_tokens=120).summarize(
        "Delivery", LONG, kind=ItemKind.DOCUMENT, language="en", cancel=cancel
    )
    assert summary.extractive and "cancelled" in summary.model_version
    assert len(generator.calls) == 2


def test_a_failing_part_falls_back_to_a_labelled_extractive_summary() -> None:
    generator = FailingOn(2)
    summary = Summarizer(generator, chunk_tokens=120).summarize(
        "Delivery", LONG, kind=ItemKind.DOCUMENT, language="en"
    )
    assert summary.extractive
    assert "llama died in part two" in summary.model_version
    assert summary.one_line.startswith("Section 0.")
    assert len(generator.calls) == 2


def test_final_summary_is_checked_against_the_full_text() -> None:
    class Inventing(FakeGenerator):
        def generate(self, messages: Sequence[dict[str, str]], **kwargs: Any) -> Generation:
            result = super().generate(messages, **kwargs)
            if "Notes taken from" not in messages[-1]["content"]:
                return result
            text = '{"summary": "Delivery on Friday", "key_points": ["Paid $999"], '
            text += '"action_items": ["Check the delivery note"]}'
            return Generation(text, 1, 1, 0.0)

    summary = Summarizer(Inventing(), chunk_tokens=120).summarize(
        "Delivery", LONG, kind=ItemKind.DOCUMENT, language="en"
    )
    assert summary.extractive and "number or date" in summary.model_version


def test_engine_caps_parts_from_settings_and_stores_the_notes(tmp_path: Path) -> None:
    document = tmp_path / "in" / "report.txt"
    document.parent.mkdir()
    document.write_text(LONG * 3, encoding="utf-8")
    settings = Settings(summary_max_chunks=2)
    progress: list[Progress] = []
    with Sift(
        tmp_path / "home", settings=settings, embedder=FakeEmbedder(), generator=FakeGenerator()
    ) as sift:
        summary = sift.summarize_file(document, on_progress=progress.append)
        assert summary.notes[0].startswith("long text: read 2 of ")
        assert [p.done for p in progress] == [0, 1, 2]
        (item,) = sift.ingest([document])
        stored = sift.item(item.id).summary
        assert stored is not None and stored.notes == summary.notes
