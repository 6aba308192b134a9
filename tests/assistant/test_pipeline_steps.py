"""The pipeline in small steps: embeddings made elsewhere, and a stop after any item."""

from __future__ import annotations

import threading
from pathlib import Path

from assistant import Sift
from assistant.pipeline import embedding_text
from assistant.types import ItemState
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox


class StopAfter(threading.Event):
    """A cancel event that reads as set from its ``checks``-th check on."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.checks = checks
        self.seen = 0

    def is_set(self) -> bool:
        self.seen += 1
        return self.seen >= self.checks


def queue(sift: Sift, tmp_path: Path, count: int) -> None:
    mails = [make_mail(f"Mail {n}", f"Invoice {n} is due on Friday.") for n in range(count)]
    sift.ingest([write_mbox(tmp_path / "in.mbox", mails)], process=False)
    assert sift.store.job_count() == count


def test_embedding_batch_gives_queued_items_without_vectors_in_order(
    fake_sift: Sift, tmp_path: Path
) -> None:
    queue(fake_sift, tmp_path, 5)
    pipeline = fake_sift.pipeline
    batch = pipeline.embedding_batch(limit=3)
    queued = fake_sift.store.pending_jobs("classify", 5)
    assert [item_id for item_id, _ in batch] == queued[:3]
    first = fake_sift.store.item(queued[0])
    assert batch[0][1] == embedding_text(first)
    vectors = pipeline.embedder.embed([text for _, text in batch])
    pipeline.store_embeddings([i for i, _ in batch], vectors, pipeline.embedder.info.version)
    assert [item_id for item_id, _ in pipeline.embedding_batch()] == queued[3:]


def test_drain_without_embedding_classifies_only_embedded_items(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN 2 of 5 queued items embedded WHEN drained with embed=False THEN only they move on."""
    queue(fake_sift, tmp_path, 5)
    pipeline = fake_sift.pipeline
    batch = pipeline.embedding_batch(limit=2)
    vectors = pipeline.embedder.embed([text for _, text in batch])
    pipeline.store_embeddings([i for i, _ in batch], vectors, pipeline.embedder.info.version)
    assert pipeline.drain(summarize=False, embed=False) == 2
    assert fake_sift.store.job_count() == 3
    ready = {i.id for i in fake_sift.items() if i.state == ItemState.READY}
    assert ready == {item_id for item_id, _ in batch}
    assert pipeline.drain(summarize=False) == 3  # embeds the rest itself
    assert fake_sift.store.job_count() == 0


def test_drain_stops_between_items_after_at_least_one(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a cancel that is set after the batch started THEN one item moves on, not the batch."""
    queue(fake_sift, tmp_path, 6)
    # Check 1 (before the batch) lets it start; check 2 (before item 2) stops it.
    assert fake_sift.pipeline.drain(summarize=False, cancel=StopAfter(2)) == 1
    assert fake_sift.store.job_count() == 5
    assert fake_sift.pipeline.drain(summarize=False) == 5
