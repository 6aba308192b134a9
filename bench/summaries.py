"""Benchmark: Sift's summaries vs a naive prompt and a lead baseline, by ROUGE.

Run: .venv/bin/python bench/summaries.py [--limit N | --limits aeslc=60,frank=15,...]
         [--sets aeslc,frank,lcsts,vcsum] [--systems sift,naive,lead] [--show]

Four outside sets from ../shared/data, read straight from their tarballs:

* AESLC dev (Enron mail -> one line): Sift's one-line summary vs the three
  human one-line summaries (ROUGE mean over the three). Items are taken from
  ``--aeslc-offset`` (default 50: the first 50 were used to tune the prompt,
  so the default run is held out).
* FRANK validation (CNN/DM and BBC news): Sift's one-line summary plus key
  points vs the reference; plus a hallucination proxy, the share of numbers
  and capitalised words of each summary found verbatim in the article.
* LCSTS part III dev, human relevance >= 3 (Weibo posts): character ROUGE of
  the one-line summary vs the reference. Items from ``--lcsts-offset``
  (default 0): a later offset keeps prompt experiments off the reported items.
* VCSum dev (Chinese meeting transcripts): the longest topic segments, their
  first ``--vcsum-chars`` characters; Sift's map-reduce one-line summary plus
  key points vs the segment summary (character ROUGE).

Systems, all on the bundled default model loaded as Sift loads it
(``models.registry.build_generator(ModelChoice())``), greedy:

* ``sift``: ``Summarizer.summarize`` with the item's deterministic fields,
  exactly what ``Sift.summarize_file`` runs (schema, per-language prompts,
  map-reduce for long texts, cross-check, extractive fallback);
* ``naive``: the same model asked "Summarize this ... in one sentence", no
  schema, the text clipped to one map part (what fits without map-reduce);
* ``lead``: the first sentence (AESLC, LCSTS) or the first N words / characters,
  N the mean reference length (FRANK, VCSum).

Ratios are against ``naive`` measured in the same run. Seconds per item are
wall-clock and noisy on shared machines.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import statistics
import sys
import tarfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from rouge import scores  # noqa: E402

from assistant import paths as paths_module  # noqa: E402
from assistant.fields import extract_fields  # noqa: E402
from assistant.fields import sentences  # noqa: E402
from assistant.summarize import Summarizer  # noqa: E402
from assistant.types import ItemKind  # noqa: E402
from assistant.types import Summary  # noqa: E402
from models.base import Generator  # noqa: E402
from models.registry import ModelChoice  # noqa: E402
from models.registry import build_generator  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
# About 20 minutes on a quiet 2-core machine (several times that under load).
DEFAULT_LIMITS = {"aeslc": 60, "frank": 15, "lcsts": 30, "vcsum": 4}
NAIVE_MAX_TOKENS = 80
SETS = ("aeslc", "frank", "lcsts", "vcsum")


@dataclass(frozen=True, slots=True)
class Example:
    """One text to summarize and its references."""

    id: str
    title: str
    text: str
    references: tuple[str, ...]
    kind: ItemKind
    language: str


@dataclass
class Run:
    """Outputs of one system on one set."""

    outputs: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    extractive: int = 0
    map_reduce: int = 0


# -- corpora -------------------------------------------------------------------


def _member(name: str, path: str) -> bytes:
    with tarfile.open(DATA / f"{name}.tar.gz") as tar:
        handle = tar.extractfile(path)
        if handle is None:
            raise FileNotFoundError(path)
        return handle.read()


def _jsonl(raw: bytes) -> Iterator[dict[str, Any]]:
    for line in raw.decode("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def aeslc(limit: int, offset: int) -> list[Example]:
    rows = list(_jsonl(_member("aeslc", "aeslc/aeslc_dev.jsonl")))[offset : offset + limit]
    return [
        Example(
            r["id"],
            "",
            r["email_body"],
            (r["ann0"], r["ann1"], r["ann2"]),
            ItemKind.MAIL,
            "en",
        )
        for r in rows
    ]


def frank(limit: int) -> list[Example]:
    rows = [
        r
        for r in _jsonl(_member("frank", "frank/frank_articles.jsonl"))
        if r["split"] == "validation" and r.get("reference")
    ]
    return [
        Example(r["hash"], "", r["article"], (r["reference"],), ItemKind.DOCUMENT, "en")
        for r in rows[:limit]
    ]


def lcsts(limit: int, offset: int = 0) -> list[Example]:
    split = csv.DictReader(io.StringIO(_member("lcsts_part3", "lcsts_part3/split.csv").decode()))
    dev = {row["id"] for row in split if row["split"] == "dev"}
    rows = [
        r
        for r in _jsonl(_member("lcsts_part3", "lcsts_part3/lcsts_part3.jsonl"))
        if str(r["id"]) in dev and int(r["human_label"]) >= 3
    ]
    return [
        Example(str(r["id"]), "", r["short_text"], (r["summary"],), ItemKind.DOCUMENT, "zh")
        for r in rows[offset : offset + limit]
    ]


def vcsum(limit: int, chars: int) -> list[Example]:
    rows = list(_jsonl(_member("vcsum", "vcsum/vcsum_data/short_dev.txt")))
    segments = []
    for r in rows:
        transcript = "\n".join("".join(turn) for turn in r["context"])
        segments.append((len(transcript), r, transcript))
    # The longest segments (by transcript), in file order among them.
    chosen = sorted(sorted(segments, key=lambda s: -s[0])[:limit], key=lambda s: rows.index(s[1]))
    return [
        Example(
            str(r["id"]),
            str(r.get("agenda", "")),
            transcript[:chars],
            (r["discussion"],),
            ItemKind.DOCUMENT,
            "zh",
        )
        for _, r, transcript in chosen
    ]


# -- systems -------------------------------------------------------------------


def naive_messages(example: Example, text: str) -> list[dict[str, str]]:
    if example.language == "zh":
        return [{"role": "user", "content": f"用一句话概括下面的文字。\n\n{text}"}]
    what = "email" if example.kind == ItemKind.MAIL else "article"
    return [{"role": "user", "content": f"Summarize this {what} in one sentence.\n\n{text}"}]


def clip(summarizer: Summarizer, text: str, budget: int) -> str:
    """The start of ``text`` within ``budget`` tokens of the model."""
    if summarizer.count_tokens(text) <= budget:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if summarizer.count_tokens(text[:mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return text[:low]


def lead(example: Example, words: int) -> str:
    if words <= 0:
        first = sentences(example.text)
        return first[0] if first else example.text[:100]
    if example.language == "zh":
        return re.sub(r"\s+", "", example.text)[:words]
    return " ".join(example.text.split()[:words])


def size(text: str, chinese: bool) -> int:
    """Length in characters (Chinese, spaces ignored) or words."""
    return len(re.sub(r"\s+", "", text)) if chinese else len(text.split())


def sift_text(summary: Summary, *, with_points: bool) -> str:
    if not with_points:
        return summary.one_line
    return " ".join((summary.one_line, *summary.key_points))


def run_set(
    name: str,
    examples: list[Example],
    generator: Generator,
    systems: list[str],
    *,
    with_points: bool,
    lead_words: int,
    show: bool,
) -> dict[str, Run]:
    summarizer = Summarizer(generator)
    runs = {s: Run() for s in systems}
    for number, example in enumerate(examples, 1):
        fields = extract_fields(example.title, example.text, {}, language=example.language)
        for system in systems:
            started = time.perf_counter()
            if system == "sift":
                summary = summarizer.summarize(
                    example.title,
                    example.text,
                    kind=example.kind,
                    language=example.language,
                    fields=fields,
                )
                output = sift_text(summary, with_points=with_points)
                runs[system].extractive += summary.extractive
                runs[system].map_reduce += any(n.startswith("long text") for n in summary.notes)
            elif system == "naive":
                text = clip(summarizer, example.text, summarizer.chunk_budget(example.language))
                result = generator.generate(
                    naive_messages(example, text), max_tokens=NAIVE_MAX_TOKENS
                )
                output = result.text.strip()
            else:
                output = lead(example, lead_words)
            runs[system].seconds.append(time.perf_counter() - started)
            runs[system].outputs.append(output)
            if show:
                print(f"  [{name} {number} {system}] {output[:160]!r}", file=sys.stderr)
        if show:
            print(f"  [{name} {number} ref] {example.references[0][:160]!r}", file=sys.stderr)
        print(f"{name}: {number}/{len(examples)}", file=sys.stderr, flush=True)
    return runs


# -- scoring -------------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+")


def supported_share(outputs: list[str], articles: list[str]) -> tuple[float, int]:
    """Share of numbers and non-initial capitalised words found verbatim in the article."""
    found = total = 0
    for output, article in zip(outputs, articles, strict=True):
        numbers = {n.replace(",", "") for n in _NUMBER.findall(article)}
        words = set(re.findall(r"[A-Za-z]+", article))
        for number in _NUMBER.findall(output):
            total += 1
            found += number.replace(",", "").rstrip(".") in numbers
        for word in _CAPITALISED.findall(output.strip()):
            total += 1
            found += word in words
    return (found / total if total else 1.0), total


def report(name: str, examples: list[Example], runs: dict[str, Run], scored: str) -> None:
    chinese = examples[0].language == "zh" if examples else False
    print()
    print(f"{name}: {len(examples)} items; sift scored on: {scored}")
    header = f"{'system':<8}{'R-1':>7}{'R-2':>7}{'R-L':>7}{'RL/naive':>10}{'s/item':>8}{'words':>7}"
    extra = name == "frank"
    print(header + (f"{'grounded':>10}" if extra else "") + "   notes")
    table = {}
    for system, run in runs.items():
        rows = [
            scores(out, ex.references, chinese=chinese)
            for out, ex in zip(run.outputs, examples, strict=True)
        ]
        table[system] = {k: statistics.mean(r[k] for r in rows) for k in rows[0]} if rows else {}
    naive = table.get("naive", {}).get("rougeL")
    for system, run in runs.items():
        values = table[system]
        ratio = f"{values['rougeL'] / naive:>10.2f}" if naive else f"{'':>10}"
        length = statistics.mean(size(o, chinese) for o in run.outputs)
        line = (
            f"{system:<8}{values['rouge1']:>7.1f}{values['rouge2']:>7.1f}{values['rougeL']:>7.1f}"
            f"{ratio}{statistics.mean(run.seconds):>8.1f}{length:>7.1f}"
        )
        if extra:
            share, count = supported_share(run.outputs, [e.text for e in examples])
            line += f"{share:>9.0%}({count})"
        notes = []
        if run.extractive:
            notes.append(f"{run.extractive} extractive fallbacks")
        if run.map_reduce:
            notes.append(f"{run.map_reduce} map-reduced")
        print(line + ("   " + ", ".join(notes) if notes else ""))
    refs = statistics.mean(
        statistics.mean(size(r, chinese) for r in e.references) for e in examples
    )
    unit = "characters" if chinese else "words"
    print(f"(references: {refs:.1f} {unit} on average; words column: the same for outputs)")


# -- main ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="items per set (default: per set)")
    parser.add_argument(
        "--limits", default="", help="per set, e.g. aeslc=20,frank=5 (overrides --limit)"
    )
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ",".join(SETS))
    parser.add_argument("--systems", default="sift,naive,lead", help="comma-separated")
    parser.add_argument("--aeslc-offset", type=int, default=50, help="skip the tuning items")
    parser.add_argument(
        "--lcsts-offset", type=int, default=0, help="first LCSTS item"
    )
    parser.add_argument("--vcsum-chars", type=int, default=4000, help="transcript characters")
    parser.add_argument("--show", action="store_true", help="print every output to stderr")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no corpora at {DATA}")
    systems = args.systems.split(",")
    chosen = args.sets.split(",")
    cache = paths_module.resolve().cache
    generator = build_generator(ModelChoice(), cache)
    print(f"model: {generator.info.version}", file=sys.stderr)
    started = time.perf_counter()

    per_set = {k: int(v) for k, v in (p.split("=") for p in args.limits.split(",") if p)}

    def limit(name: str) -> int:
        if name in per_set:
            return per_set[name]
        return args.limit if args.limit is not None else DEFAULT_LIMITS[name]

    loaders: dict[str, Callable[[], list[Example]]] = {
        "aeslc": lambda: aeslc(limit("aeslc"), args.aeslc_offset),
        "frank": lambda: frank(limit("frank")),
        "lcsts": lambda: lcsts(limit("lcsts"), args.lcsts_offset),
        "vcsum": lambda: vcsum(limit("vcsum"), args.vcsum_chars),
    }
    scored = {
        "aeslc": "one-line summary; ROUGE mean over the 3 human one-line summaries",
        "frank": "one-line summary + key points",
        "lcsts": "one-line summary (character ROUGE)",
        "vcsum": "one-line summary + key points (character ROUGE)",
    }
    results = []
    for name in chosen:
        examples = loaders[name]()
        with_points = name in {"frank", "vcsum"}
        lead_words = 0
        if name in {"frank", "vcsum"}:
            chinese = name == "vcsum"
            lead_words = round(statistics.mean(size(e.references[0], chinese) for e in examples))
        runs = run_set(
            name,
            examples,
            generator,
            systems,
            with_points=with_points,
            lead_words=lead_words,
            show=args.show,
        )
        results.append((name, examples, runs))
        report(name, examples, runs, scored[name])  # as each set finishes
    print(f"\nall sets in {time.perf_counter() - started:.0f} s (wall clock, machine under load)")
    generator.close()


if __name__ == "__main__":
    main()
