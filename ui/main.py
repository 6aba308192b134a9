"""The ``sift`` console script: the GUI commands here, everything else in ``assistant.cli``.

The CLI lives in the engine so it runs without Qt; only ``sift gui`` and a
``sift demo`` that finds a display import PySide6, and only then.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant import cli


def has_display() -> bool:
    """A screen to show a window on (X11, Wayland, macOS or Windows)."""
    if sys.platform in {"darwin", "win32"}:
        return True
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sift`` command."""
    args = list(sys.argv[1:] if argv is None else argv)
    parsed = cli.build_parser().parse_args(args)
    gui = parsed.command == "gui" or (
        parsed.command == "demo" and not parsed.headless and not parsed.json and has_display()
    )
    if not gui:
        return cli.main(args)
    from ui.app import run_gui  # noqa: PLC0415 - Qt only when a window is wanted

    data_dir: Path | None = parsed.data_dir
    ingest: list[Path] | None = None
    if parsed.command == "demo":
        if data_dir is None:
            from assistant.paths import resolve  # noqa: PLC0415

            data_dir = resolve().data / "demo"
        ingest = cli.demo_paths()
    return run_gui(
        data_dir, ingest_paths=ingest, summarize=not getattr(parsed, "no_summaries", False)
    )


if __name__ == "__main__":
    sys.exit(main())
