"""Implicit signals, read marks, the read-next ranker and related items (fake models)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from assistant import Sift
from assistant.errors import NotFoundError
from assistant.errors import UserError
from assistant.recommend import PRIOR_WEIGHTS
from assistant.recommend import engagement
from assistant.recommend import fit_logistic
from assistant.types import Item
from assistant.types import SignalKind
from assistant.types import SuggestionKind
from tests.helpers.mail import make_mail

WORDS = [
    *("river", "apple", "stone", "cloud", "paper", "window", "garden", "silver"),
    *("engine", "forest", "candle", "harbor", "ladder", "magnet", "pencil", "rocket"),
    *("saddle", "tunnel", "violin", "whistle", "yellow", "zebra", "anchor", "basket"),
]


def ingest(sift: Sift, folder: Path, mails: list[tuple[str, str, str, int]]) -> list[Item]:
    """Ingest ``(subject, body, sender, day)`` mails, one .eml each, in order, none junk.

    The untrained junk filter flags bodies of random words; the user says
    "not junk", which is a verdict the ranker does not count either way.
    """
    folder.mkdir(exist_ok=True)
    for n, (subject, body, sender, day) in enumerate(mails):
        raw = make_mail(subject, body, sender=sender, day=day, message_id=f"{folder.name}{n}@x")
        (folder / f"{n:03d}.eml").write_bytes(raw)
    items = sift.ingest([folder], summarize=False)
    return [sift.mark_junk(i.id, junk=False) if i.is_junk else i for i in items]


def noise(rng: random.Random) -> str:
    """A body of random words, so content says nothing about the group."""
    return " ".join(rng.sample(WORDS, 8))


def open_and_read(sift: Sift, item_id: int, seconds: float = 30.0) -> None:
    sift.record_signal(item_id, SignalKind.OPENED)
    sift.record_signal(item_id, SignalKind.DWELL, seconds)


# -- signals ------------------------------------------------------------------


def test_signals_are_recorded_with_provenance_apart_from_feedback(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN an item WHEN it is opened and viewed THEN signals keep time and model; no verdicts."""
    (item,) = ingest(fake_sift, tmp_path / "m", [("Hello", "Lunch on Friday?", "a@x.com", 20)])
    assert item.read is False
    open_and_read(fake_sift, item.id, 42.5)
    fake_sift.record_signal(item.id, "draft_edited")
    signals = fake_sift.signals(item.id)
    assert [(s.kind, s.value) for s in signals] == [
        (SignalKind.OPENED, 1.0),
        (SignalKind.DWELL, 42.5),
        (SignalKind.DRAFT_EDITED, 1.0),
    ]
    assert all(s.model_version and s.model_version.startswith("triage") for s in signals)
    assert signals[0].created_at <= signals[1].created_at
    assert fake_sift.item(item.id).read is True
    assert fake_sift.store.feedback() == []


def test_bad_signals_are_refused(fake_sift: Sift, tmp_path: Path) -> None:
    (item,) = ingest(fake_sift, tmp_path / "m", [("Hello", "Lunch?", "a@x.com", 20)])
    with pytest.raises(UserError, match="unknown signal"):
        fake_sift.record_signal(item.id, "stared")
    with pytest.raises(UserError, match="negative"):
        fake_sift.record_signal(item.id, SignalKind.DWELL, -3)
    with pytest.raises(NotFoundError):
        fake_sift.record_signal(9999, SignalKind.OPENED)
    assert fake_sift.signals(item.id) == []


def test_mark_read_and_unread(fake_sift: Sift, tmp_path: Path) -> None:
    (item,) = ingest(fake_sift, tmp_path / "m", [("Hello", "Lunch?", "a@x.com", 20)])
    assert fake_sift.mark_read(item.id).read is True
    assert fake_sift.mark_read(item.id, read=False).read is False
    assert [r.item.id for r in fake_sift.read_next()] == [item.id]


def test_engagement_labels_from_signals_and_verdicts() -> None:
    """Opens and long dwell count for; bounces, skips, junk and archive count against."""
    totals = [
        {"item_id": 1, "kind": "opened", "n": 1, "top": 1.0, "total": 1.0},
        {"item_id": 1, "kind": "dwell", "n": 1, "top": 30.0, "total": 30.0},
        {"item_id": 2, "kind": "opened", "n": 1, "top": 1.0, "total": 1.0},
        {"item_id": 2, "kind": "dwell", "n": 1, "top": 1.0, "total": 1.0},  # a bounce
        {"item_id": 3, "kind": "skipped", "n": 1, "top": 1.0, "total": 1.0},
    ]
    verdicts = [
        {"item_id": 4, "verdict": "accept", "action": "archive"},
        {"item_id": 5, "verdict": "accept", "action": "reply_draft"},
        {"item_id": 6, "verdict": "junk", "action": None},
        {"item_id": 7, "verdict": "label", "action": None},
    ]
    assert engagement(totals, verdicts) == {1: 1, 3: 0, 4: 0, 5: 1, 6: 0}


def test_engagement_ignores_an_undone_accept() -> None:
    verdicts = [
        {"item_id": 5, "suggestion_id": 50, "verdict": "accept", "action": "reply_draft"},
        {"item_id": 5, "suggestion_id": 50, "verdict": "undone", "action": "reply_draft"},
        {"item_id": 4, "suggestion_id": 40, "verdict": "accept", "action": "archive"},
        {"item_id": 4, "suggestion_id": 40, "verdict": "undone", "action": "archive"},
        {"item_id": 4, "suggestion_id": 40, "verdict": "accept", "action": "archive"},
    ]
    assert engagement([], verdicts) == {4: 0}


def test_fit_moves_weights_toward_the_evidence() -> None:
    """A feature that predicts disengagement ends below its prior weight; one that helps, above."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(PRIOR_WEIGHTS)))
    y = (x[:, 0] - 2 * x[:, 3] + rng.normal(scale=0.3, size=200) > 0).astype(float)
    weights, _ = fit_logistic(x, y)
    assert weights[3] < 0 < PRIOR_WEIGHTS[3]
    assert weights[0] > 0


# -- read next ------------------------------------------------------------------


def test_without_signals_newer_items_come_first(fake_sift: Sift, tmp_path: Path) -> None:
    rng = random.Random(1)
    items = ingest(
        fake_sift,
        tmp_path / "m",
        [(f"note {d}", noise(rng), "a@x.com", d) for d in (3, 9, 6, 12)],
    )
    for item in items:  # one category, so one priority: only recency tells them apart
        fake_sift.label(item.id, "alpha")
    assert len({fake_sift.item(i.id).priority for i in items}) == 1
    ranked = fake_sift.read_next()
    dates = [r.item.date for r in ranked]
    assert dates == sorted(dates, reverse=True) and len(ranked) == len(items)
    assert all(r.reason for r in ranked)


def test_ranking_learns_category_affinity(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a user who reads category alpha and skips beta THEN unread alpha ranks above beta.

    Content, sender and date say nothing about the group (random words, one
    sender, one day), so only the learned category affinity can separate them;
    the newer beta items would win on recency alone.
    """
    rng = random.Random(2)
    mails = [(f"alpha {n}", noise(rng), "same@x.com", 10) for n in range(8)]
    mails += [(f"beta {n}", noise(rng), "same@x.com", 11) for n in range(8)]
    items = ingest(fake_sift, tmp_path / "m", mails)
    for item in items:
        fake_sift.label(item.id, "alpha" if item.title.startswith("alpha") else "beta")
    before = [r.item.title.split()[0] for r in fake_sift.read_next(limit=16)]
    assert before[:8] == ["beta"] * 8  # newer first before any signal
    alpha = [i for i in items if i.title.startswith("alpha")]
    beta = [i for i in items if i.title.startswith("beta")]
    for item in alpha[:4]:
        open_and_read(fake_sift, item.id)
    for item in beta[:4]:
        fake_sift.record_signal(item.id, SignalKind.SKIPPED)
    ranked = fake_sift.read_next(limit=8)
    groups = [r.item.title.split()[0] for r in ranked]
    assert groups[:4] == ["alpha"] * 4, groups
    # read and passed-over items are out
    assert {r.item.id for r in ranked} == {i.id for i in alpha[4:] + beta[4:]}
    assert "you often read alpha items" in ranked[0].reason


def test_ranking_learns_sender_affinity_and_says_so(fake_sift: Sift, tmp_path: Path) -> None:
    rng = random.Random(3)
    mails = [(f"note {n}", noise(rng), "friend@x.com", 10) for n in range(6)]
    mails += [(f"note {n + 6}", noise(rng), "robot@x.com", 12) for n in range(6)]
    items = ingest(fake_sift, tmp_path / "m", mails)
    for item in items[:3]:
        open_and_read(fake_sift, item.id)
    for item in items[6:9]:
        fake_sift.record_signal(item.id, SignalKind.SKIPPED)
    ranked = fake_sift.read_next(limit=3)
    assert [r.item.metadata["from"] for r in ranked] == ["friend@x.com"] * 3
    assert "you usually read mail from friend@x.com" in ranked[0].reason


def test_read_next_leaves_out_junk_archived_read_and_gone(fake_sift: Sift, tmp_path: Path) -> None:
    rng = random.Random(4)
    items = ingest(
        fake_sift, tmp_path / "m", [(f"m{n}", noise(rng), "a@x.com", 10 + n) for n in range(6)]
    )
    junk, archived, read, gone, moved, kept = items
    fake_sift.mark_junk(junk.id, junk=True)
    fake_sift.store.replace_suggestions(
        archived.id, [{"kind": "archive", "reason": "r", "confidence": 1, "model_version": "t"}]
    )
    (archive,) = [s for s in fake_sift.suggestions(archived.id) if s.kind == SuggestionKind.ARCHIVE]
    fake_sift.accept(archive.id)
    fake_sift.record_signal(read.id, SignalKind.OPENED)
    fake_sift.store.mark_gone([gone.id])
    fake_sift.record_signal(moved.id, SignalKind.MOVED)
    assert [r.item.id for r in fake_sift.read_next()] == [kept.id]
    with pytest.raises(UserError):
        fake_sift.read_next(0)


# -- related ------------------------------------------------------------------------


def test_related_is_nearest_by_embedding(fake_sift: Sift, tmp_path: Path) -> None:
    items = ingest(
        fake_sift,
        tmp_path / "m",
        [
            ("Quarterly budget", "budget forecast revenue spreadsheet quarter numbers", "a@x", 1),
            ("Budget numbers", "revenue forecast budget quarter spreadsheet totals", "a@x", 2),
            ("Hiking trip", "mountain trail boots tent weekend hiking", "b@x", 3),
            ("Team lunch", "sandwiches pizza lunch friday office kitchen", "c@x", 4),
        ],
    )
    related = fake_sift.related(items[0].id, limit=2)
    assert related[0].item.id == items[1].id
    assert items[0].id not in {r.item.id for r in related} and len(related) == 2
    assert related[0].score > related[1].score
    assert related[0].reason.startswith("similar content") and "also from a@x" in related[0].reason


def test_related_needs_an_embedding(fake_sift: Sift, tmp_path: Path) -> None:
    eml = tmp_path / "one.eml"
    eml.write_bytes(make_mail("Queued", "not processed yet", message_id="q@x"))
    (item,) = fake_sift.ingest([eml], process=False)
    with pytest.raises(UserError, match="no embedding"):
        fake_sift.related(item.id)
    with pytest.raises(NotFoundError):
        fake_sift.related(4242)


def test_ranking_learns_content_from_embeddings(fake_sift: Sift, tmp_path: Path) -> None:
    """Topic A read, topic B passed over: unseen A mail ranks above B (one sender, category)."""
    rng = random.Random(5)
    topics = {
        "a": "budget forecast revenue invoice quarter spreadsheet margin audit",
        "b": "hiking trail mountain tent boots camping river picnic",
    }
    mails = [
        (f"note {topic}{n}", " ".join(rng.sample(words.split(), 5)) + " " + noise(rng), "s@x", 10)
        for n in range(10)
        for topic, words in topics.items()
    ]
    items = ingest(fake_sift, tmp_path / "m", mails)
    for item in items:
        fake_sift.label(item.id, "alpha")
    by_topic = {t: [i for i in items if i.title.startswith(f"note {t}")] for t in topics}
    for item in by_topic["a"][:6]:
        open_and_read(fake_sift, item.id)
    for item in by_topic["b"][:6]:
        fake_sift.record_signal(item.id, SignalKind.SKIPPED)
    ranked = fake_sift.read_next(limit=8)
    assert [r.item.title[5] for r in ranked] == ["a"] * 4 + ["b"] * 4
    assert ranked[0].reason.startswith("like “note a")


def test_probe_features_for_fitting_are_out_of_fold() -> None:
    """Random labels on random vectors: in-sample fits them, out-of-fold cannot."""
    from assistant.recommend import Probe

    rng = np.random.default_rng(0)
    vectors = {i: v / np.linalg.norm(v) for i, v in enumerate(rng.normal(size=(200, 64)))}
    labels = {i: int(rng.random() < 0.5) for i in vectors}
    probe = Probe(vectors, labels, base=0.5)
    ids = list(vectors)
    y = np.array([labels[i] for i in ids])
    in_sample = probe.values(ids, vectors, leave_out=False)
    held_out = probe.values(ids, vectors, leave_out=True)
    assert np.corrcoef(in_sample, y)[0, 1] > 0.5
    assert abs(np.corrcoef(held_out, y)[0, 1]) < 0.2
