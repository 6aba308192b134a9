"""The junk filter: a token-statistics classifier that learns from every verdict.

The design is SpamBayes' (Robinson's per-token probabilities combined with
Fisher's chi-squared test), the method behind SpamBayes and bogofilter: each
``mark_junk`` / ``mark_not_junk`` updates token counts at once, and the
strongest tokens are the clues shown to the user. It starts from a small seed
set written for Sift, so day-one verdicts are not coin flips, and the seed's
weight fades as the user's own verdicts accumulate.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources

from assistant.messages import say
from assistant.store import Store
from assistant.types import JunkVerdict

UNKNOWN_STRENGTH = 0.45  # s in Robinson's f(w): weight of the 0.5 prior
UNKNOWN_PROB = 0.5
MIN_STRENGTH = 0.1  # tokens with |f - 0.5| below this are ignored
MAX_DISCRIMINATORS = 150
SEED_VERSION = "seed-1"

_LATIN = re.compile(r"[a-z0-9$€£¥][a-z0-9$€£¥'._%-]{1,24}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
_URL_HOST = re.compile(r"https?://([^/\s>\"']+)")


def tokenize(text: str, *, headers: dict[str, str] | None = None) -> list[str]:
    """Words for Latin text, character bigrams for Chinese, plus header tokens.

    Args:
        text: subject and body.
        headers: mail metadata; sender domain, unsubscribe presence and
            recipients count become tokens of their own.
    """
    lowered = text.lower()[:20000]
    tokens = [t.strip("._-'") for t in _LATIN.findall(lowered)]
    tokens = [t for t in tokens if 2 <= len(t) <= 24]
    for run in _CJK_RUN.findall(text[:20000]):
        if len(run) == 1:
            tokens.append(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(f"url:{host.lower()}" for host in _URL_HOST.findall(text[:20000]))
    if headers:
        sender = headers.get("from", "")
        if "@" in sender:
            domain = sender.rsplit("@", 1)[1].strip(" >").lower()
            tokens.append(f"from-domain:{domain}")
        if headers.get("list_unsubscribe"):
            tokens.append("header:list-unsubscribe")
        if not headers.get("to"):
            tokens.append("header:no-to")
    return tokens


def chi2q(x2: float, freedom: int) -> float:
    """P(chi-squared with ``freedom`` (even) degrees of freedom >= x2)."""
    m = x2 / 2.0
    term = math.exp(-m)
    total = term
    for i in range(1, freedom // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


def score(
    counts: dict[str, tuple[int, int]], n_junk: int, n_ham: int
) -> tuple[float, list[tuple[float, str]]]:
    """The junk probability of a message from its tokens' counts, and the deciding tokens.

    Args:
        counts: ``token -> (junk count, ham count)`` for the message's tokens.
        n_junk / n_ham: messages learned on each side.
    """
    n_junk, n_ham = max(1, n_junk), max(1, n_ham)
    clues = []
    for token, (junk, ham) in counts.items():
        junk_ratio = min(1.0, junk / n_junk)
        ham_ratio = min(1.0, ham / n_ham)
        if junk_ratio + ham_ratio == 0:
            continue
        p = junk_ratio / (junk_ratio + ham_ratio)
        n = junk + ham
        f = (UNKNOWN_STRENGTH * UNKNOWN_PROB + n * p) / (UNKNOWN_STRENGTH + n)
        if abs(f - 0.5) >= MIN_STRENGTH:
            clues.append((f, token))
    clues.sort(key=lambda pair: -abs(pair[0] - 0.5))
    clues = clues[:MAX_DISCRIMINATORS]
    if not clues:
        return 0.5, []
    junk_evidence = sum(math.log(max(1e-12, 1.0 - f)) for f, _ in clues)
    ham_evidence = sum(math.log(max(1e-12, f)) for f, _ in clues)
    s = 1.0 - chi2q(-2.0 * junk_evidence, 2 * len(clues))
    h = 1.0 - chi2q(-2.0 * ham_evidence, 2 * len(clues))
    return (s - h + 1.0) / 2.0, clues


def seed_rows() -> list[tuple[str, bool]]:
    """``(text, junk)`` of the bundled seed set."""
    seed = resources.files("assistant").joinpath("data/junk_seed.jsonl")
    rows = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append((str(row["text"]), bool(row["junk"])))
    return rows


class JunkFilter:
    """Junk / not junk, learned from the user's verdicts.

    Args:
        store: where the token counts live.
        threshold: probability above which an item is junk.
        unsure_margin: probabilities within this of 0.5 give ``is_junk=None``.
    """

    def __init__(self, store: Store, *, threshold: float = 0.5, unsure_margin: float = 0.1) -> None:
        self._store = store
        self.threshold = threshold
        self.unsure_margin = unsure_margin
        self._ensure_seeded()

    @property
    def version(self) -> str:
        """Counts change with every verdict; the version says how many were learned."""
        junk = int(self._store.get_meta("junk_messages_junk", "0") or 0)
        ham = int(self._store.get_meta("junk_messages_ham", "0") or 0)
        return f"junk-bayes[{SEED_VERSION}+{junk}j/{ham}h]"

    def _ensure_seeded(self) -> None:
        if self._store.get_meta("junk_seed") == SEED_VERSION:
            return
        with self._store.atomic():
            for text, junk in seed_rows():
                self.learn(text, junk=junk)
            self._store.set_meta("junk_seed", SEED_VERSION)

    def learn(
        self, text: str, *, junk: bool, headers: dict[str, str] | None = None, unlearn: bool = False
    ) -> None:
        """Add (or with ``unlearn`` remove) one message's tokens to one side."""
        self._store.add_token_counts(
            tokenize(text, headers=headers), junk=junk, delta=-1 if unlearn else 1
        )

    def probability(
        self, text: str, *, headers: dict[str, str] | None = None
    ) -> tuple[float, list[tuple[float, str]]]:
        """The junk probability and the tokens that decided it."""
        n_junk = int(self._store.get_meta("junk_messages_junk", "0") or 0)
        n_ham = int(self._store.get_meta("junk_messages_ham", "0") or 0)
        counts = self._store.token_counts(tokenize(text, headers=headers))
        return score(counts, n_junk, n_ham)

    def classify(self, text: str, *, headers: dict[str, str] | None = None) -> JunkVerdict:
        """A verdict with the strongest clues, e.g. ``"'lottery' 0.98 (junk)"``."""
        probability, scored = self.probability(text, headers=headers)
        if abs(probability - 0.5) < self.unsure_margin:
            verdict: bool | None = None
        else:
            verdict = probability >= self.threshold
        # Show first the tokens that pushed towards the verdict.
        towards_junk = probability >= 0.5
        ordered = sorted(scored, key=lambda pair: (pair[0] > 0.5) != towards_junk)
        clues = tuple(
            say("junk.token_junk" if f > 0.5 else "junk.token_ham", token=token, f=f)
            for f, token in ordered[:6]
        ) or (say("junk.no_words"),)
        return JunkVerdict(verdict, float(probability), clues, self.version)
