"""Benchmark: fine-tuning rounds and their promotion gate over time-ordered feedback.

Run: .venv/bin/python bench/learning.py [--corpus NAME] [--limit N] [--every K]

For each corpus (enron_berkeley_categories: its coarse genre codes 1.1-1.8 as
the user's categories; spamassassin: ``junk`` / ``ham`` as a two-class
category task for the head), read with bench/triage.py's loaders:

1. Messages are sorted by their Date header. The newest 20 % are a fixed
   evaluation slice, never labelled; the rest is the feedback stream.
2. Everything is ingested once by a real Sift (default embedder, no LLM).
   The stream's gold labels are then given in time order (written as label
   feedback, without the per-label re-prediction of ``Sift.label``, which
   does not change what is trained), and every K labels a round runs
   (``Sift.train``: CV, time-ordered held-out gate, promote or reject).
   Before and after each round the whole triage (zero-shot + memory + head)
   is scored on the fixed slice, next to a reference measured in the same
   run: scikit-learn's LogisticRegression fitted on the same labelled
   embeddings (the "head alone, sklearn" baseline).
3. A deliberately degraded training set is offered: the labelled stream with
   60 % of its labels rotated to the next class, judged on the gate's clean
   held-out slice. The gate must reject it.
4. Timing: one round by the trainer subprocess (``python -m
   assistant.trainer``, nice 10, two torch threads) on the labelled rows
   (2,000 for spamassassin by default), wall time and the child's peak RSS,
   next to the LogisticRegression fit on the same rows.

Timings are noisy on a shared machine; accuracies are not.
"""

from __future__ import annotations

import argparse
import email.utils
import importlib.util
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assistant import Sift  # noqa: E402
from assistant import settings as settings_module  # noqa: E402
from assistant.pipeline import embedding_text  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import now  # noqa: E402
from assistant.training import HeadTraining  # noqa: E402
from assistant.training import choose_config  # noqa: E402
from assistant.training import split  # noqa: E402
from assistant.triage import Example  # noqa: E402
from assistant.types import ItemKind  # noqa: E402
from assistant.types import Verdict  # noqa: E402
from models.fake import FakeGenerator  # noqa: E402


def _load_triage_bench() -> object:
    """bench/triage.py as a module (its corpus loaders), without a bench package."""
    spec = importlib.util.spec_from_file_location("bench_triage", ROOT / "bench" / "triage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_triage"] = module
    spec.loader.exec_module(module)
    return module


TRIAGE_BENCH = _load_triage_bench()
HELD_SHARE = 0.2
DEGRADE_SHARE = 0.6
LIMITS = {"enron_berkeley_categories": None, "spamassassin": 2500}
LABELS = {"spam": "junk", "ham": "ham"}


@dataclass(frozen=True, slots=True)
class Round:
    """One fine-tune round of the replay."""

    labels: int
    before: float
    after: float
    reference: float
    promoted: bool
    gate_old: float | None
    gate_new: float | None
    gate_n: int
    reason: str


def dated(messages: list) -> list:
    """Messages in Date-header order (undated ones last, in corpus order)."""

    def key(pair: tuple[int, object]) -> tuple[float, int]:
        index, message = pair
        head = message.raw[:4000].decode("latin-1")
        for line in head.splitlines():
            if line.lower().startswith("date:"):
                try:
                    stamp = email.utils.parsedate_to_datetime(line[5:].strip())
                except (TypeError, ValueError, IndexError):
                    break
                if stamp.tzinfo is None:
                    stamp = stamp.replace(tzinfo=UTC)
                return stamp.timestamp(), index
        return datetime.max.replace(tzinfo=UTC).timestamp(), index

    return [m for _, m in sorted(enumerate(messages), key=key)]


def ingest(sift: Sift, messages: list, folder: Path) -> list[int | None]:
    """Store the messages (as .eml files) and embed them; item ids in message order.

    Only what training reads is computed: the items (``Sift.store_paths``,
    the real reader) and their embeddings (the pipeline's embedding text and
    the real embedder, in batches). Junk verdicts, fields and suggestions,
    which a full ingest adds, are not needed for training and cost minutes.
    """
    folder.mkdir(parents=True)
    paths = []
    for i, message in enumerate(messages):
        path = folder / f"{i:06d}.eml"
        path.write_bytes(message.raw)
        paths.append(path)
    sift.store_paths([folder])
    items = sift.items()
    version = sift.embedder.info.version
    for start in range(0, len(items), 64):
        batch = items[start : start + 64]
        vectors = sift.embedder.embed([embedding_text(item) for item in batch])
        for item, vector in zip(batch, vectors, strict=True):
            sift.store.set_embedding(item.id, vector, version)
    by_name = {Path(item.source_path).name: item.id for item in items}
    return [by_name.get(path.name) for path in paths]


def give_label(sift: Sift, item_id: int, label: str) -> None:
    """Record a label as ``Sift.label`` does, minus re-predicting the other items."""
    item = sift.item(item_id)
    with sift.store.atomic():
        sift.store.update_item(item_id, user_category=label, labelled_at=now())
        sift.store.add_feedback(
            item_id=item_id,
            verdict=Verdict.LABEL,
            correction=label,
            model_version=sift.triage.version,
            input_hash=item.content_hash,
        )


def reference_accuracy(train: list[Example], test: list[Example]) -> tuple[float, float]:
    """LogisticRegression on the same embeddings: held-out accuracy and fit seconds."""
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    model = LogisticRegression(max_iter=1000, class_weight="balanced")
    model.fit(np.stack([e.vector for e in train]), [e.label for e in train])
    seconds = time.perf_counter() - started
    predicted = model.predict(np.stack([e.vector for e in test]))
    return float(np.mean([p == e.label for p, e in zip(predicted, test, strict=True)])), seconds


def rotate(examples: list[Example], share: float) -> list[Example]:
    classes = sorted({e.label for e in examples})
    picked = set(random.Random(0).sample(range(len(examples)), int(len(examples) * share)))
    return [
        Example(
            e.item_id,
            classes[(classes.index(e.label) + 1) % len(classes)] if i in picked else e.label,
            e.vector,
            e.title,
        )
        for i, e in enumerate(examples)
    ]


def candidate_accuracy(training: HeadTraining, sift: Sift, train: list, test: list) -> float:
    """Held-out accuracy of a head trained on ``train`` (chosen as the gate does), not recorded."""
    from models.head import train_head

    config, _ = choose_config(train)
    head = train_head(np.stack([e.vector for e in train]), [e.label for e in train], config=config)
    triage = sift.triage
    saved = triage.head, triage.head_version
    triage.head, triage.head_version = head, "probe"
    try:
        return training.accuracy(triage, train, test)[0]
    finally:
        triage.head, triage.head_version = saved


def trainer_round(home: Path) -> tuple[float, float, dict]:
    """Wall seconds and peak RSS (MB) of one trainer subprocess, and its report."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "assistant.trainer", "--data-dir", str(home), "--threads", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return wall, peak_mb, json.loads(result.stdout.strip().splitlines()[-1])


def replay(name: str, limit: int | None, every: int, workdir: Path) -> None:
    corpus = next(c for c in TRIAGE_BENCH.CORPORA if c.name == name)
    messages = dated(corpus.load(workdir / "corpus"))
    if limit:
        messages = messages[:limit]
    gold = [LABELS.get(m.gold, m.gold) for m in messages]
    cut = int(len(messages) * (1 - HELD_SHARE))
    home = workdir / "home"
    home.mkdir()
    settings = Settings(summarize=False, train_min_feedback=10**9)
    settings_module.save(settings, home / "settings.json")
    with Sift(home, generator=FakeGenerator()) as sift:
        for category in sift.categories():
            sift.delete_category(category.name)  # a user replacing the scheme
        for label in sorted(set(gold)):
            sift.add_category(label, f"mail of kind {label}", kind=ItemKind.MAIL)
        started = time.perf_counter()
        ids = ingest(sift, messages, workdir / "mail")
        print(
            f"\n== {name}: {len(messages)} messages in Date order, {len(set(gold))} categories;"
            f" stream {cut}, fixed evaluation slice {len(messages) - cut} (newest);"
            f" stored and embedded in {time.perf_counter() - started:.0f} s"
        )
        version = sift.embedder.info.version
        pairs = [(i, g) for i, g in zip(ids, gold, strict=True)]
        missing = sum(i is None for i, _ in pairs)
        fixed = [
            Example(i, g, sift.store.embedding(i, version), "")
            for i, g in pairs[cut:]
            if i is not None and sift.store.embedding(i, version) is not None
        ]
        training = HeadTraining(sift)
        rounds: list[Round] = []
        labelled: list[Example] = []
        stream = [(i, g) for i, g in pairs[:cut] if i is not None]
        for position, (item_id, label) in enumerate(stream, start=1):
            give_label(sift, item_id, label)
            vector = sift.store.embedding(item_id, version)
            if vector is not None:
                labelled.append(Example(item_id, label, vector, ""))
            if position % every and position != len(stream):
                continue
            before, _ = training.accuracy(sift.triage, labelled, fixed)
            report = sift.train()
            after, _ = training.accuracy(sift.triage, labelled, fixed)
            reference, _ = reference_accuracy(labelled, fixed)
            rounds.append(
                Round(
                    position,
                    before,
                    after,
                    reference,
                    report.promoted,
                    report.old_accuracy,
                    report.new_accuracy,
                    report.held_out,
                    report.reason,
                )
            )
        if missing:
            print(f"({missing} messages were duplicates of others and got no item of their own)")
        print(
            f"{'labels':>6}  {'fixed before':>12} {'after':>6} {'LR ref':>6} {'after/LR':>8}  "
            f"{'gate n':>6} {'serving':>7} {'cand.':>6}  decision"
        )
        for r in rounds:
            gate_old = f"{r.gate_old:.1%}" if r.gate_old is not None else "n/a"
            gate_new = f"{r.gate_new:.1%}" if r.gate_new is not None else "n/a"
            print(
                f"{r.labels:>6}  {r.before:>12.1%} {r.after:>6.1%} {r.reference:>6.1%} "
                f"{r.after / r.reference:>8.2f}  {r.gate_n:>6} {gate_old:>7} {gate_new:>6}  "
                f"{'promoted' if r.promoted else 'rejected'}"
            )
            print(f"{'':>8}{r.reason}")

        train, test = split(training.examples())
        clean = candidate_accuracy(training, sift, train, test)
        degraded = training.train(examples=rotate(train, DEGRADE_SHARE), held_out=test)
        print(
            f"same split, clean labels: candidate {clean:.1%} (not recorded); the serving head"
            " was fitted on all labels, this held-out slice included, which favours it"
        )
        print(
            f"degraded set ({DEGRADE_SHARE:.0%} of {len(train)} labels rotated to the next class),"
            f" gate on the clean held-out {len(test)}: "
            f"{'PROMOTED (gate failed)' if degraded.promoted else 'rejected'}"
            f"\n        {degraded.reason}"
        )

    wall, peak_mb, report = trainer_round(home)
    with Sift(home, generator=FakeGenerator()) as sift:
        last = sift.model_versions("head")[-1]
        examples = HeadTraining(sift).examples()
    _, reference_seconds = reference_accuracy(examples, examples[:10])
    print(
        f"trainer subprocess round on {len(examples)} labelled rows: {wall:.1f} s wall"
        f" (round itself {last.metrics.get('seconds', 0):.1f} s, the rest is start-up and"
        f" imports), peak RSS {peak_mb:.0f} MB, {report['version']}"
        f" {'promoted' if report['promoted'] else 'rejected'};"
        f" LogisticRegression fit on the same rows {reference_seconds:.2f} s"
        " [timings measured under load]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=sorted(LIMITS), action="append")
    parser.add_argument("--limit", type=int, default=None, help="messages per corpus")
    parser.add_argument("--every", type=int, default=200, help="labels between rounds")
    args = parser.parse_args()
    for name in args.corpus or sorted(LIMITS):
        if not (TRIAGE_BENCH.DATA / f"{name}.tar.gz").is_file():
            print(f"{name}: corpus not found under {TRIAGE_BENCH.DATA}, skipped")
            continue
        with tempfile.TemporaryDirectory(prefix="sift-learning-") as tmp:
            replay(name, args.limit or LIMITS[name], args.every, Path(tmp))


if __name__ == "__main__":
    main()
