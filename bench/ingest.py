"""Benchmark: Sift's ingest without models vs `notmuch new` and `mu index`.

Run: .venv/bin/python bench/ingest.py [--max 30000]

Builds a Maildir and an mbox from ../shared/data/spamassassin (and a 10x copy
with unique Message-IDs), then times, in one run on the same files:

* Sift: parse, extract, clean, dedupe, store and full-text index (FTS5);
  no models (``Sift.store_paths``), in a fresh process per size;
* notmuch: ``notmuch new`` (parse and Xapian index) on the same Maildir;
* mu: ``mu init`` + ``mu index`` on the same Maildir.

notmuch and mu are installed with apt when absent. It prints messages per
second and ratios, then Sift's time and peak RSS from 1k to 30k messages.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "spamassassin.tar.gz"
_MESSAGE_ID = re.compile(rb"^message-id:[^\n]*\n", re.IGNORECASE | re.MULTILINE)

SIFT_CHILD = """
import json, resource, sys, time
from pathlib import Path
from assistant import Sift
from models.fake import FakeEmbedder, FakeGenerator
home, source = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
    ids = sift.store_paths([source])
    count = sift.store.item_count()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "items": count, "found": len(ids), "peak_mib": peak}))
"""


def ensure_tool(binary: str, package: str) -> bool:
    """Install a Debian package when its binary is missing; True when available."""
    if shutil.which(binary):
        return True
    print(f"installing {package} with apt…", file=sys.stderr)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", package],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return shutil.which(binary) is not None


def corpus_messages(workdir: Path) -> list[bytes]:
    """Every raw message of the SpamAssassin corpus, with its mbox 'From ' line dropped."""
    with tarfile.open(DATA) as tar:
        tar.extractall(workdir, filter="data")
    messages = []
    for path in sorted((workdir / "spamassassin" / "raw").rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            if raw.startswith(b"From "):
                raw = raw.split(b"\n", 1)[1]
            messages.append(raw)
    return messages


def with_unique_id(raw: bytes, copy: int, index: int) -> bytes:
    """A copy of a message with a fresh Message-ID (and so a distinct identity)."""
    header = f"Message-ID: <bench-{copy}-{index}@sift.invalid>\n".encode()
    return header + _MESSAGE_ID.sub(b"", raw, count=1)


def build_maildir(folder: Path, messages: list[bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for index, raw in enumerate(messages):
        (folder / "cur" / f"{index:07d}.bench:2,S").write_bytes(raw)
    return folder


def build_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    box.lock()
    for raw in messages:
        box.add(raw)
    box.flush()
    box.unlock()
    box.close()
    return path


def time_sift(source: Path, workdir: Path) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(dir=workdir))
    result = subprocess.run(
        [sys.executable, "-c", SIFT_CHILD, str(home), str(source)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_notmuch(maildir: Path, workdir: Path) -> float:
    config = workdir / f"notmuch-{maildir.name}.cfg"
    config.write_text(
        f"[database]\npath={maildir}\n[new]\ntags=unread;inbox;\n"
        "[user]\nname=Bench\nprimary_email=bench@sift.invalid\n"
    )
    env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
    shutil.rmtree(maildir / ".notmuch", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        ["notmuch", "new", "--quiet"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def time_mu(maildir: Path, workdir: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=workdir))
    started = time.perf_counter()
    subprocess.run(
        ["mu", "init", f"--maildir={maildir}", f"--muhome={home}", "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    subprocess.run(
        ["mu", "index", f"--muhome={home}", "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=30_000, help="largest size for the scaling run")
    args = parser.parse_args()
    if not DATA.is_file():
        sys.exit(f"{DATA} is absent: nothing to benchmark")
    have_notmuch = ensure_tool("notmuch", "notmuch")
    have_mu = ensure_tool("mu", "maildir-utils")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        base = corpus_messages(workdir)
        tenfold = [with_unique_id(raw, c, i) for c in range(10) for i, raw in enumerate(base)]
        print(f"corpus: {len(base)} messages; 10x copy: {len(tenfold)}")
        rows = []
        for name, messages in (("1x", base), ("10x", tenfold)):
            maildir = build_maildir(workdir / f"maildir-{name}", messages)
            mbox = build_mbox(workdir / f"{name}.mbox", messages)
            sift_maildir = time_sift(maildir, workdir)
            sift_mbox = time_sift(mbox, workdir)
            notmuch = time_notmuch(maildir, workdir) if have_notmuch else None
            mu = time_mu(maildir, workdir) if have_mu else None
            rows.append((name, len(messages), sift_maildir, sift_mbox, notmuch, mu))
        print()
        print(
            f"{'set':<5}{'msgs':>7}  {'sift maildir':>14}{'sift mbox':>12}{'notmuch':>10}"
            f"{'mu':>10}   {'sift/notmuch':>12}{'sift/mu':>9}   (messages per second)"
        )
        for name, count, s_md, s_mb, notmuch, mu in rows:

            def rate(seconds: float | None, count: int = count) -> str:
                return f"{count / seconds:>10.0f}" if seconds else f"{'n/a':>10}"

            sift_rate = count / s_md["seconds"]
            vs_notmuch = f"{sift_rate / (count / notmuch):>12.2f}" if notmuch else f"{'n/a':>12}"
            vs_mu = f"{sift_rate / (count / mu):>9.2f}" if mu else f"{'n/a':>9}"
            print(
                f"{name:<5}{count:>7}  {sift_rate:>14.0f}{count / s_mb['seconds']:>12.0f}"
                f"{rate(notmuch)}{rate(mu)}   {vs_notmuch}{vs_mu}"
            )
        print("\nscaling (Sift, mbox, no models):")
        print(f"{'msgs':>7}{'seconds':>10}{'msgs/s':>9}{'peak RSS MiB':>14}")
        sizes = [s for s in (1_000, 3_000, 10_000, 30_000) if s <= args.max]
        for size in sizes:
            messages = tenfold[:size]
            mbox = build_mbox(workdir / f"scale-{size}.mbox", messages)
            result = time_sift(mbox, workdir)
            print(
                f"{size:>7}{result['seconds']:>10.1f}{size / result['seconds']:>9.0f}"
                f"{result['peak_mib']:>14.0f}"
            )


if __name__ == "__main__":
    main()
