"""The gate's held-out slice: only labels the serving head has not been trained on (fakes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Sift
from assistant.settings import Settings
from assistant.training import TASK
from assistant.training import HeadTraining
from assistant.training import cutoff_of
from assistant.training import holdout
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.training import labelled_items

MANUAL = Settings(train_min_feedback=10_000, train_interval_hours=0)


@pytest.fixture
def sift(tmp_path: Path) -> Iterator[Sift]:
    with Sift(
        tmp_path / "home", embedder=FakeEmbedder(), generator=FakeGenerator(), settings=MANUAL
    ) as sift:
        yield sift


def test_held_out_slice_holds_only_labels_newer_than_the_serving_head(
    sift: Sift, tmp_path: Path
) -> None:
    """GIVEN head-v1 refitted on 24 labels and 3 labels given since
    WHEN the next round splits THEN it holds out exactly those 3 (the plain
    time-ordered split would hold out 6, 3 of them seen by head-v1)."""
    labelled_items(sift, tmp_path / "a", per_topic=8)
    first = sift.train()
    assert first.promoted, first.reason
    new_ids = set(labelled_items(sift, tmp_path / "b", per_topic=1, seed=1))
    training = HeadTraining(sift)
    examples = training.examples()
    serving = training.versions.get(TASK, "head-v1")
    train, test, seen = holdout(examples, training.versions.label_times(), cutoff_of(serving))
    assert {e.item_id for e in test} == new_ids
    assert seen == 0 and len(train) == 24
    assert not new_ids & {e.item_id for e in train}

    second = sift.train()
    row = sift.model_versions(TASK)[-1]
    assert second.held_out == 3 and row.metrics["held_out_seen"] == 0
    assert "labelled before" not in second.reason


def test_too_few_new_labels_fall_back_to_the_plain_split_and_say_so(
    sift: Sift, tmp_path: Path
) -> None:
    """GIVEN a head just trained WHEN a round runs with no new labels
    THEN it uses the time-ordered split and the reason names the overlap."""
    labelled_items(sift, tmp_path / "a", per_topic=4)
    assert sift.train().promoted
    report = sift.train()
    row = sift.model_versions(TASK)[-1]
    assert report.held_out == 3 and row.metrics["held_out_seen"] == 3
    assert "3 of the held-out items were labelled before head-v1 was trained" in report.reason


def test_no_serving_head_uses_the_time_ordered_split(sift: Sift, tmp_path: Path) -> None:
    ids = labelled_items(sift, tmp_path / "a", per_topic=4)
    training = HeadTraining(sift)
    train, test, seen = holdout(training.examples(), training.versions.label_times(), None)
    assert [e.item_id for e in test] == ids[-3:] and seen == 0 and len(train) == 9
