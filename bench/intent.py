"""Benchmark: Sift's sentence-level "needs a reply" detector on the Parakweet email-intent set.

Run: .venv/bin/python bench/intent.py

The Parakweet Labs Email Intent Data Set (../shared/data, Apache-2.0) labels
3,657 email sentences Yes/No: does the sentence ask the reader for something
(a request, a question, a proposal to act)? Side by side on the same
sentences, one run:

* ``ends with ?`` — the reference: a sentence is a request if it ends with a
  question mark;
* ``previous rule`` — the request regex ``assistant/fields.py`` used before
  this benchmark existed (kept here, frozen, for the before/after figure);
* ``sift`` — ``assistant.fields.is_request``, what Sift runs now.

The sentences are split by line number: odd lines (1, 3, ...) were the only
ones looked at while the rules were written ("tune"), even lines were not
("check"); a rule that only fits the tune half shows here as a gap. Only the
upstream training file ships in the archive (its test file is absent), so
these two halves are all there is. Precision, recall and F1 of the "Yes"
class, and accuracy.
"""

from __future__ import annotations

import re
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from assistant.fields import is_request  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "email_intent_parakweet.tar.gz"
MEMBER = "email_intent_parakweet/Ask0729-fixed.txt"

# assistant/fields.py's request rule before this benchmark (commit d8735ad).
_PREVIOUS = re.compile(
    r"\?|？|\b(?:can|could|would|will) you\b|\bplease\b|\blet me know\b|\bkindly\b"
    r"|请|麻烦|能否|可否|可以.{0,8}吗",
    re.IGNORECASE,
)


def load() -> list[tuple[int, str, bool]]:
    """``(line number, sentence, is a request)`` for every labelled line."""
    with tarfile.open(DATA) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            sys.exit(f"{MEMBER} missing from {DATA}")
        text = member.read().decode("utf-8", errors="replace")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        label, _, sentence = line.partition("\t")
        if label in {"Yes", "No"}:
            rows.append((number, sentence.strip(), label == "Yes"))
    return rows


def scores(
    rows: list[tuple[int, str, bool]], detect: Callable[[str], bool]
) -> tuple[float, float, float, float]:
    """Precision, recall, F1 of the Yes class, and accuracy."""
    tp = fp = fn = tn = 0
    for _, sentence, gold in rows:
        guess = detect(sentence)
        tp += guess and gold
        fp += guess and not gold
        fn += gold and not guess
        tn += not guess and not gold
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, (tp + tn) / len(rows)


def main() -> None:
    if not DATA.is_file():
        sys.exit(f"absent: {DATA}")
    rows = load()
    halves = {
        "tune (odd lines)": [r for r in rows if r[0] % 2 == 1],
        "check (even lines)": [r for r in rows if r[0] % 2 == 0],
        "all": rows,
    }
    systems: dict[str, Callable[[str], bool]] = {
        "ends with ?": lambda s: s.rstrip().endswith(("?", "？")),
        "previous rule": lambda s: bool(_PREVIOUS.search(s)),
        "sift": is_request,
    }
    for name, part in halves.items():
        yes = sum(r[2] for r in part)
        print(f"\n{name}: {len(part)} sentences, {yes} requests")
        print(f"{'system':<16}{'precision':>10}{'recall':>8}{'F1':>8}{'acc':>8}{'F1 ratio':>10}")
        reference = scores(part, systems["ends with ?"])[2]
        for system, detect in systems.items():
            precision, recall, f1, accuracy = scores(part, detect)
            ratio = f1 / reference if reference else float("nan")
            print(
                f"{system:<16}{precision:>10.3f}{recall:>8.3f}{f1:>8.3f}"
                f"{accuracy:>8.3f}{ratio:>10.2f}"
            )
    started = time.perf_counter()
    for _, sentence, _ in rows:
        is_request(sentence)
    elapsed = time.perf_counter() - started
    print(f"\nsift: {len(rows) / elapsed:,.0f} sentences/s (measured under whatever load there is)")


if __name__ == "__main__":
    main()
