"""Publish a model folder atomically: write ``<dir>.part``, fsync, rename.

A trained head, a fine-tuned encoder or a LoRA adapter is a folder of files.
A crash (or SIGKILL) while writing leaves only a ``.part`` folder, which no
loader ever reads and the next round removes; the rename makes the complete
folder appear at once (paperless-ngx's ``DocumentClassifier.save`` writes a
temporary file and renames it for the same reason).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

PART = ".part"


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    # Directory fsync makes the rename durable; not every platform allows it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish_dir(target: Path, fill: Callable[[Path], None]) -> Path:
    """Create the folder ``target`` atomically.

    Args:
        target: the folder to create. If it exists it is an orphan of a round
            that crashed after its rename but before it was recorded, and the
            caller (holding the training lock) owns it: it is replaced.
        fill: writes the folder's files into the folder it is given.

    Returns:
        ``target``.
    """
    part = target.with_name(target.name + PART)
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    fill(part)
    _fsync_tree(part)
    if target.exists():
        shutil.rmtree(target)
    part.rename(target)
    _fsync_dir(target.parent)
    return target


def settle_candidate(scratch: Path, final: Path, *, keep: bool) -> None:
    """Make a finished candidate folder the version folder ``final``, or drop it.

    The rename is atomic: a kill before it leaves only the candidate (and
    ``.part``) folders, which no version row names and the next round removes.
    ``final`` itself is an orphan of a crashed round when it exists (see
    ``publish_dir``): it is replaced.
    """
    if keep:
        if final.exists():
            shutil.rmtree(final)
        scratch.rename(final)
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(scratch.with_name(scratch.name + PART), ignore_errors=True)


def remove_partials(folder: Path) -> list[Path]:
    """Delete ``*.part`` folders and files left by killed rounds (call under the lock)."""
    removed = []
    for path in sorted(folder.rglob(f"*{PART}")):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
