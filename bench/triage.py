"""Benchmark: Sift learning junk and categories online, vs bogofilter and a paperless-style MLP.

Run: .venv/bin/python bench/triage.py [--corpus NAME] [--limit N]

A prequential replay, the TREC spam-track protocol: each corpus's messages go
through in one fixed shuffled order (seed 0), and for each message every
system first predicts, then is told the gold label and learns from it. Side
by side on the same stream:

* Sift, with its real default embedder and no LLM: the message is written to a
  temporary ``.eml``, ``Sift.ingest`` reads and classifies it, and the gold
  label goes back through ``mark_junk`` (junk corpora) or ``label``
  (the category corpus). One Sift per corpus, in a temporary folder.
* bogofilter (junk corpora), installed with apt when absent: ``-T`` to
  classify, then ``-s`` / ``-n`` to train on that message.
* a paperless-ngx style anchor (category corpus): CountVectorizer over word
  1-2 grams and an MLPClassifier, refitted every 50 messages on all labelled
  so far (paperless's ``DocumentClassifier`` settings). It reads the subject
  and body Sift extracted, so both see the same text.

Corpora (from ../shared/data): spamassassin, enron_spam_metsis (3000-message
slice), chinese_spam_ccert (3000-message slice) and enron_berkeley_categories,
whose coarse genre codes (1.1-1.8, the message's folder) become user-defined
categories with neutral descriptions; Sift's starting mail categories are
deleted first, as a user replacing the scheme would.

An unsure verdict (``is_junk``/``category`` None, bogofilter ``U``) counts as
wrong; the unsure rate is reported as well, and "sure-acc" is the accuracy
over the verdicts that were not unsure (what abstaining buys). Accuracy is cumulative over the
first 50, 200 and 1000 messages and over all of them. For the junk corpora
"decided" is the overall accuracy with unsure verdicts settled at a score of
0.5 (Sift's ``junk_probability``, bogofilter's spamicity), since the two
systems' unsure bands differ in width; for the category corpus it takes
Sift's top guess where it was unsure (what it would score if it never
abstained), and a "decided" row under each system repeats the checkpoints so. Messages Sift
recognises as already seen (same content) get the verdict it shows for the
stored item; their number is printed.
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and there
# bench/models.py would shadow Sift's models package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from assistant import Sift  # noqa: E402
from assistant import messages  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.types import Item  # noqa: E402
from assistant.types import ItemKind  # noqa: E402
from models.fake import FakeGenerator  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SEED = 0
CHECKPOINTS = (50, 200, 1000)
SLICE = 3000  # messages taken from the large corpora, after the shuffle
RETRAIN_EVERY = 50  # the anchor is refitted after this many new labels
SPAM = "spam"
HAM = "ham"


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a corpus with its gold label (``spam``/``ham`` or a genre code)."""

    key: str
    raw: bytes
    gold: str


@dataclass(slots=True)
class Tally:
    """One system's prequential record on one corpus."""

    system: str
    correct: list[bool] = field(default_factory=list)
    unsure: list[bool] = field(default_factory=list)
    decided: list[bool] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, *, correct: bool, unsure: bool, decided: bool | None = None) -> None:
        """Record one verdict; ``decided``: right once an unsure one is settled.

        Junk verdicts settle at a score of 0.5; category verdicts at the top guess.
        """
        self.correct.append(correct)
        self.unsure.append(unsure)
        if decided is not None:
            self.decided.append(decided)

    def accuracy(self, first: int | None = None, *, decided: bool = False) -> float | None:
        """Cumulative accuracy over the first ``first`` messages (None: too few).

        ``decided``: with unsure verdicts settled (see ``add``).
        """
        record = self.decided if decided else self.correct
        if decided and len(self.decided) != len(self.correct):
            return None
        if first is not None and len(record) < first:
            return None
        window = record[:first] if first else record
        return sum(window) / len(window) if window else None

    def decided_accuracy(self) -> float | None:
        return self.accuracy(decided=True)

    def sure_accuracy(self) -> float | None:
        """Accuracy over the verdicts that were not unsure (precision when it decides)."""
        sure = [c for c, u in zip(self.correct, self.unsure, strict=True) if not u]
        return sum(sure) / len(sure) if sure else None

    def unsure_rate(self) -> float | None:
        return sum(self.unsure) / len(self.unsure) if self.unsure else None

    def rate(self) -> float | None:
        return len(self.correct) / self.seconds if self.seconds else None


# -- corpora -------------------------------------------------------------------


def _unpack(name: str, workdir: Path) -> Path:
    with tarfile.open(DATA / f"{name}.tar.gz") as tar:
        tar.extractall(workdir, filter="data")
    return workdir / name


def _drop_from_line(raw: bytes) -> bytes:
    """Drop an mbox ``From `` line, as a mail client's store would."""
    return raw.split(b"\n", 1)[1] if raw.startswith(b"From ") else raw


def spamassassin(workdir: Path) -> list[Message]:
    root = _unpack("spamassassin", workdir)
    return [
        Message(
            str(path.relative_to(root)),
            _drop_from_line(path.read_bytes()),
            SPAM if path.parent.name.startswith("spam") else HAM,
        )
        for path in sorted((root / "raw").rglob("*"))
        if path.is_file()
    ]


def _metsis_eml(text: bytes) -> bytes:
    """Preprocessed Enron-Spam (``Subject:`` line, then the body) as RFC 822."""
    subject, _, body = text.partition(b"\n")
    try:
        body.decode("utf-8")
        charset = b"utf-8"
    except UnicodeDecodeError:
        charset = b"iso-8859-1"  # the README: 1078 files are latin-1
    return (
        subject.strip()
        + b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset="
        + charset
        + b"\n\n"
        + body
    )


def enron_spam_metsis(workdir: Path) -> list[Message]:
    root = _unpack("enron_spam_metsis", workdir)
    messages = []
    for archive in sorted(root.glob("enron*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar:
                parts = member.name.split("/")
                if member.isfile() and len(parts) == 3 and parts[1] in (SPAM, HAM):
                    raw = tar.extractfile(member).read()  # type: ignore[union-attr]
                    messages.append(Message(member.name, _metsis_eml(raw), parts[1]))
    return messages


def chinese_spam_ccert(workdir: Path) -> list[Message]:
    root = _unpack("chinese_spam_ccert", workdir)
    with (root / "split.csv").open(newline="") as handle:
        labels = {row["id"]: row["label"] for row in csv.DictReader(handle)}
    return [
        Message(key, (root / key).read_bytes(), SPAM if label == SPAM else HAM)
        for key, label in sorted(labels.items())
        if (root / key).is_file()
    ]


def enron_berkeley_categories(workdir: Path) -> list[Message]:
    root = _unpack("enron_berkeley_categories", workdir)
    return [
        Message(str(path.relative_to(root)), path.read_bytes(), f"1.{path.parent.name}")
        for path in sorted(root.glob("[1-8]/*.txt"))
    ]


@dataclass(frozen=True, slots=True)
class Corpus:
    """A corpus, how to read it, and whether its labels are junk or categories."""

    name: str
    load: Callable[[Path], list[Message]]
    junk: bool
    size: int | None = None  # a slice of the shuffled stream; None: all


CORPORA = (
    Corpus("spamassassin", spamassassin, junk=True),
    Corpus("enron_spam_metsis", enron_spam_metsis, junk=True, size=SLICE),
    Corpus("chinese_spam_ccert", chinese_spam_ccert, junk=True, size=SLICE),
    Corpus("enron_berkeley_categories", enron_berkeley_categories, junk=False),
)


# -- the other systems -----------------------------------------------------------


def ensure_bogofilter() -> bool:
    """Install bogofilter with apt when missing; True when available."""
    if shutil.which("bogofilter"):
        return True
    print("installing bogofilter with apt…", file=sys.stderr)
    install = ["apt-get", "install", "-y", "-qq", "bogofilter"]
    # A fresh container has no package lists yet: update once, then try again.
    for command in (install, ["apt-get", "update", "-qq"], install):
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if shutil.which("bogofilter"):
            return True
    return False


class Bogofilter:
    """bogofilter with its own word list, classify then train."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = str(folder)

    def classify(self, raw: bytes) -> tuple[str | None, float]:
        """``spam``, ``ham`` or None (unsure, or no word list yet), and the spamicity.

        ``-T`` prints ``S``, ``H`` or ``U`` and the score; with no word list
        yet it prints nothing and exits with status 3.
        """
        result = subprocess.run(
            ["bogofilter", "-T", "-d", self._folder], input=raw, capture_output=True, check=False
        )
        fields = result.stdout.split()
        if len(fields) < 2:
            return None, 0.5
        return {b"S": SPAM, b"H": HAM}.get(fields[0]), float(fields[1])

    def learn(self, raw: bytes, gold: str) -> None:
        flag = "-s" if gold == SPAM else "-n"
        subprocess.run(
            ["bogofilter", flag, "-d", self._folder],
            input=raw,
            capture_output=True,
            check=True,
        )


class PaperlessAnchor:
    """paperless-ngx's classifier recipe, refitted every ``RETRAIN_EVERY`` labels.

    Before the first fit it predicts the most common label seen so far.
    """

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._labels: list[str] = []
        self._vectorizer = None
        self._model = None

    def predict(self, text: str) -> str | None:
        if self._model is None:
            common = Counter(self._labels).most_common(1)
            return common[0][0] if common else None
        features = self._vectorizer.transform([text])  # type: ignore[attr-defined]
        return str(self._model.predict(features)[0])

    def learn(self, text: str, gold: str) -> None:
        self._texts.append(text)
        self._labels.append(gold)
        if len(self._labels) % RETRAIN_EVERY == 0 and len(set(self._labels)) > 1:
            self._fit()

    def _fit(self) -> None:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.neural_network import MLPClassifier

        # paperless classifier.py: analyzer="word", ngram_range=(1, 2), min_df=0.01;
        # MLPClassifier(tol=0.01). random_state added for a repeatable run.
        vectorizer = CountVectorizer(analyzer="word", ngram_range=(1, 2), min_df=0.01)
        features = vectorizer.fit_transform(self._texts)
        model = MLPClassifier(tol=0.01, random_state=SEED)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(features, self._labels)
        self._vectorizer, self._model = vectorizer, model


# -- the replay ------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    """A corpus's replay: one tally per system, and what Sift deduplicated."""

    corpus: Corpus
    tallies: list[Tally]
    duplicates: int


def _top_guess(item: Item | None) -> str | None:
    """Sift's category, or when it was unsure the guess its "unsure" clue names."""
    if item is None or item.category is not None:
        return None if item is None else item.category
    for clue in item.category_clues:
        found = messages.match(clue)
        if found is not None and found[0].key == "triage.unsure":
            return found[1]["name"]
    return None


def replay(corpus: Corpus, messages: list[Message], workdir: Path, *, bogofilter: bool) -> Result:
    """Feed ``messages`` in order to every system: predict, then learn the gold label."""
    home = workdir / f"sift-{corpus.name}"
    inbox = workdir / f"mail-{corpus.name}"
    inbox.mkdir()
    sift_tally = Tally("sift")
    other = Tally("bogofilter" if corpus.junk else "paperless-mlp")
    bogo = Bogofilter(workdir / f"bogo-{corpus.name}") if corpus.junk and bogofilter else None
    anchor = None if corpus.junk else PaperlessAnchor()
    seen: set[int] = set()
    duplicates = 0
    settings = Settings(summarize=False)
    with Sift(home, settings=settings, generator=FakeGenerator()) as sift:
        if not corpus.junk:
            for category in sift.categories(ItemKind.MAIL):
                sift.delete_category(category.name)
            for code in sorted({m.gold for m in messages}):
                sift.add_category(f"genre-{code}", f"genre {code}", kind=ItemKind.MAIL)
        for index, message in enumerate(messages):
            path = inbox / f"{index:05d}.eml"
            path.write_bytes(message.raw)
            started = time.perf_counter()
            items = sift.ingest([path], summarize=False)
            item = items[0] if items else None
            if corpus.junk:
                predicted = None if item is None else item.is_junk
                probability = 0.5 if item is None else item.junk_probability
                sift_tally.add(
                    correct=predicted is not None and predicted == (message.gold == SPAM),
                    unsure=predicted is None,
                    decided=(probability >= 0.5) == (message.gold == SPAM),
                )
                if item is not None:
                    sift.mark_junk(item.id, message.gold == SPAM)
            else:
                gold = f"genre-{message.gold}"
                category = item.category if item is not None else None
                sift_tally.add(
                    correct=category == gold,
                    unsure=category is None,
                    decided=_top_guess(item) == gold,
                )
                if item is not None:
                    sift.label(item.id, gold)
            sift_tally.seconds += time.perf_counter() - started
            if item is not None:
                duplicates += item.id in seen
                seen.add(item.id)

            started = time.perf_counter()
            if bogo is not None:
                verdict, score = bogo.classify(message.raw)
                other.add(
                    correct=verdict == message.gold,
                    unsure=verdict is None,
                    decided=(score >= 0.5) == (message.gold == SPAM),
                )
                bogo.learn(message.raw, message.gold)
            elif anchor is not None:
                text = f"{item.title}\n{item.text}" if item is not None else ""
                guess = anchor.predict(text)
                right = guess == message.gold
                other.add(correct=right, unsure=guess is None, decided=right)
                anchor.learn(text, message.gold)
            other.seconds += time.perf_counter() - started
            if (index + 1) % 100 == 0:
                print(f"  {corpus.name}: {index + 1}/{len(messages)}", file=sys.stderr)
    tallies = [sift_tally] if bogo is None and anchor is None else [sift_tally, other]
    return Result(corpus, tallies, duplicates)


def _cell(value: float | None, width: int, spec: str = ".3f") -> str:
    return f"{value:>{width}{spec}}" if value is not None else f"{'n/a':>{width}}"


def _ratio(a: float | None, b: float | None, width: int) -> str:
    return f"{a / b:>{width}.2f}" if a is not None and b else f"{'n/a':>{width}}"


def report(result: Result) -> None:
    corpus, tallies = result.corpus, result.tallies
    count = len(tallies[0].correct)
    kind = "junk" if corpus.junk else "categories"
    print(f"\n{corpus.name} ({kind}, {count} messages, {result.duplicates} already seen by Sift)")
    heads = [f"@{n}" for n in CHECKPOINTS] + ["all", "decided", "unsure", "sure-acc", "msgs/s"]
    print(f"{'system':<20}" + "".join(f"{h:>9}" for h in heads))
    for tally in tallies:
        cells = [_cell(tally.accuracy(n), 9) for n in CHECKPOINTS]
        cells += [_cell(tally.accuracy(), 9), _cell(tally.decided_accuracy(), 9)]
        cells.append(_cell(tally.unsure_rate(), 9))
        cells.append(_cell(tally.sure_accuracy(), 9))
        cells.append(_cell(tally.rate(), 9, ".1f"))
        print(f"{tally.system:<20}" + "".join(cells))
        if tally.decided and tally.unsure_rate():
            cells = [_cell(tally.accuracy(n, decided=True), 9) for n in CHECKPOINTS]
            print(f"{'  decided':<20}" + "".join(cells))
    if len(tallies) == 2:
        sift, other = tallies
        cells = [_ratio(sift.accuracy(n), other.accuracy(n), 9) for n in CHECKPOINTS]
        cells.append(_ratio(sift.accuracy(), other.accuracy(), 9))
        cells += [_ratio(sift.decided_accuracy(), other.decided_accuracy(), 9), f"{'':>9}"]
        cells.append(_ratio(sift.sure_accuracy(), other.sure_accuracy(), 9))
        cells.append(_ratio(sift.rate(), other.rate(), 9))
        print(f"{'sift/' + other.system:<20}" + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=[c.name for c in CORPORA], help="only this corpus")
    parser.add_argument("--limit", type=int, help="messages per corpus (default: all)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    corpora = [c for c in CORPORA if args.corpus in (None, c.name)]
    missing = [c.name for c in corpora if not (DATA / f"{c.name}.tar.gz").is_file()]
    if missing:
        sys.exit(f"absent from {DATA}: {', '.join(missing)}")
    have_bogofilter = any(c.junk for c in corpora) and ensure_bogofilter()
    if any(c.junk for c in corpora) and not have_bogofilter:
        print("bogofilter unavailable: junk corpora run Sift alone", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for corpus in corpora:
            messages = corpus.load(workdir)
            random.Random(SEED).shuffle(messages)
            size = min(n for n in (corpus.size, args.limit, len(messages)) if n is not None)
            started = time.perf_counter()
            result = replay(corpus, messages[:size], workdir, bogofilter=have_bogofilter)
            print(f"  {corpus.name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
            report(result)
            results.append(result)
    if len(results) > 1:
        print("\noverall accuracy (unsure counts as wrong)")
        print(f"{'corpus':<27}{'sift':>8}  {'anchor':<15}{'acc':>7}{'ratio':>8}")
        for result in results:
            sift = result.tallies[0].accuracy()
            other = result.tallies[1] if len(result.tallies) == 2 else Tally("-")
            print(
                f"{result.corpus.name:<27}{_cell(sift, 8)}  {other.system:<15}"
                f"{_cell(other.accuracy(), 7)}{_ratio(sift, other.accuracy(), 8)}"
            )


if __name__ == "__main__":
    main()
