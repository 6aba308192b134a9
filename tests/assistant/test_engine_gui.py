"""The engine calls the GUI adds: quoted text, paused sources, settings, batches, clearing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.engine import Sift
from assistant.errors import NotFoundError
from assistant.errors import UserError
from assistant.settings import Settings
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.mail import make_mail


@pytest.fixture
def sift(tmp_path: Path) -> Sift:
    engine = Sift(
        tmp_path / "home", embedder=FakeEmbedder(), generator=FakeGenerator(), settings=Settings()
    )
    yield engine
    engine.close()


@pytest.fixture
def mails(tmp_path: Path) -> Path:
    folder = tmp_path / "mails"
    folder.mkdir()
    for n in range(250):
        (folder / f"{n}.eml").write_bytes(
            make_mail(
                f"Mail {n}",
                f"Reply number {n}.\n\nOn Mon, Alex wrote:\n> the original {n}\n",
                message_id=f"m{n}@example.com",
            )
        )
    return folder


def test_store_batches_yields_committed_batches(sift: Sift, mails: Path) -> None:
    """GIVEN 250 mails WHEN read batch by batch THEN each batch is stored before the next."""
    sizes = []
    for batch in sift.store_batches([mails]):
        sizes.append(len(batch))
        assert sift.store.item_count() == sum(sizes)  # committed already
    assert sizes == [100, 100, 50]
    assert sift.store.job_count() == 250  # queued for classification


def test_quoted_text_is_kept_apart(sift: Sift, mails: Path) -> None:
    ids = sift.store_paths([mails / "7.eml"])
    assert "the original 7" in sift.quoted_text(ids[0])
    assert "the original 7" not in sift.item(ids[0]).text
    with pytest.raises(NotFoundError):
        sift.quoted_text(9999)


def test_pause_source_and_unknown_source(sift: Sift, mails: Path) -> None:
    source_id = sift.add_source(mails)
    sift.pause_source(source_id)
    assert sift.sources()[0]["paused"] == 1
    sift.pause_source(source_id, paused=False)
    assert sift.sources()[0]["paused"] == 0
    with pytest.raises(NotFoundError):
        sift.pause_source(source_id + 1)


def test_update_settings_saves_and_rejects_unknown_names(sift: Sift) -> None:
    settings = sift.update_settings(notify_priority=0.6, ui_language="zh")
    assert settings.notify_priority == 0.6
    assert sift.settings is settings
    data = json.loads(sift.paths.settings.read_text(encoding="utf-8"))
    assert (data["notify_priority"], data["ui_language"]) == (0.6, "zh")
    with pytest.raises(UserError, match="unknown settings: colour"):
        sift.update_settings(colour="blue")


def test_clear_all_data_starts_afresh(sift: Sift, mails: Path) -> None:
    sift.ingest([mails / "1.eml"], summarize=False)
    assert sift.items()
    sift.clear_all_data()
    assert sift.items() == []
    assert sift.categories()  # the default categories are back
    sift.ingest([mails / "2.eml"], summarize=False)  # and the engine works on
    assert len(sift.items()) == 1


def test_loaded_models_reports_what_is_loaded(sift: Sift) -> None:
    loaded = sift.loaded_models()
    assert loaded["embedder"] == "fake-embedder@1"
    assert loaded["generator"] == "fake-llm@1"
