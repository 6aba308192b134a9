"""Near-duplicate detection with 64-bit SimHash over word shingles.

Two texts whose fingerprints differ in at most ``MAX_DISTANCE`` bits are near
duplicates (a forwarded copy, a resent newsletter, a re-saved document). The
fingerprint is stored as four 16-bit bands: by the pigeonhole principle, two
fingerprints within 3 bits share at least one band exactly, so candidates come
from four indexed lookups instead of a scan of every item.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

BANDS = 4
MAX_DISTANCE = 3
MIN_TOKENS = 8  # shorter texts are too small to call near-identical
_TOKEN = re.compile(r"[\u4e00-\u9fff]|\w+", re.UNICODE)


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of a text's word 3-shingles, or None for short texts."""
    tokens = _TOKEN.findall(text.lower()[:50_000])
    if len(tokens) < MIN_TOKENS:
        return None
    digests = b"".join(
        hashlib.blake2b(" ".join(tokens[i : i + 3]).encode("utf-8"), digest_size=8).digest()
        for i in range(len(tokens) - 2)
    )
    # One row of 64 bits per shingle; a bit is set in the fingerprint when it
    # is set in more than half of the shingles.
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    majority = bits.sum(axis=0) * 2 > bits.shape[0]
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def bands(fingerprint: int) -> list[int]:
    """The four 16-bit bands of a fingerprint."""
    return [(fingerprint >> (16 * band)) & 0xFFFF for band in range(BANDS)]


def distance(a: int, b: int) -> int:
    """Hamming distance between two fingerprints."""
    return (a ^ b).bit_count()


def from_bands(values: list[int]) -> int:
    """Rebuild a fingerprint from its bands."""
    return sum(value << (16 * band) for band, value in enumerate(values))
