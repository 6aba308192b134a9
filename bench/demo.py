"""Benchmark: `sift demo --headless` wall time and peak RSS, against raw llama-cpp.

Run: .venv/bin/python bench/demo.py

The reference is the least any summarizing tool must do with the same model on
the same items: raw llama-cpp-python, one naive "summarize" call per item, no
extraction, no classification, no storage. The ratio shows what Sift's whole
pipeline costs on top of the LLM calls themselves.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_demo() -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `sift demo --headless` in a fresh data dir."""
    sift = Path(sys.executable).with_name("sift")
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        subprocess.run(
            [str(sift), "demo", "--headless", "--quiet", "--data-dir", home],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib / 1024


def sample_texts() -> list[tuple[str, str]]:
    from assistant.cli import demo_paths
    from assistant.sources import scan

    out = []
    for path in demo_paths():
        for entry in scan(path, max_bytes=50 * 1024 * 1024):
            if not isinstance(entry, tuple):
                extracted = entry.load()
                out.append((extracted.title, extracted.text))
    return out


def run_raw_llama(texts: list[tuple[str, str]]) -> float:
    """Seconds for raw llama-cpp naive summaries of the same items."""
    from assistant.paths import resolve
    from models.assets import assemble
    from models.llama_backend import open_llama
    from models.registry import QWEN_05B

    path = assemble(QWEN_05B, resolve().cache)
    started = time.perf_counter()
    llama = open_llama(str(path), n_ctx=4096, n_threads=os.cpu_count(), verbose=False)
    for title, text in texts:
        llama.create_chat_completion(
            [
                {
                    "role": "user",
                    "content": f"Summarize this in one sentence:\n{title}\n{text[:1800]}",
                }
            ],
            max_tokens=100,
            temperature=0.0,
        )
    return time.perf_counter() - started


def main() -> None:
    texts = sample_texts()
    raw = run_raw_llama(texts)
    wall, peak = run_demo()
    print(f"items: {len(texts)}")
    print(f"{'':<34}{'seconds':>10}{'ratio':>8}")
    print(f"{'raw llama-cpp naive summaries':<34}{raw:>10.1f}{1.0:>8.2f}")
    print(f"{'sift demo --headless (everything)':<34}{wall:>10.1f}{wall / raw:>8.2f}")
    print(f"sift demo peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
