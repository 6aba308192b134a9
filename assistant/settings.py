"""Typed user settings, each declared once with its default and help text.

Stored as JSON with a format version; ``load`` upgrades older files step by
step and ignores unknown keys, so a newer file never breaks an older Sift.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from assistant.errors import UserError

FORMAT_VERSION = 1  # v1 - first format


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the user can set.

    Attributes:
        generator: LLM: a registry name, a .gguf file or a folder holding one.
        embedder: embedding model: a registry name or a Hugging Face folder.
        threads: CPU threads for the models (None: all cores this process may use; the
            desktop app leaves one of them to its window).
        gpu_layers: LLM layers on the GPU (None: all, when a GPU build is present).
        n_ctx: LLM context window in tokens.
        summarize: write LLM summaries during ingest.
        category_threshold: below this confidence the classifier says "unsure".
        junk_threshold: junk probability above which an item is junk.
        junk_unsure_margin: probabilities within this of 0.5 are "unsure".
        max_file_mb: larger files become error items instead of being read.
        stability_seconds: a watched file must be unchanged this long before it is read.
        train_min_feedback: new labels after which the category head is retrained.
        promote_tolerance: a candidate may be this much less accurate and still be promoted.
        trash_days: days a file stays in Sift's trash before ``purge_trash`` removes it.
        train_interval_hours: also train when this long passed since the last round
            and there is at least one new label (0: only every ``train_min_feedback``).
        summary_max_chunks: a long text is summarized from at most this many parts
            (map-reduce); beyond it, parts are sampled evenly and the summary says so.
        notify_priority: the GUI notifies about new items at least this urgent (0–1).
        ui_language: the GUI's language, ``en`` or ``zh`` ("" : the system's).
        reply_base: the LLM's Hugging Face folder, for tuning reply drafts with a LoRA
            (``sift train --reply``); "" : made once from the GGUF (dequantized).
    """

    generator: str = "qwen2.5-0.5b"
    embedder: str = "multilingual-e5-small"
    threads: int | None = None
    gpu_layers: int | None = None
    n_ctx: int = 4096
    summarize: bool = True
    category_threshold: float = 0.30
    junk_threshold: float = 0.5
    junk_unsure_margin: float = 0.1
    max_file_mb: int = 50
    stability_seconds: float = 1.0
    train_min_feedback: int = 25
    promote_tolerance: float = 0.02
    trash_days: int = 30
    train_interval_hours: float = 24.0
    summary_max_chunks: int = 8
    notify_priority: float = 0.8
    ui_language: str = ""
    reply_base: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_FIELDS = {f.name for f in dataclasses.fields(Settings)}


def _upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    version = int(raw.pop("format", FORMAT_VERSION))
    if version > FORMAT_VERSION:
        # A newer Sift wrote this; keep what we know.
        return raw
    return raw


def load(path: Path) -> Settings:
    """Read settings; a missing file gives the defaults.

    Raises:
        UserError: the file exists but is not valid JSON.
    """
    if not path.is_file():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"cannot read settings {path}: {error}") from error
    if not isinstance(raw, dict):
        raise UserError(f"settings {path} must hold a JSON object")
    raw = _upgrade(raw)
    known = {key: value for key, value in raw.items() if key in _FIELDS}
    return Settings(**known)


def save(settings: Settings, path: Path) -> None:
    """Write settings atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT_VERSION, **dataclasses.asdict(settings)}
    tmp = path.with_name(path.name + f".{os.getpid()}.part")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
