"""Near-duplicate detection with 64-bit SimHash over word shingles.

Two texts whose fingerprints differ in at most ``MAX_DISTANCE`` bits are near
duplicates (a forwarded copy, a resent newsletter, a re-saved document). The
fingerprint is stored as four 16-bit bands: by the pigeonhole principle, two
fingerprints within 3 bits share at least one band exactly, so candidates come
from four indexed lookups instead of a scan of every item.
"""

from __future__ import annotations

import re
import zlib

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
    # Each token gets a stable 64-bit hash (two CRC32s: fast, and the same in
    # every process, unlike hash()); a shingle's hash mixes its three tokens'
    # hashes with rotations, vectorised.
    cache: dict[str, int] = {}
    values = []
    for token in tokens:
        value = cache.get(token)
        if value is None:
            data = token.encode("utf-8")
            value = cache[token] = (zlib.crc32(data) << 32) | zlib.crc32(data, 0x9E3779B9)
        values.append(value)
    hashes = np.array(values, dtype=np.uint64)
    shingles = hashes[:-2] ^ _rotate(hashes[1:-1], 21) ^ _rotate(hashes[2:], 42)
    # One row of 64 bits per shingle; a bit is set in the fingerprint when it
    # is set in more than half of the shingles.
    bits = np.unpackbits(shingles.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1)
    majority = bits.sum(axis=0) * 2 > bits.shape[0]
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def _rotate(values: np.ndarray, bits: int) -> np.ndarray:
    """Rotate 64-bit words left."""
    return (values << np.uint64(bits)) | (values >> np.uint64(64 - bits))


def bands(fingerprint: int) -> list[int]:
    """The four 16-bit bands of a fingerprint."""
    return [(fingerprint >> (16 * band)) & 0xFFFF for band in range(BANDS)]


def distance(a: int, b: int) -> int:
    """Hamming distance between two fingerprints."""
    return (a ^ b).bit_count()


def from_bands(values: list[int]) -> int:
    """Rebuild a fingerprint from its bands."""
    return sum(value << (16 * band) for band, value in enumerate(values))
