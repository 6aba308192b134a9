"""Versions of the junk filter: gated snapshots of its counts, and rollback.

The filter learns verdict by verdict and serves what it learned at once
(issue 5: "the next prediction reflects it at once"). Versions are
snapshots of that state, taken after every ``SNAPSHOT_EVERY`` junk verdicts
and at every training round:

* **Gate.** The held-out slice is the newest ``HELD_OUT_SHARE`` of the junk
  verdicts given after the serving snapshot's cut-off (so the serving
  snapshot never saw them). The serving snapshot (or, before the first one,
  the seed-only filter) and the candidate (the live counts without the
  held-out verdicts) classify it; the candidate passes when its accuracy is
  at least the serving one's minus ``promote_tolerance``, like the heads.
  A promoted snapshot copies the live counts (held-out verdicts included)
  and becomes the serving version: a point ``sift models rollback`` returns
  to. A rejected one is recorded with its numbers and copies nothing; the
  live filter keeps its verdicts (un-teaching them automatically would drop
  what the user said), and ``sift models list`` shows why, so the user can
  roll back.
* **Rollback** (by default to the serving snapshot when verdicts came
  after it, else to the one before) restores a snapshot exactly: counts, message counts and what
  it had learned per item. Verdicts given after it are **not silently
  dropped**: they stay on their items (``user_junk`` still decides those
  items, and the feedback log keeps them), the report lists the items whose
  verdict the restored filter has not learned, and marking one again
  teaches it. ``keep_later=True`` re-teaches them all on top of the
  snapshot instead. Restoring exactly is the default because the counts are
  a function of the verdicts: re-teaching every later verdict by default
  would make a rollback change next to nothing, and the user who rolls
  back wants the filter of that day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.junk import score
from assistant.junk import seed_rows
from assistant.junk import tokenize
from assistant.store_models import ModelStore
from assistant.store_snapshots import SnapshotStore
from assistant.types import Decision
from assistant.types import Item
from assistant.types import ModelKind
from assistant.types import ModelVersion
from assistant.types import RollbackReport
from assistant.types import TrainReport

if TYPE_CHECKING:
    from assistant.engine import Sift

log = logging.getLogger(__name__)

TASK = str(ModelKind.JUNK)
SNAPSHOT_EVERY = 25  # junk verdicts between scheduled snapshots
MIN_NEW = 4  # new verdicts a gate needs (at least 2 held out, 2 learned)
HELD_OUT_SHARE = 0.25
KEEP_SNAPSHOTS = 5  # promoted snapshots whose counts are kept for rollback (each a full copy)
Counts = Callable[[list[str]], dict[str, tuple[int, int]]]


def _text(item: Item) -> str:
    return f"{item.title}\n{item.text}"


class JunkVersions:
    """Snapshots, gate and rollback of one ``Sift``'s junk filter."""

    def __init__(self, sift: Sift) -> None:
        self._sift = sift
        self._store = sift.store
        self.versions = ModelStore(sift.store)
        self.snapshots = SnapshotStore(sift.store)

    def due(self) -> bool:
        """``SNAPSHOT_EVERY`` junk verdicts since the last round."""
        since, _ = self.versions.last_round(TASK)
        return self.snapshots.verdict_count_since(since) >= SNAPSHOT_EVERY

    # -- the gate ---------------------------------------------------------------

    def _accuracy(
        self, counts: Counts, messages: tuple[int, int], held_out: list[tuple[Item, bool]]
    ) -> float:
        threshold = self._sift.settings.junk_threshold
        correct = 0
        for item, junk in held_out:
            tokens = tokenize(_text(item), headers=item.metadata)
            probability, _ = score(counts(tokens), *messages)
            correct += (probability >= threshold) == junk
        return correct / len(held_out)

    def _baseline(self, serving: ModelVersion | None) -> tuple[Counts, tuple[int, int], str]:
        """The serving snapshot's counts, or the seed-only filter's before the first one."""
        if serving is not None and serving.path:
            name = serving.path
            messages = (
                int(serving.metrics.get("messages_junk", 0)),
                int(serving.metrics.get("messages_ham", 0)),
            )
            return (lambda tokens: self.snapshots.snapshot_counts(name, tokens)), messages, name
        seed: dict[str, list[int]] = {}
        sides = [0, 0]
        for text, junk in seed_rows():
            sides[0 if junk else 1] += 1
            for token in dict.fromkeys(tokenize(text)):
                seed.setdefault(token, [0, 0])[0 if junk else 1] += 1

        def counts(tokens: list[str]) -> dict[str, tuple[int, int]]:
            return {t: (seed[t][0], seed[t][1]) for t in tokens if t in seed}

        return counts, (sides[0], sides[1]), "the seed filter"

    def _candidate(self, held_out: list[tuple[Item, bool]]) -> tuple[Counts, tuple[int, int]]:
        """The live counts without what they learned from the held-out items."""
        minus: dict[str, list[int]] = {}
        junk_n, ham_n = self.snapshots.messages()
        for item, _ in held_out:
            learned = self.snapshots.learned(item.id)
            if learned is None:
                continue
            if learned:
                junk_n -= 1
            else:
                ham_n -= 1
            for token in dict.fromkeys(tokenize(_text(item), headers=item.metadata)):
                minus.setdefault(token, [0, 0])[0 if learned else 1] += 1

        def counts(tokens: list[str]) -> dict[str, tuple[int, int]]:
            live = self._store.token_counts(tokens)
            out = {}
            for token, (junk, ham) in live.items():
                less = minus.get(token, (0, 0))
                out[token] = (max(0, junk - less[0]), max(0, ham - less[1]))
            return out

        return counts, (junk_n, ham_n)

    def train(self) -> TrainReport:
        """One snapshot round: gate the live filter against the serving snapshot, record."""
        serving = self.versions.active(TASK)
        cutoff = self._cutoff(serving)
        new = self.snapshots.verdicts_since(cutoff)
        serving_name = serving.version if serving else "seed"
        if len(new) < MIN_NEW:
            return TrainReport(
                TASK,
                len(new),
                0,
                None,
                None,
                promoted=False,
                version=serving_name,
                reason=f"need at least {MIN_NEW} junk verdicts since {serving_name} "
                f"(have {len(new)})",
            )
        feedback_id = self.versions.newest_feedback_id()
        held = max(2, int(len(new) * HELD_OUT_SHARE))
        held_out = [(self._store.item(item_id), junk) for item_id, junk, _ in new[-held:]]
        old_counts, old_messages, old_name = self._baseline(serving)
        old_accuracy = self._accuracy(old_counts, old_messages, held_out)
        new_counts, new_messages = self._candidate(held_out)
        new_accuracy = self._accuracy(new_counts, new_messages, held_out)
        tolerance = self._sift.settings.promote_tolerance
        promoted = new_accuracy >= old_accuracy - tolerance
        version = f"junk-v{self.versions.next_number(TASK)}"
        reason = (
            f"{'promoted' if promoted else 'rejected'}: accuracy on the {held} newest junk "
            f"verdicts {new_accuracy:.1%} vs {old_name} {old_accuracy:.1%}; "
            f"{'within' if promoted else 'below'} the gate (new >= old - {tolerance:.1%})"
            + ("" if promoted else "; the filter keeps your verdicts, roll back to undo them")
        )
        messages = self.snapshots.messages()
        learned = self.snapshots.learned_count()
        metrics = {
            # the candidate learned every verdict it holds but the held-out ones
            "trained_on": learned - held,
            "held_out": held,
            "old_accuracy": old_accuracy,
            "new_accuracy": new_accuracy,
            "tolerance": tolerance,
            "replaced": serving_name,
            "messages_junk": messages[0],
            "messages_ham": messages[1],
            "verdicts_since": len(new),
            "feedback_id": feedback_id,  # the snapshot's cut-off: the next gate holds out after it
        }
        # The copy and its row are one transaction: a crash leaves neither.
        with self._store.atomic():
            if promoted:
                self.snapshots.copy_junk(version)
            self.versions.record(
                task=TASK,
                version=version,
                decision=Decision.PROMOTED if promoted else Decision.REJECTED,
                reason=reason,
                path=version if promoted else None,
                embedder="",
                feedback_id=feedback_id,
                metrics=metrics,
            )
        if promoted:
            self._prune()
        return TrainReport(
            TASK,
            learned - held,
            held,
            old_accuracy,
            new_accuracy,
            promoted=promoted,
            version=version if promoted else serving_name,
            reason=reason,
        )

    @staticmethod
    def _cutoff(serving: ModelVersion | None) -> int:
        return int(serving.metrics.get("feedback_id", 0)) if serving else 0

    def _prune(self) -> None:
        kept = [v.version for v in self.versions.servable(TASK) if not v.active]
        old = kept[KEEP_SNAPSHOTS - 1 :]  # servable() lists newest first
        if old:
            self.snapshots.drop_junk(old)

    # -- rollback -----------------------------------------------------------------

    def rollback(self, version: str | None = None, *, keep_later: bool = False) -> RollbackReport:
        """Restore a promoted snapshot (default: the one before the serving one).

        Args:
            version: the snapshot, e.g. ``junk-v2``.
            keep_later: re-teach the verdicts the snapshot has not learned
                (given after it) instead of listing them.
        """
        active = self.versions.active(TASK)
        # The filter moved past the serving snapshot (e.g. a rejected round):
        # back to that snapshot first, to the one before it next time.
        if (
            version is None
            and active is not None
            and active.path is not None
            and self.snapshots.verdict_count_since(self._cutoff(active))
        ):
            version = active.version
        if version is None:
            promoted = [v for v in self.versions.versions(TASK) if v.decision == Decision.PROMOTED]
            index = next((i for i, v in enumerate(promoted) if v.active), None)
            if index is None or index == 0:
                raise UserError(f"no earlier {TASK} snapshot to roll back to")
            version = promoted[index - 1].version
        target = self.versions.get(TASK, version)
        if target.decision != Decision.PROMOTED:
            raise UserError(f"{TASK} {version} was rejected: it has no snapshot to restore")
        if target.path is None or not self.snapshots.has_junk(target.path):
            raise UserError(f"{TASK} {version}'s counts were pruned (only the newest are kept)")
        messages = (
            int(target.metrics.get("messages_junk", 0)),
            int(target.metrics.get("messages_ham", 0)),
        )
        with self._store.atomic():
            self.snapshots.restore_junk(target.path, messages)
            model = self.versions.activate(TASK, version)
        pending = self.snapshots.unlearned_verdicts()
        notes = [f"the junk filter is {version} again (its counts and what it had learned)"]
        if pending and keep_later:
            learner_filter = self._sift.junk
            with self._store.atomic():
                for item_id, verdict, learned in pending:
                    item = self._store.item(item_id)
                    if learned is not None:
                        learner_filter.learn(
                            _text(item), junk=learned, headers=item.metadata, unlearn=True
                        )
                    learner_filter.learn(_text(item), junk=verdict, headers=item.metadata)
                    self.snapshots.set_learned(item_id, junk=verdict)
            notes.append(f"re-taught {len(pending)} junk verdicts given after it")
            pending = []
        elif pending:
            shown = ", ".join(str(item_id) for item_id, _, _ in pending[:20])
            more = f" and {len(pending) - 20} more" if len(pending) > 20 else ""
            notes.append(
                f"{len(pending)} junk verdicts given after it are kept on their items but not "
                f"learned (items {shown}{more}); mark an item again to teach it, or roll back "
                "with keep_later (--keep-later) to re-teach them all"
            )
        return RollbackReport(
            ModelKind.JUNK,
            version,
            active.version if active else None,
            model,
            tuple(notes),
            tuple(item_id for item_id, _, _ in pending),
        )
