"""Chunked model assembly: order, pinned hash, atomic write, missing chunks."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.assets import AssetError
from models.assets import ChunkedAsset
from models.assets import assemble
from models.assets import is_assembled
from models.assets import missing_packages


@pytest.fixture
def chunk_packages(tmp_path: Path) -> Iterator[list[bytes]]:
    """Two importable packages holding one chunk each."""
    root = tmp_path / "site"
    chunks = [b"GGUF" + b"a" * 1000, b"b" * 777]
    for index, chunk in enumerate(chunks, start=1):
        package = root / f"siftchunk_part{index}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{index:02d}.bin").write_bytes(chunk)
    sys.path.insert(0, str(root))
    yield chunks
    sys.path.remove(str(root))
    for index in (1, 2):
        sys.modules.pop(f"siftchunk_part{index}", None)


def _asset(chunks: list[bytes], sha: str | None = None) -> ChunkedAsset:
    whole = b"".join(chunks)
    return ChunkedAsset(
        filename="model.gguf",
        parts=(("siftchunk_part1", "data/part01.bin"), ("siftchunk_part2", "data/part02.bin")),
        sha256=sha or hashlib.sha256(whole).hexdigest(),
        size=len(whole),
    )


def test_assembles_in_order_once(chunk_packages: list[bytes], tmp_path: Path) -> None:
    asset = _asset(chunk_packages)
    cache = tmp_path / "cache"
    path = assemble(asset, cache)
    assert path.read_bytes() == b"".join(chunk_packages)
    assert is_assembled(asset, cache)
    mtime = path.stat().st_mtime_ns
    assert assemble(asset, cache).stat().st_mtime_ns == mtime  # reused, not rebuilt
    assert not list(cache.glob("*.part"))


def test_wrong_hash_leaves_nothing_behind(chunk_packages: list[bytes], tmp_path: Path) -> None:
    asset = _asset(chunk_packages, sha="0" * 64)
    cache = tmp_path / "cache"
    with pytest.raises(AssetError, match="does not match"):
        assemble(asset, cache)
    assert list(cache.iterdir()) == []


def test_tampered_copy_is_rebuilt_when_verifying(
    chunk_packages: list[bytes], tmp_path: Path
) -> None:
    asset = _asset(chunk_packages)
    cache = tmp_path / "cache"
    path = assemble(asset, cache)
    path.write_bytes(b"GGUF" + b"x" * (asset.size - 4))
    assert assemble(asset, cache, verify_existing=True).read_bytes() == b"".join(chunk_packages)


def test_missing_chunk_package_is_named(tmp_path: Path) -> None:
    asset = ChunkedAsset("m.gguf", (("no_such_pkg_xyz", "a.bin"),), "0" * 64, 1)
    with pytest.raises(AssetError, match="no_such_pkg_xyz"):
        assemble(asset, tmp_path)
    assert missing_packages(asset.parts) == ["no_such_pkg_xyz"]
