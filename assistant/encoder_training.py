"""A fine-tuning round of the encoder itself (transformers encoders only), through the same gate.

``models.setfit`` fine-tunes the configured Hugging Face encoder folder
contrastively on the labelled items of the training part. The gate is the
head's: a head is fitted on the training part's embeddings from the old
encoder and from the candidate, and the candidate is promoted when the
head's held-out accuracy on its embeddings is at least the old one's minus
``promote_tolerance``. A promoted encoder is published as
``models/encoder/encoder-vN/``, recorded (task ``encoder``), and serves from
then on in place of the configured folder: every labelled item is embedded
again and a head round runs on the new embeddings (heads are tied to the
encoder they were trained on).

The default embedder (packed 4-bit e5) is not tuned: the round says so and
the head is what is tuned. ``assistant.versions`` rolls an encoder back (its
vectors and head follow it).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.store_models import ModelStore
from assistant.training import MIN_EXAMPLES
from assistant.training import split
from assistant.types import Decision
from assistant.types import TrainReport
from models.head import train_head
from models.publish import settle_candidate

if TYPE_CHECKING:
    from assistant.engine import Sift
    from models.base import Embedder
    from models.setfit import EncoderTuneConfig

TASK = "encoder"
NO_GRADIENT = (
    "the embedder {name} ({backend}) has no gradient path: for it the category head is "
    "what is tuned (`sift train`); encoder fine-tuning needs a transformers encoder folder"
)


def head_accuracy(
    embedder: Embedder, train: list[tuple[str, str]], test: list[tuple[str, str]]
) -> float:
    """Held-out accuracy of a default head fitted on this encoder's embeddings."""
    x_train = embedder.embed([text for text, _ in train])
    x_test = embedder.embed([text for text, _ in test])
    head = train_head(x_train, [label for _, label in train])
    predicted = np.argmax(head.predict_proba(x_test), axis=1)
    return float(
        np.mean(
            [head.classes[int(p)] == label for p, (_, label) in zip(predicted, test, strict=True)]
        )
    )


def train_encoder(sift: Sift, *, config: EncoderTuneConfig | None = None) -> TrainReport:
    """One encoder round: fine-tune, gate, publish or discard, record."""
    from models.hf_embedder import HFEmbedder  # noqa: PLC0415 - lazy: transformers
    from models.setfit import fine_tune_encoder  # noqa: PLC0415

    started = time.perf_counter()
    embedder = sift.embedder
    info = embedder.info
    versions = ModelStore(sift.store)
    if info.backend != "transformers":
        return TrainReport(
            TASK,
            0,
            0,
            None,
            None,
            promoted=False,
            version=info.version,
            reason=NO_GRADIENT.format(name=info.name, backend=info.backend),
        )
    names = {c.name for c in sift.store.categories()}
    rows = [(text, label) for _, label, text in versions.labelled_texts() if label in names]
    if len(rows) < MIN_EXAMPLES or len({label for _, label in rows}) < 2:
        return TrainReport(
            TASK,
            len(rows),
            0,
            None,
            None,
            promoted=False,
            version=info.version,
            reason=f"need at least {MIN_EXAMPLES} labelled items in 2 categories "
            f"(have {len(rows)})",
        )
    train, test = split(rows, label_of=lambda row: row[1])
    base = configured_version(sift)
    feedback_id = versions.newest_feedback_id()
    number = versions.next_number(TASK)
    version = f"encoder-v{number}"
    final = sift.paths.heads / TASK / version
    scratch = final.with_name(f"{version}-candidate")
    fine_tune_encoder(
        Path(info.path),
        [t for t, _ in train],
        [label for _, label in train],
        scratch,
        config=config,
    )
    old_accuracy = head_accuracy(embedder, train, test)
    candidate = HFEmbedder(scratch)
    new_accuracy = head_accuracy(candidate, train, test)
    candidate.close()
    tolerance = sift.settings.promote_tolerance
    promoted = new_accuracy >= old_accuracy - tolerance
    reason = (
        f"{'promoted' if promoted else 'rejected'}: held-out accuracy of a head on the candidate "
        f"encoder's embeddings {new_accuracy:.1%} vs {info.name} {old_accuracy:.1%} on "
        f"{len(test)} items; {'within' if promoted else 'below'} the gate "
        f"(new >= old - {tolerance:.1%})"
    )
    settle_candidate(scratch, final, keep=promoted)
    path = f"{TASK}/{version}" if promoted else None
    versions.record(
        task=TASK,
        version=version,
        decision=Decision.PROMOTED if promoted else Decision.REJECTED,
        reason=reason,
        path=path,
        embedder=base,
        feedback_id=feedback_id,
        metrics={
            "trained_on": len(train),
            "held_out": len(test),
            "old_accuracy": old_accuracy,
            "new_accuracy": new_accuracy,
            "tolerance": tolerance,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return TrainReport(
        TASK,
        len(train),
        len(test),
        old_accuracy,
        new_accuracy,
        promoted=promoted,
        version=version if promoted else info.version,
        reason=reason,
    )


def configured_version(sift: Sift) -> str:
    """The version of the encoder folder the settings name (what fine-tunes descend from)."""
    from models.hf_embedder import folder_version  # noqa: PLC0415

    folder = Path(sift.settings.embedder).expanduser()
    return folder_version(folder) if folder.is_dir() else sift.embedder.info.version


def active_encoder(sift: Sift) -> Path | None:
    """The promoted fine-tune of the configured encoder folder, if one serves."""
    active = ModelStore(sift.store).active(TASK)
    if active is None or active.path is None or active.embedder != configured_version(sift):
        return None
    folder = sift.paths.heads / active.path
    return folder if (folder / "config.json").is_file() else None
