"""Labelled mail for training tests: three topics, each message with topic words and filler."""

from __future__ import annotations

import random
from pathlib import Path

from assistant import Sift
from assistant.store import now
from assistant.triage import Example
from assistant.types import ItemKind
from assistant.types import Verdict
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

TOPICS = {
    "finance": "invoice payment amount due receipt bank transfer balance",
    "meeting": "meeting agenda room schedule calendar minutes attendees slot",
    "travel": "flight hotel booking trip airport boarding luggage train",
}
FILLER = [
    "please",
    "note",
    "the",
    "team",
    "the",
    "project",
    "update",
    "thanks",
    "regards",
    "see",
    "below",
    "kind",
]


def labelled_items(
    sift: Sift,
    folder: Path,
    *,
    per_topic: int,
    seed: int = 0,
    quiet: bool = False,
    label: bool = True,
) -> list[int]:
    """Ingest ``per_topic`` messages per topic (interleaved) and label them all; their ids.

    ``quiet`` records the labels in the store without re-predicting the
    other items after each (as ``Sift.label`` does), for large fast setups.
    """
    rng = random.Random(seed)
    messages, labels = [], []
    for i in range(per_topic):
        for label, words in TOPICS.items():
            picked = rng.sample(words.split(), 3) + rng.sample(FILLER, 4)
            rng.shuffle(picked)
            messages.append(make_mail(f"note {label[0]}{i}", " ".join(picked) + f" ref {i}"))
            labels.append(label)
    folder.mkdir(parents=True, exist_ok=True)
    mbox = write_mbox(folder / f"topics{seed}.mbox", messages)
    items = sift.ingest([mbox], summarize=False)
    known = {c.name for c in sift.categories()}
    for name in TOPICS.keys() - known:
        sift.add_category(name, name, kind=ItemKind.MAIL)
    for item, name in zip(items, labels, strict=True):
        if not label:
            continue
        if not quiet:
            sift.label(item.id, name)
            continue
        with sift.store.atomic():
            sift.store.update_item(item.id, user_category=name, labelled_at=now())
            sift.store.add_feedback(
                item_id=item.id,
                verdict=Verdict.LABEL,
                correction=name,
                model_version="test",
                input_hash=item.content_hash,
            )
    return [item.id for item in items]


def rotate_labels(examples: list[Example], share: float, *, seed: int = 0) -> list[Example]:
    """A deliberately degraded copy: ``share`` of the labels moved to the next class."""
    classes = sorted({e.label for e in examples})
    rng = random.Random(seed)
    picked = set(rng.sample(range(len(examples)), int(len(examples) * share)))
    return [
        Example(
            e.item_id,
            classes[(classes.index(e.label) + 1) % len(classes)] if i in picked else e.label,
            e.vector,
            e.title,
        )
        for i, e in enumerate(examples)
    ]
