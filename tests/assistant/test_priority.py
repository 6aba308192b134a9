"""Learned priority: the global prior, the per-user model and its threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant import Sift
from assistant.priority import MIN_EXAMPLES
from assistant.priority import History
from assistant.priority import fit
from assistant.priority import outcomes
from assistant.priority import threshold
from assistant.store_priority import ItemRow
from assistant.types import SuggestionKind
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

BOSS = "Morgan Boss <morgan@example.com>"
BLOG = "Weekly Blog <news@blog.example.com>"


def _row(item_id: int, sender: str, category: str = "fyi") -> ItemRow:
    return ItemRow(
        id=item_id,
        kind="mail",
        metadata={"from": sender, "to": "alex@example.com"},
        fields={},
        category=category,
        is_junk=False,
        junk_probability=0.1,
        thread=f"t{item_id}",
        priority=0.0,
    )


def test_outcomes_read_replies_dismissals_labels_and_opens() -> None:
    found = outcomes(
        decided=[(1, "reply_draft", "accepted"), (2, "archive", "accepted")],
        verdicts=[(3, "label"), (4, "junk"), (1, "label")],
        opens={5: 2, 6: 0},
    )
    assert found[1] == (1.0, 1.0)  # the accepted reply wins over the weaker label
    assert found[2] == (0.0, 1.0)
    assert found[3][0] == 1.0 and found[3][1] < 1.0
    assert found[4] == (0.0, 1.0)
    assert found[5][0] == 1.0 and 6 not in found


def test_per_user_weights_favour_the_sender_the_user_acts_on() -> None:
    rows = [_row(i, BOSS if i % 2 else BLOG) for i in range(40)]
    found = {r.id: (1.0 if r.id % 2 else 0.0, 1.0) for r in rows}
    history = History(
        sender_acted={"morgan@example.com": (20.0, 20), "news@blog.example.com": (0.0, 20)}
    )
    weights, cut = fit(rows, found, history)
    assert weights["sender acted"] > 1.0
    assert 0.0 < cut <= 1.0


def test_threshold_is_where_the_user_engaged_often_enough() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    engaged = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    assert threshold(scores, engaged, target=0.8) == 0.7
    assert threshold(scores, engaged, target=0.75) == 0.6  # 3 of the top 4
    assert threshold(scores, np.zeros(6), target=0.75) > 0.9  # nothing is important


def _inbox(tmp_path: Path, count: int) -> Path:
    mails = []
    for index in range(count):
        sender = BOSS if index % 2 else BLOG
        body = f"Status note number {index} about the quarterly numbers and the plan."
        mails.append(make_mail(f"Update {index}", body, sender=sender, message_id=f"m{index}@x"))
    return write_mbox(tmp_path / "in.mbox", mails)


def _engage(sift: Sift, item_id: int, *, act: bool) -> None:
    """Accept a reply draft (act) or an archive (ignore), adding the suggestion if absent."""
    kind = SuggestionKind.REPLY_DRAFT if act else SuggestionKind.ARCHIVE
    open_ = [s for s in sift.suggestions(item_id) if s.kind == kind]
    if not open_:
        sift.store.replace_suggestions(
            item_id,
            [{"kind": str(kind), "reason": "test", "confidence": 0.5, "model_version": "t",
              "payload": "{}"}],
        )  # fmt: skip
        open_ = [s for s in sift.suggestions(item_id) if s.kind == kind]
    sift.accept(open_[0].id)


def test_falls_back_to_the_prior_with_few_examples(fake_sift: Sift, tmp_path: Path) -> None:
    items = fake_sift.ingest([_inbox(tmp_path, 8)], summarize=False)
    before = {i.id: i.priority for i in items}
    for item in items[:4]:
        _engage(fake_sift, item.id, act="morgan" in item.metadata["from"])
    assert fake_sift.pipeline.priority.model is None
    report = fake_sift.pipeline.priority.learn()
    assert report.version == "prior" and str(MIN_EXAMPLES) in report.reason
    after = {i.id: i.priority for i in fake_sift.items()}
    assert after == before  # the prior: same features, same scores
    assert all(i.priority_reasons for i in fake_sift.items())


def test_user_model_moves_the_sender_they_act_on_above_the_one_they_ignore(
    fake_sift: Sift, tmp_path: Path
) -> None:
    items = fake_sift.ingest([_inbox(tmp_path, 2 * MIN_EXAMPLES + 6)], summarize=False)
    trained, fresh = items[: 2 * MIN_EXAMPLES], items[2 * MIN_EXAMPLES :]
    boss_before = next(i.priority for i in fresh if "morgan" in i.metadata["from"])
    blog_before = next(i.priority for i in fresh if "blog" in i.metadata["from"])
    prior_gap = boss_before - blog_before
    for item in trained:
        _engage(fake_sift, item.id, act="morgan" in item.metadata["from"])
    model = fake_sift.pipeline.priority.model
    assert model is not None and model.version.startswith("priority-v")
    now = {i.id: i for i in fake_sift.items()}
    boss = [now[i.id] for i in fresh if "morgan" in i.metadata["from"]]
    blog = [now[i.id] for i in fresh if "blog" in i.metadata["from"]]
    # Unlabelled, never-acted-on items were rescored at once after the feedback.
    assert min(b.priority for b in boss) > max(b.priority for b in blog)
    assert min(b.priority for b in boss) - max(b.priority for b in blog) > prior_gap + 0.2
    assert "a sender you often act on" in boss[0].priority_reasons
    assert "a sender you rarely act on" in blog[0].priority_reasons
    threshold_ = fake_sift.pipeline.priority.threshold
    assert boss[0].priority >= threshold_ > blog[0].priority


def test_engine_exposes_learning_and_the_important_threshold(
    fake_sift: Sift, tmp_path: Path
) -> None:
    items = fake_sift.ingest([_inbox(tmp_path, 4)], summarize=False)
    report = fake_sift.learn_priority(opens={items[0].id: 3})
    assert report.version == "prior" and report.examples == 1
    boss = next(i for i in items if "morgan" in i.metadata["from"])
    assert fake_sift.is_important(boss) == (boss.priority >= 0.6)


def test_history_rows_read_the_same_senders_as_the_items(fake_sift: Sift) -> None:
    """GIVEN mail, a document and an item whose metadata is not valid JSON WHEN the history
    is read in SQL THEN it sees the senders, recipients, categories and threads that
    decoding each item's metadata gives, and a broken row is read as having none."""
    from assistant.store_priority import PriorityStore

    store = fake_sift.store
    rows = [
        (
            '{"from": "Dana <dana@example.com>", "to": "Alex <a@example.com>, b@example.com"}',
            "mail",
        ),
        ('{"path": "/docs/notes.txt"}', "document"),
        ("not json {", "mail"),
        ('{"from": "\\u5218\\u6d0b <liu@example.cn>"}', "mail"),
    ]
    with store.atomic():
        for n, (metadata, kind) in enumerate(rows):
            store.insert_item(
                {
                    "source_key": f"k{n}",
                    "kind": kind,
                    "source_path": f"/x/{n}",
                    "title": f"T{n}",
                    "text": "Hello",
                    "quoted": "",
                    "metadata": metadata,
                    "language": "en",
                    "content_hash": f"h{n}",
                    "state": "ready",
                    "category": "fyi",
                    "thread_key": "t1" if n % 2 else "",
                }
            )
    db = PriorityStore(store)
    light = db.history_rows()
    full = db.item_rows()
    assert [r.id for r in light] == [r.id for r in full]
    for quick, decoded in zip(light, full, strict=True):
        assert quick.sender == decoded.metadata.get("from", "")
        assert quick.to == decoded.metadata.get("to", "")
        assert (quick.kind, quick.category, quick.thread) == (
            decoded.kind,
            decoded.category,
            decoded.thread,
        )
    assert light[3].sender == "刘洋 <liu@example.cn>"
    assert light[2].sender == "" and full[2].metadata == {}
