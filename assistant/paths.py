"""Where Sift keeps its data, configuration, model cache and logs.

Resolved in one place. ``SIFT_HOME`` (or ``--data-dir``) puts everything under
one folder; otherwise the platform's conventional folders are used. The model
cache can be moved on its own with ``SIFT_CACHE`` (tests share one cache so the
default LLM is assembled once).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "sift"


@dataclass(frozen=True, slots=True)
class Paths:
    """Sift's folders.

    Attributes:
        data: the database, trained heads, drafts and exports.
        config: ``settings.json``.
        cache: assembled model files (safe to delete; rebuilt on demand).
        logs: log files.
    """

    data: Path
    config: Path
    cache: Path
    logs: Path

    @property
    def database(self) -> Path:
        """The SQLite database file."""
        return self.data / "sift.db"

    @property
    def heads(self) -> Path:
        """Trained classifier heads, one file per version."""
        return self.data / "models"

    @property
    def drafts(self) -> Path:
        """Reply and unsubscribe drafts (.eml) written by accepted actions."""
        return self.data / "drafts"

    @property
    def events(self) -> Path:
        """Calendar events (.ics) written by accepted actions."""
        return self.data / "events"

    @property
    def trash(self) -> Path:
        """Sift's own trash: what would be removed waits here for ``trash_days``."""
        return self.data / "trash"

    @property
    def settings(self) -> Path:
        """The user's settings file."""
        return self.config / "settings.json"

    def ensure(self) -> Paths:
        """Create the folders if needed and return self."""
        for folder in (self.data, self.config, self.cache, self.logs, self.heads):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve(data_dir: Path | str | None = None) -> Paths:
    """Resolve Sift's folders.

    Args:
        data_dir: an explicit home (``--data-dir``); overrides ``SIFT_HOME``.
    """
    home = data_dir if data_dir is not None else os.environ.get("SIFT_HOME")
    cache_override = os.environ.get("SIFT_CACHE")
    if home:
        base = Path(home).expanduser().resolve()
        cache = Path(cache_override).expanduser() if cache_override else base / "cache"
        return Paths(data=base, config=base, cache=cache, logs=base / "logs")
    cache = (
        Path(cache_override).expanduser()
        if cache_override
        else Path(platformdirs.user_cache_dir(APP, appauthor=False))
    )
    return Paths(
        data=Path(platformdirs.user_data_dir(APP, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP, appauthor=False)),
        cache=cache,
        logs=Path(platformdirs.user_log_dir(APP, appauthor=False)),
    )
