"""Every learned model kind listed and rolled back the same way (``sift models list|rollback``).

Three kinds are versioned, each round recorded in ``model_versions`` whether
the gate promoted or rejected it:

* **head** (task ``category``): ``assistant.training``; a rollback serves an
  earlier promoted head trained on the encoder that serves now.
* **encoder**: ``assistant.encoder_training``; a rollback serves an earlier
  fine-tune, or ``base`` (the configured encoder folder). Stored vectors
  belong to one encoder version, so the rollback keeps them consistent: the
  outgoing encoder's vectors are archived and the target's archived vectors
  restored (``embedding_archive``) rather than embedded again, which makes
  it instant and exact: the head that served with that encoder sees the
  very vectors it was trained on, and "related items" compares like with
  like. Items without an archived vector (ingested since) are embedded
  again; vectors are keyed by encoder version, so nothing ever mixes two
  encoders even if a rollback is interrupted. The head that serves is the
  newest promoted head trained on the target encoder (none: memory only
  until the next round). Archives are kept for the ``ARCHIVE_KEEP`` most
  recent encoder versions (dim x 4 bytes per item each: 1.5 KB at 384).
* **junk**: ``assistant.junk_versions`` (snapshots; see there for what a
  rollback does with verdicts given after the snapshot).
* **reply**: ``assistant.reply_training`` (LoRA adapters of the LLM); a
  rollback serves an earlier adapter trained on the same model, or ``base``
  (no adapter), from the next reply draft on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.encoder_training import configured_version
from assistant.errors import UserError
from assistant.junk_versions import JunkVersions
from assistant.learning import Learner
from assistant.store_models import ModelStore
from assistant.store_snapshots import SnapshotStore
from assistant.training import HeadTraining
from assistant.types import Decision
from assistant.types import ItemKind
from assistant.types import ModelKind
from assistant.types import ModelVersion
from assistant.types import RollbackReport

if TYPE_CHECKING:
    from assistant.engine import Sift

BASE = "base"  # the configured encoder folder, as a rollback target
ARCHIVE_KEEP = 4
ALIASES = {"head": ModelKind.HEAD, "category": ModelKind.HEAD}
PREFIXES = {
    "head-v": ModelKind.HEAD,
    "encoder-v": ModelKind.ENCODER,
    "junk-v": ModelKind.JUNK,
    "reply-v": ModelKind.REPLY,
}


def kind_of(name: str | ModelKind | None, version: str | None = None) -> ModelKind:
    """A kind from its name (``head``, ``category``, ``encoder``, ``junk``) or a version's prefix.

    Raises:
        UserError: an unknown kind.
    """
    if isinstance(name, ModelKind):
        return name
    if name is None:
        for prefix, kind in PREFIXES.items():
            if version is not None and version.startswith(prefix):
                return kind
        if version == BASE:
            return ModelKind.ENCODER
        return ModelKind.HEAD
    kind = ALIASES.get(name.strip().lower())
    if kind is not None:
        return kind
    try:
        return ModelKind(name.strip().lower())
    except ValueError:
        raise UserError(f"unknown model kind {name!r}: head, encoder, junk or reply") from None


def list_versions(sift: Sift, kind: str | ModelKind | None = None) -> list[ModelVersion]:
    """Every round of one kind or all, oldest first."""
    task = None if kind is None else str(kind_of(kind))
    return ModelStore(sift.store).versions(task)


def rollback(
    sift: Sift,
    kind: str | ModelKind | None = None,
    version: str | None = None,
    *,
    keep_later: bool = False,
) -> RollbackReport:
    """Serve an earlier version of one kind (default: the one before the serving one)."""
    chosen = kind_of(kind, version)
    if version is not None and chosen != kind_of(None, version) and version != BASE:
        raise UserError(f"{version} is not a {chosen} version")
    if chosen == ModelKind.JUNK:
        return JunkVersions(sift).rollback(version, keep_later=keep_later)
    if chosen == ModelKind.ENCODER:
        return rollback_encoder(sift, version)
    if chosen == ModelKind.REPLY:
        return rollback_reply(sift, version)
    before = sift.triage.head_version
    model = HeadTraining(sift).rollback(version)
    return RollbackReport(ModelKind.HEAD, model.version, before, model)


# -- encoders ---------------------------------------------------------------------


def _encoder_target(sift: Sift, version: str | None) -> tuple[str, ModelVersion | None, Path]:
    """The version to serve, its row (None for ``base``) and its folder."""
    store = ModelStore(sift.store)
    base = configured_version(sift)
    promoted = [
        v
        for v in store.versions(str(ModelKind.ENCODER))
        if v.decision == Decision.PROMOTED and v.path and v.embedder == base
    ]
    active = next((v for v in promoted if v.active), None)
    if version is None:
        if active is None:
            raise UserError("the configured encoder serves already: no encoder to roll back")
        index = promoted.index(active)
        version = promoted[index - 1].version if index > 0 else BASE
    if version == BASE:
        if active is None:
            raise UserError("the configured encoder serves already")
        return BASE, None, Path(sift.settings.embedder).expanduser()
    target = store.get(str(ModelKind.ENCODER), version)
    if target.decision != Decision.PROMOTED or target.path is None:
        raise UserError(f"encoder {version} was rejected: it has no model to serve")
    if target.embedder != base:
        raise UserError(f"encoder {version} was tuned from {target.embedder}, not {base}")
    if target.active:
        raise UserError(f"encoder {version} serves already")
    folder = sift.paths.heads / target.path
    if not (folder / "config.json").is_file():
        raise UserError(f"encoder {version}'s folder is missing or incomplete: {folder}")
    return version, target, folder


def rollback_encoder(sift: Sift, version: str | None = None) -> RollbackReport:
    """Serve an earlier fine-tuned encoder, or ``base``; vectors and head follow it."""
    from models.hf_embedder import folder_version  # noqa: PLC0415 - lazy: transformers-side

    if sift.embedder_injected:
        raise UserError("this Sift was given its own embedder: encoder versions do not apply")
    if sift.embedder.info.backend != "transformers":
        raise UserError("encoder versions exist only for transformers encoder folders")
    name, target, folder = _encoder_target(sift, version)
    store = ModelStore(sift.store)
    replaced = store.active(str(ModelKind.ENCODER))
    new_version = folder_version(folder)
    heads = [
        v
        for v in store.versions(str(ModelKind.HEAD))
        if v.decision == Decision.PROMOTED and v.path and v.embedder == new_version
    ]
    head = heads[-1] if heads else None
    # The switch is one transaction; vectors are keyed by encoder version, so
    # a crash after it at worst embeds some items again.
    with sift.store.atomic():
        if target is None:
            store.deactivate(str(ModelKind.ENCODER))
        else:
            store.activate(str(ModelKind.ENCODER), name)
        if head is None:
            store.deactivate(str(ModelKind.HEAD))
        elif not head.active:
            store.activate(str(ModelKind.HEAD), head.version)
    restored = sift.swap_embedder()
    notes = [
        f"encoder {name} serves ({new_version}); {restored} stored vectors restored, "
        "the rest are embedded again as items are used",
        f"head {head.version} (trained on it) serves"
        if head
        else "no head was trained on it: categories come from examples until the next round",
    ]
    learner = Learner(sift)
    for kind in (ItemKind.MAIL, ItemKind.DOCUMENT):
        learner.refresh(kind)
    return RollbackReport(
        ModelKind.ENCODER,
        name,
        replaced.version if replaced else BASE,
        target,
        tuple(notes),
    )


def switch_vectors(sift: Sift, old_version: str | None, new_version: str) -> int:
    """Archive the outgoing encoder's vectors, restore the incoming one's; how many restored."""
    snapshots = SnapshotStore(sift.store)
    with sift.store.atomic():
        if old_version is not None and old_version != new_version:
            snapshots.archive_vectors(old_version)
        restored = snapshots.restore_vectors(new_version)
    snapshots.prune_archive(ARCHIVE_KEEP)
    return restored


# -- reply adapters ---------------------------------------------------------------


def rollback_reply(sift: Sift, version: str | None = None) -> RollbackReport:
    """Serve an earlier reply adapter of the serving LLM, or ``base`` (none)."""
    from assistant.reply_training import ADAPTER_FILE  # noqa: PLC0415 - lazy, as the engine
    from assistant.reply_training import TASK  # noqa: PLC0415

    generator = sift.generator()
    if generator is None:
        raise UserError("no language model serves: reply adapters do not apply")
    model = generator.info.version
    store = ModelStore(sift.store)
    promoted = [
        v
        for v in store.versions(TASK)
        if v.decision == Decision.PROMOTED and v.path and v.embedder == model
    ]
    active = next((v for v in promoted if v.active), None)
    if version is None:
        if active is None:
            raise UserError("the base language model writes replies already: nothing to roll back")
        index = promoted.index(active)
        version = promoted[index - 1].version if index > 0 else BASE
    if version == BASE:
        if active is None:
            raise UserError("the base language model writes replies already")
        store.deactivate(TASK)
        return RollbackReport(
            ModelKind.REPLY,
            BASE,
            active.version,
            None,
            ("reply drafts are written by the base model, without an adapter",),
        )
    target = store.get(TASK, version)
    if target.decision != Decision.PROMOTED or target.path is None:
        raise UserError(f"reply adapter {version} was rejected: it has nothing to serve")
    if target.embedder != model:
        raise UserError(f"reply adapter {version} was trained on {target.embedder}, not {model}")
    if target.active:
        raise UserError(f"reply adapter {version} serves already")
    if not (sift.paths.heads / target.path / ADAPTER_FILE).is_file():
        raise UserError(
            f"reply adapter {version}'s file is missing: {sift.paths.heads / target.path}"
        )
    store.activate(TASK, version)
    return RollbackReport(
        ModelKind.REPLY,
        version,
        active.version if active else BASE,
        store.get(TASK, version),
        (f"reply drafts are written with adapter {version}",),
    )
