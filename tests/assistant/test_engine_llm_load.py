"""The LLM is built on first use, off the engine's lock: other engine calls go on meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant import Sift
from assistant.settings import Settings
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from models.registry import ModelNotFound
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox


class SlowBuild:
    """Stands in for ``build_generator``: blocks until released, counts its calls."""

    def __init__(self, *, fail: bool = False) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        self.fail = fail
        self.built: list[ClosingGenerator] = []

    def __call__(self, _choice: object, _cache: Path) -> ClosingGenerator:
        self.calls += 1
        self.started.set()
        assert self.release.wait(10)
        if self.fail:
            raise ModelNotFound("no GGUF here")
        generator = ClosingGenerator()
        self.built.append(generator)
        return generator


class ClosingGenerator(FakeGenerator):
    """A fake LLM that records ``close`` and has no reply adapter."""

    closed = False
    has_adapter = False

    def close(self) -> None:
        self.closed = True

    def use_adapter(self, _path: object, _name: str | None = None) -> None:
        return None


@pytest.fixture
def slow_build(monkeypatch: pytest.MonkeyPatch) -> SlowBuild:
    build = SlowBuild()
    monkeypatch.setattr("assistant.engine.build_generator", build)
    monkeypatch.setattr("assistant.reply_training.active_adapter", lambda _sift, _version: None)
    return build


def in_thread(call: object) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(call()))  # type: ignore[operator]
    thread.start()
    return thread, result


def test_the_engine_answers_while_the_llm_is_built(tmp_path: Path, slow_build: SlowBuild) -> None:
    """GIVEN a summary that starts building the LLM on another thread WHEN the engine is
    used meanwhile THEN it answers at once (classification included), and the LLM is
    built once and kept for every caller."""
    sift = Sift(tmp_path / "home", embedder=FakeEmbedder(), settings=Settings())
    mbox = write_mbox(tmp_path / "in.mbox", [make_mail("Lunch?", "Are you free for lunch?")])
    try:
        items = sift.ingest([mbox], summarize=False)  # classifies: the LLM is not needed
        assert slow_build.calls == 0
        item = items[0]
        loading, summaries = in_thread(lambda: sift.summarize_item(item.id))
        assert slow_build.started.wait(5)
        # Meanwhile: reads, a label, the pipeline (which used to build the LLM itself).
        assert sift.item(item.id).title == "Lunch?"
        sift.label(item.id, "fyi")
        assert sift.pipeline is not None
        assert sift.loaded_models()["generator"] is None
        second, writers = in_thread(sift.reply_writer)  # waits for the same build
        slow_build.release.set()
        loading.join(10)
        second.join(10)
        assert slow_build.calls == 1
        assert writers == [slow_build.built[0]]
        assert summaries[0].model_version == "fake-llm@1"  # type: ignore[attr-defined]
        assert sift.generator() is slow_build.built[0]
    finally:
        slow_build.release.set()
        sift.close()
    assert slow_build.built[0].closed


def test_a_failed_build_is_kept_as_the_reason_and_summaries_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = SlowBuild(fail=True)
    build.release.set()
    monkeypatch.setattr("assistant.engine.build_generator", build)
    with Sift(tmp_path / "home", embedder=FakeEmbedder(), settings=Settings()) as sift:
        mbox = write_mbox(tmp_path / "in.mbox", [make_mail("Lunch?", "Are you free for lunch?")])
        (item,) = sift.ingest([mbox], summarize=True)
        assert item.summary is not None
        assert item.summary.extractive
        assert "no GGUF here" in item.summary.model_version
        assert sift.generator() is None
        assert build.calls == 1
        assert sift.loaded_models()["generator_error"] == "no GGUF here"


def test_an_llm_built_after_close_is_closed_not_kept(tmp_path: Path, slow_build: SlowBuild) -> None:
    sift = Sift(tmp_path / "home", embedder=FakeEmbedder(), settings=Settings())
    loading, result = in_thread(sift.generator)
    assert slow_build.started.wait(5)
    sift.close()  # does not wait for the build
    slow_build.release.set()
    loading.join(10)
    assert result == [None]
    assert slow_build.built[0].closed
