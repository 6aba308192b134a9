"""``Sift``: the engine's one public object, used by the CLI, the GUI and scripts.

It wires the store, the models and the pipeline together. Models are created
lazily from the settings unless a caller passes its own (tests pass fakes).
Every method is safe to call from any one thread at a time; the GUI calls it
from its worker threads only.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from assistant import paths as paths_module
from assistant import settings as settings_module
from assistant.errors import ModelError
from assistant.errors import NotFoundError
from assistant.errors import UserError
from assistant.intake import Intake
from assistant.junk import JunkFilter
from assistant.learning import Learner
from assistant.mbox import forget_mbox_progress
from assistant.pipeline import Pipeline
from assistant.priority import PriorityReport
from assistant.sources import kind_of
from assistant.sources import scan
from assistant.store import Store
from assistant.summarize import Summarizer
from assistant.triage import Triage
from assistant.types import Category
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Progress
from assistant.types import Suggestion
from assistant.types import SuggestionState
from assistant.types import Summary
from assistant.types import TrainReport
from models.base import Embedder
from models.base import Generator
from models.registry import ModelChoice
from models.registry import ModelNotFound
from models.registry import build_embedder
from models.registry import build_generator

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]
STORE_BATCH = 100  # files or messages stored per transaction


class Sift:
    """The assistant.

    Args:
        data_dir: where the database and trained models live (default:
            ``SIFT_HOME`` or the platform's data folder).
        settings: override the stored settings.
        generator: an LLM backend to use instead of the configured one.
        embedder: an embedding backend to use instead of the configured one.
        progress: called with progress of long operations.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        settings: settings_module.Settings | None = None,
        generator: Generator | None = None,
        embedder: Embedder | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.paths = paths_module.resolve(data_dir).ensure()
        self.settings = settings or settings_module.load(self.paths.settings)
        self.store = Store(self.paths.database)
        self._progress = progress or (lambda _p: None)
        self._generator = generator
        self._generator_error: str | None = None
        self._embedder = embedder
        self._lock = threading.RLock()
        self._junk: JunkFilter | None = None
        self.intake = Intake(self.store, max_bytes=self.settings.max_file_mb * 1024 * 1024)
        self._triage: Triage | None = None
        self._pipeline: Pipeline | None = None
        self.cancel = threading.Event()

    # -- lifecycle ---------------------------------------------------------

    def __enter__(self) -> Sift:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release models and close the database."""
        with self._lock:
            if self._generator is not None:
                self._generator.close()
            if self._embedder is not None:
                self._embedder.close()
            self.store.close()

    # -- models ------------------------------------------------------------

    @property
    def model_choice(self) -> ModelChoice:
        """The model settings as the model layer takes them."""
        return ModelChoice(
            generator=self.settings.generator,
            embedder=self.settings.embedder,
            n_ctx=self.settings.n_ctx,
            threads=self.settings.threads,
            gpu_layers=self.settings.gpu_layers,
        )

    @property
    def embedder(self) -> Embedder:
        """The embedding backend (created on first use)."""
        with self._lock:
            if self._embedder is None:
                try:
                    self._embedder = build_embedder(self.model_choice)
                except ModelNotFound as error:
                    raise ModelError(str(error)) from error
            return self._embedder

    def generator(self) -> Generator | None:
        """The LLM backend, or ``None`` (with the reason kept) if it cannot load."""
        with self._lock:
            if self._generator is None and self._generator_error is None:
                self._progress(Progress("model", 0, 1, "preparing the language model"))
                try:
                    self._generator = build_generator(self.model_choice, self.paths.cache)
                except (ModelNotFound, OSError) as error:
                    self._generator_error = str(error)
                    log.warning("language model unavailable: %s", error)
                self._progress(Progress("model", 1, 1, "language model ready"))
            return self._generator

    @property
    def junk(self) -> JunkFilter:
        """The junk filter (created on first use)."""
        with self._lock:
            if self._junk is None:
                self._junk = JunkFilter(
                    self.store,
                    threshold=self.settings.junk_threshold,
                    unsure_margin=self.settings.junk_unsure_margin,
                )
            return self._junk

    @property
    def triage(self) -> Triage:
        """The category classifier, with the promoted head loaded."""
        with self._lock:
            if self._triage is None:
                self._triage = Triage(self.embedder, threshold=self.settings.category_threshold)
                Learner(self).load_active_head(self._triage)
            return self._triage

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                generator = self.generator() if self.settings.summarize else None
                summarizer = Summarizer(generator, unavailable_reason=self._generator_error or "")
                self._pipeline = Pipeline(
                    self.store, self.embedder, self.triage, self.junk, summarizer, self._progress
                )
            return self._pipeline

    # -- input -------------------------------------------------------------

    def add_source(self, path: Path | str) -> int:
        """Remember a folder, mbox, Maildir or file to watch and ingest."""
        resolved = Path(path).expanduser().absolute()
        if not resolved.exists():
            raise UserError(f"no such file or folder: {resolved}")
        return self.store.add_source(kind_of(resolved), str(resolved))

    def sources(self) -> list[dict[str, Any]]:
        """The configured sources."""
        return self.store.sources()

    def remove_source(self, source_id: int) -> None:
        """Forget a source (its items stay)."""
        self.store.remove_source(source_id)

    def ingest(
        self, paths: Iterable[Path | str], *, summarize: bool = True, process: bool = True
    ) -> list[Item]:
        """Read, store, classify (and summarize) everything under ``paths``.

        Blocks until done. Items already known (same key or same content) are
        not stored twice; they are returned as they are. An mbox file is read
        from where the last ingest stopped, so only its new messages are
        returned (``items()`` has them all).

        Args:
            paths: files, folders, mbox files or Maildirs.
            summarize: write LLM summaries.
            process: classify now; with False, items are stored and queued
                for a later ``process()`` (the queue survives restarts).

        Returns:
            The items found under ``paths``, including error items.
        """
        ids = self.store_paths(paths)
        if process:
            self.process(summarize=summarize)
        return [self.store.item(item_id) for item_id in dict.fromkeys(ids)]

    def store_paths(self, paths: Iterable[Path | str]) -> list[int]:
        """Read and store everything under ``paths`` without running models.

        Streams: one file or message is in memory at a time, and stores are
        committed in batches, each batch atomically.

        Returns:
            The ids of the items found (known ones included).
        """
        ids: list[int] = []
        max_bytes = self.settings.max_file_mb * 1024 * 1024
        for path in paths:
            entries = scan(Path(path).expanduser(), max_bytes=max_bytes, store=self.store)
            while batch := list(itertools.islice(entries, STORE_BATCH)):
                if self.cancel.is_set():
                    return ids
                with self.store.atomic():
                    ids.extend(self.intake.store(entry) for entry in batch)
                self._progress(Progress("read", len(ids), 0, "reading files and mail"))
        return ids

    def reconcile(self, paths: Iterable[Path | str]) -> list[int]:
        """Mark items whose files were deleted below ``paths`` as gone.

        Run on start (after the initial scan) and when the watcher reports a
        deletion, so changes made while Sift was closed are caught.

        Returns:
            The ids of the items that are gone.
        """
        gone = [
            item_id
            for path in paths
            for item_id, source in self.store.file_items_under(
                str(Path(path).expanduser().absolute())
            )
            if not Path(source).exists()
        ]
        if gone:
            self.store.mark_gone(gone)
        return gone

    def process(self, *, summarize: bool = True) -> int:
        """Work through the persistent queue; returns how many items were done."""
        return self.pipeline.drain(
            summarize=summarize and self.settings.summarize, cancel=self.cancel
        )

    def retry(self, item_id: int) -> Item:
        """Read an error item again from its source (a file, or its whole mailbox)."""
        item = self.store.item(item_id)
        if item.state != ItemState.ERROR:
            raise UserError(f"item {item_id} is {item.state}, not in error")
        path = Path(item.source_path.split("#", 1)[0])
        if not path.exists():
            raise UserError(f"{path} is gone; nothing to read again")
        if "#" not in item.source_path:
            self.store.update_item(item_id, error=None)
        else:
            forget_mbox_progress(self.store, path)  # read the whole mailbox again
        self.ingest([path])
        return self.store.item(item_id)

    # -- output ------------------------------------------------------------

    def items(self, *, limit: int | None = None) -> list[Item]:
        """All items, newest first."""
        return self.store.items(limit=limit)

    def item(self, item_id: int) -> Item:
        """One item by id."""
        return self.store.item(item_id)

    def search(self, query: str, *, limit: int = 100) -> list[Item]:
        """Full-text search over titles and text (words, any order)."""
        return self.store.search(query, limit=limit)

    def thread(self, item_id: int) -> list[Item]:
        """The conversation an item belongs to, oldest first (just the item if none)."""
        item = self.store.item(item_id)
        if not item.thread:
            return [item]
        return self.store.thread_items(item.thread)

    def attachments(self, item_id: int) -> list[Item]:
        """The items read from a mail's attachments."""
        return self.store.children(item_id)

    def suggestions(
        self, item_id: int | None = None, *, state: SuggestionState | None = SuggestionState.OPEN
    ) -> list[Suggestion]:
        """Suggestions for one item (or all items), open ones by default."""
        if item_id is not None:
            self.store.item(item_id)
        return self.store.suggestions(item_id, state=state)

    def summarize_item(
        self,
        item_id: int,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Summary:
        """(Re)write an item's summary, streaming tokens to ``on_token``."""
        return self.pipeline.summarize_item(
            self.store.item(item_id), on_token=on_token, cancel=cancel
        )

    def summarize_file(
        self, path: Path | str, *, on_token: Callable[[str], None] | None = None
    ) -> Summary:
        """Summarize one file without storing it."""
        from assistant.extract import extract_file  # noqa: PLC0415

        extracted = extract_file(Path(path), max_bytes=self.settings.max_file_mb * 1024 * 1024)
        return self.pipeline.summarizer.summarize(
            extracted.title,
            extracted.text,
            kind=extracted.kind,
            language=extracted.language,
            on_token=on_token,
        )

    # -- feedback ----------------------------------------------------------

    def accept(self, suggestion_id: int) -> Suggestion:
        """Accept a suggestion: record it (and, for junk, teach the filter)."""
        return Learner(self).accept(suggestion_id)

    def reject(self, suggestion_id: int, correct: str | None = None) -> Suggestion:
        """Reject a suggestion, optionally giving the right category."""
        return Learner(self).reject(suggestion_id, correct=correct)

    def label(self, item_id: int, category: str) -> Item:
        """Set an item's category (creating it if new); the next prediction learns from it."""
        return Learner(self).label(item_id, category)

    def mark_junk(self, item_id: int, junk: bool) -> Item:  # noqa: FBT001 - the documented API
        """Junk / not junk feedback; the filter learns at once."""
        return Learner(self).mark_junk(item_id, junk=junk)

    def train(self) -> TrainReport:
        """Fine-tune the category head on feedback; promote only if it measures better."""
        return Learner(self).train()

    # -- categories --------------------------------------------------------

    def categories(self, kind: ItemKind | None = None) -> list[Category]:
        """Categories (mail) and document types (files)."""
        return self.store.categories(kind)

    def add_category(
        self, name: str, description: str = "", *, kind: ItemKind = ItemKind.MAIL
    ) -> None:
        """Add a category or change its description."""
        name = name.strip()
        if not name:
            raise UserError("a category needs a name")
        self.store.upsert_category(Category(name, description or name, kind))

    def rename_category(self, old: str, new: str) -> None:
        """Rename a category everywhere."""
        self.store.rename_category(old, new.strip())

    def delete_category(self, name: str) -> None:
        """Delete a category; items filed under it become unlabelled."""
        if name not in {c.name for c in self.store.categories()}:
            raise NotFoundError(f"no category {name!r}")
        self.store.delete_category(name)

    # -- priority ------------------------------------------------------------

    def learn_priority(self, opens: dict[int, int] | None = None) -> PriorityReport:
        """Refit the per-user priority model (feedback, and ``opens``: item id -> times
        opened) and rescore every item; the global prior serves until there is enough."""
        if opens is not None:
            self.pipeline.priority.set_opens(opens)
        return self.pipeline.priority.learn()

    def is_important(self, item: Item) -> bool:
        """Whether an item's priority reaches this user's "important" threshold."""
        return item.priority >= self.pipeline.priority.threshold

    def stats(self) -> dict[str, Any]:
        """Counts of items, suggestions and feedback."""
        counts = self.store.counts()
        counts["models"] = {
            "generator": self.settings.generator,
            "embedder": self.settings.embedder,
            "triage": self._triage.version if self._triage else None,
            "junk": self.junk.version,
        }
        counts["data_dir"] = str(self.paths.data)
        return counts
