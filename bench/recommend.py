"""Benchmark: precision@10 of Sift's "read next" against recency order, on a replay.

Run: .venv/bin/python bench/recommend.py [--limit N] [--engaged 4,6] [--batch 40]

A simulated user on ``enron_berkeley_categories`` (loaded with
``bench/triage.py``'s reader): the messages arrive in Date order, ``--batch``
at a time, into one Sift with its real default embedder and no LLM
(``summarize=False``). The user engages with two chosen genres (by default
1.4 logistic arrangements and 1.6 document editing, about a third of the
mail) and ignores the rest; they never label anything.

After each batch arrives, before the user touches it, both rankings are read
over the same pool (live unread items):

* ``Sift.read_next(10)``;
* the reference: the 10 newest of that pool (recency order, the same
  exclusions), measured in the same run.

precision@10 is the share of engaged-genre items in each top 10 (and "best"
what a perfect ranking of the same pool would reach). Then the
user works through the new batch: an engaged item is opened and read for
30 s (``OPENED`` + ``DWELL``), any other is passed over (``SKIPPED``). So
the ranker learns only from implicit signals, as the issue asks.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path

# As in bench/triage.py: this file's folder must not shadow Sift's models package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from assistant import Sift  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store_signals import SignalStore  # noqa: E402
from assistant.types import SignalKind  # noqa: E402
from bench.triage import DATA  # noqa: E402
from bench.triage import Message  # noqa: E402
from bench.triage import enron_berkeley_categories  # noqa: E402
from models.base import Embedder  # noqa: E402
from models.fake import FakeEmbedder  # noqa: E402
from models.fake import FakeGenerator  # noqa: E402

CORPUS = "enron_berkeley_categories"
TOP = 10
CHECKPOINTS = (200, 500)
DWELL_SECONDS = 30.0


def in_date_order(messages: list[Message]) -> list[Message]:
    """Messages sorted by their Date header (undated ones last, in corpus order)."""
    parser = BytesHeaderParser()

    def key(pair: tuple[int, Message]) -> tuple[float, int]:
        index, message = pair
        try:
            moment = parsedate_to_datetime(str(parser.parsebytes(message.raw)["date"]))
            return moment.timestamp(), index
        except (TypeError, ValueError):
            return float("inf"), index

    return [m for _, m in sorted(enumerate(messages), key=key)]


def precision(ids: list[int], engaged: dict[int, bool]) -> float | None:
    """Share of engaged items in a top list (None for an empty list)."""
    top = ids[:TOP]
    return sum(engaged[i] for i in top) / len(top) if top else None


def replay(
    messages: list[Message],
    workdir: Path,
    *,
    wanted: set[str],
    batch: int,
    embedder: Embedder | None = None,
) -> list[tuple[int, float, float, float]]:
    """``(messages so far, read-next p@10, recency p@10, best possible p@10)`` per batch."""
    engaged: dict[int, bool] = {}
    points: list[tuple[int, float, float, float]] = []
    hidden = 0
    with Sift(
        workdir / "sift",
        settings=Settings(summarize=False),
        generator=FakeGenerator(),
        embedder=embedder,
    ) as sift:
        signals = SignalStore(sift.store)
        for start in range(0, len(messages), batch):
            folder = workdir / f"batch{start:05d}"
            folder.mkdir()
            gold: dict[str, bool] = {}
            for offset, message in enumerate(messages[start : start + batch]):
                path = folder / f"{start + offset:05d}.eml"
                path.write_bytes(message.raw)
                gold[str(path)] = message.gold in wanted
            new = [i for i in sift.ingest([folder], summarize=False) if i.source_path in gold]
            for item in new:
                engaged[item.id] = gold[item.source_path]
                hidden += bool(item.is_junk or item.near_duplicate_of)
            ranked = [r.item.id for r in sift.read_next(TOP)]
            recent = [i.id for i in signals.candidates(limit=TOP)]
            ours, reference = precision(ranked, engaged), precision(recent, engaged)
            pool = [i.id for i in signals.candidates(limit=len(engaged))]
            best = min(TOP, sum(engaged[i] for i in pool)) / min(TOP, len(pool)) if pool else 0
            if ours is not None and reference is not None:
                points.append((start + len(new), ours, reference, best))
            for item in new:  # the user works through the new mail
                if engaged[item.id]:
                    sift.record_signal(item.id, SignalKind.OPENED)
                    sift.record_signal(item.id, SignalKind.DWELL, DWELL_SECONDS)
                else:
                    sift.record_signal(item.id, SignalKind.SKIPPED)
            print(f"  {start + len(new)}/{len(messages)}", file=sys.stderr)
        from assistant.recommend import FEATURES
        from assistant.recommend import Ranker

        ranker = Ranker(signals)
        weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, ranker.weights, strict=True))
        print(f"learned weights (fitted on {ranker.fitted_on} items): {weights}")
        print(f"{hidden} items were out of both lists (junk to the untrained filter, duplicates)")
    return points


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def report(points: list[tuple[int, float, float, float]]) -> None:
    print(f"\n{'messages':<14}{'steps':>6}{'read_next':>11}{'recency':>9}{'ratio':>7}{'best':>7}")
    windows = [(f"first {n}", points[: sum(p[0] <= n for p in points)]) for n in CHECKPOINTS]
    windows = [(label, chosen) for label, chosen in windows if len(chosen) < len(points)]
    windows += [("all", points), ("second half", points[len(points) // 2 :])]
    for label, chosen in windows:
        ours, reference = _mean([p[1] for p in chosen]), _mean([p[2] for p in chosen])
        best = _mean([p[3] for p in chosen])
        if ours is None or reference is None or best is None:
            continue
        ratio = f"{ours / reference:7.2f}" if reference else f"{'n/a':>7}"
        print(f"{label:<14}{len(chosen):>6}{ours:>11.3f}{reference:>9.3f}{ratio}{best:>7.3f}")
    print("best: the share of engaged items a perfect top 10 of the same pool would have")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="messages (default: all)")
    parser.add_argument("--engaged", default="4,6", help="genre numbers the user reads (1-8)")
    parser.add_argument("--batch", type=int, default=40, help="messages per arrival")
    parser.add_argument(
        "--fake-embedder", action="store_true", help="hashed words instead of e5 (smoke runs only)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if not (DATA / f"{CORPUS}.tar.gz").is_file():
        sys.exit(f"absent from {DATA}: {CORPUS}")
    wanted = {f"1.{g.strip()}" for g in args.engaged.split(",") if g.strip()}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        messages = in_date_order(enron_berkeley_categories(workdir))[: args.limit]
        base = sum(m.gold in wanted for m in messages) / len(messages)
        print(
            f"{CORPUS}: {len(messages)} messages in Date order, batches of {args.batch}; "
            f"the user reads genres {', '.join(sorted(wanted))} ({base:.0%} of the mail)"
        )
        started = time.perf_counter()
        embedder = FakeEmbedder() if args.fake_embedder else None
        points = replay(messages, workdir, wanted=wanted, batch=args.batch, embedder=embedder)
        print(f"replay: {time.perf_counter() - started:.0f} s (measured under load)")
    report(points)


if __name__ == "__main__":
    main()
