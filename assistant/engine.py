"""``Sift``: the engine's one public object, used by the CLI, the GUI and scripts.

It wires the store, the models and the pipeline together. Models are created
lazily from the settings unless a caller passes its own (tests pass fakes).
Every method is safe to call from any one thread at a time; the GUI calls it
from its worker threads only.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import subprocess
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from assistant import digest as digest_module
from assistant import monitor
from assistant import paths as paths_module
from assistant import recommend
from assistant import settings as settings_module
from assistant import trainer as trainer_module
from assistant import versions
from assistant.actions import Actions
from assistant.actions import Trash
from assistant.actions.records import write_bills_csv
from assistant.errors import ModelError
from assistant.errors import NotFoundError
from assistant.errors import UserError
from assistant.fields import extract_fields
from assistant.intake import Intake
from assistant.junk import JunkFilter
from assistant.learning import Learner
from assistant.mbox import forget_mbox_progress
from assistant.pipeline import Pipeline
from assistant.priority import PriorityReport
from assistant.sources import kind_of
from assistant.sources import scan
from assistant.store import Store
from assistant.store_actions import ActionStore
from assistant.store_signals import SignalStore
from assistant.summarize import Summarizer
from assistant.training import HeadTraining
from assistant.triage import Triage
from assistant.types import ActionRecord
from assistant.types import Bill
from assistant.types import Category
from assistant.types import ImplicitSignal
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import ModelKind
from assistant.types import ModelVersion
from assistant.types import Progress
from assistant.types import ReadLaterEntry
from assistant.types import Recommendation
from assistant.types import Reminder
from assistant.types import RollbackReport
from assistant.types import SignalKind
from assistant.types import Suggestion
from assistant.types import SuggestionState
from assistant.types import Summary
from assistant.types import TrainReport
from assistant.types import TrashEntry
from models.base import Embedder
from models.base import Generator
from models.llama_backend import LlamaGenerator
from models.llama_backend import default_threads
from models.lora import LoraSettings
from models.publish import remove_partials
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
        spare_cores: cores the models leave free when the settings do not set
            ``threads`` (the desktop app keeps one for its window; see
            ``ui.app.sift_factory``).
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        settings: settings_module.Settings | None = None,
        generator: Generator | None = None,
        embedder: Embedder | None = None,
        progress: ProgressCallback | None = None,
        spare_cores: int = 0,
    ) -> None:
        self.paths = paths_module.resolve(data_dir).ensure()
        self._spare_cores = spare_cores
        self.settings = settings or settings_module.load(self.paths.settings)
        self.store = Store(self.paths.database)
        self._progress = progress or (lambda _p: None)
        self._generator = generator
        self._built_generator: LlamaGenerator | None = None  # the configured LLM, once built
        self._reply_writer: Generator | None = None
        self._generator_error: str | None = None
        self._embedder = embedder
        # The trainer subprocess builds its models from the settings file: a
        # Sift given its own models or settings trains in-process instead.
        self._models_injected = embedder is not None or settings is not None
        self._embedder_injected = embedder is not None
        self._trainer: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        # Building the LLM (assemble, hash, load: seconds) holds this lock and
        # never ``_lock``, so other engine calls go on meanwhile; what it built
        # waits here until ``generator`` takes ``_lock`` to keep it.
        self._build_lock = threading.Lock()
        self._build_result: tuple[LlamaGenerator | None, str | None] | None = None
        self._closed = False
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
        """Release models and close the database (a background training round goes on)."""
        with self._lock:
            self._closed = True
            if self._trainer is not None:
                trainer_module.detach(self._trainer)
                self._trainer = None
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
            threads=self.settings.threads or self._default_threads(),
            gpu_layers=self.settings.gpu_layers,
        )

    def _default_threads(self) -> int | None:
        """Model threads when the settings leave them unset: all cores, less the spare ones."""
        if not self._spare_cores:
            return None  # each backend takes every core
        return max(1, default_threads() - self._spare_cores)

    @property
    def embedder(self) -> Embedder:
        """The embedding backend (created on first use)."""
        with self._lock:
            if self._embedder is None:
                try:
                    self._embedder = build_embedder(self.model_choice)
                except ModelNotFound as error:
                    raise ModelError(str(error)) from error
                self._use_tuned_encoder()
            return self._embedder

    def generator(self) -> Generator | None:
        """The LLM backend, or ``None`` (with the reason kept) if it cannot load.

        The first call builds it without holding the engine's lock: a summary
        on the background thread that loads the model does not hold up the
        engine thread's calls (an Accept waited up to 19 s for it before).
        """
        with self._lock:
            if self._generator is not None or self._generator_error is not None:
                return self._generator
        with self._build_lock:
            if self._build_result is None:
                self._progress(Progress("model", 0, 1, "preparing the language model"))
                try:
                    built = build_generator(self.model_choice, self.paths.cache)
                except (ModelNotFound, OSError) as error:
                    log.warning("language model unavailable: %s", error)
                    self._build_result = (None, str(error))
                else:
                    self._build_result = (built, None)
                self._progress(Progress("model", 1, 1, "language model ready"))
            built, error = self._build_result
        with self._lock:
            if self._generator is None and self._generator_error is None:
                if self._closed:
                    if built is not None:
                        built.close()
                    self._generator_error = "the engine is closed"
                elif built is None:
                    self._generator_error = error
                else:
                    self._built_generator = built
                    self._generator = built
                    self._serve_reply_adapter()
            return self._generator

    def _summary_model(self) -> tuple[Generator | None, str]:
        """The LLM for summaries and why it is missing (``Summarizer``'s loader)."""
        generator = self.generator()
        return generator, self._generator_error or ""

    def reply_writer(self) -> Generator | None:
        """The LLM as reply drafts use it: with the promoted reply adapter when one serves
        (``assistant.reply_training``); summaries keep the base weights."""
        generator = self.generator()  # not under ``_lock``: it may wait for the build
        with self._lock:
            return self._reply_writer if self._reply_writer is not None else generator

    def _serve_reply_adapter(self) -> None:
        """Give the built LLM the reply adapter promoted for it now, or none; the writer
        follows. The model stays loaded (``LlamaGenerator.use_adapter``)."""
        from assistant import reply_training  # noqa: PLC0415 - only with a real LLM

        with self._lock:
            built = self._built_generator
            if built is None:
                return
            folder = reply_training.active_adapter(self, built.info.version)
            if folder is None:
                built.use_adapter(None)
            else:
                built.use_adapter(folder / reply_training.ADAPTER_FILE, folder.name)
            self._reply_writer = built.adapted() if built.has_adapter else built

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
                HeadTraining(self).load_active(self._triage)
            return self._triage

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                # The LLM loads when the first summary needs it, not here:
                # classification must not wait for it.
                summarizer = Summarizer(
                    None,
                    load=self._summary_model if self.settings.summarize else None,
                    max_chunks=self.settings.summary_max_chunks,
                )
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
        self,
        path: Path | str,
        *,
        on_token: Callable[[str], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Summary:
        """Summarize one file without storing it.

        Long files go through map-reduce: ``on_progress`` hears of each part
        read, ``on_token`` receives the final summary as it is written.
        """
        from assistant.extract import extract_file  # noqa: PLC0415

        extracted = extract_file(Path(path), max_bytes=self.settings.max_file_mb * 1024 * 1024)
        return self.pipeline.summarizer.summarize(
            extracted.title,
            extracted.text,
            kind=extracted.kind,
            language=extracted.language,
            on_token=on_token,
            on_progress=on_progress,
            cancel=cancel,
            fields=extract_fields(
                extracted.title, extracted.text, extracted.metadata, language=extracted.language
            ),
        )

    # -- feedback ----------------------------------------------------------

    def accept(self, suggestion_id: int, *, edited_text: str | None = None) -> Suggestion:
        """Accept a suggestion: record it and carry out its action (see ``accept_action``).

        Returns the accepted suggestion; the action it carried out is the
        newest entry of the log, ``actions(limit=1)[0]``, right after (callers
        that want the record directly use ``accept_action``). A reply draft
        never previewed is written here by the model, without streaming or
        cancel: the GUI previews it with ``draft_text`` first.
        """
        record = self.accept_action(suggestion_id, edited_text=edited_text)
        return self.store.suggestion(record.suggestion_id or suggestion_id)

    def reject(self, suggestion_id: int, correct: str | None = None) -> Suggestion:
        """Reject a suggestion, optionally giving the right category."""
        return Learner(self).reject(suggestion_id, correct=correct)

    def label(self, item_id: int, category: str) -> Item:
        """Set an item's category (creating it if new); the next prediction learns from it."""
        return Learner(self).label(item_id, category)

    def mark_junk(self, item_id: int, junk: bool) -> Item:  # noqa: FBT001 - the documented API
        """Junk / not junk feedback; the filter learns at once."""
        return Learner(self).mark_junk(item_id, junk=junk)

    # -- training ------------------------------------------------------------

    def train(self) -> TrainReport:
        """One training round now, in this process (the CLI's ``sift train``).

        Fine-tunes the category head on the confirmed feedback and promotes it
        only if it measures as good on held-out items (``assistant.training``).

        Raises:
            TrainingBusy: a trainer subprocess runs now.
        """
        with self._lock, trainer_module.lock_for(self.paths):
            remove_partials(self.paths.heads)
            trainer_module.mark_attempt(self.store)
            return Learner(self).train()

    def maybe_train(self, *, background: bool = True) -> TrainReport | None:
        """Start a training round if one is due (``assistant.trainer.due``).

        Args:
            background: run it in a low-priority subprocess and return None at
                once; ``poll_training`` collects the result. A Sift given its
                own models or settings always trains in-process, since the
                subprocess builds its models from the settings file.

        Returns:
            The report of an in-process round, or None (not due, or started
            in the background).
        """
        if self.training_running() or (reason := trainer_module.due(self)) is None:
            return None
        log.info("training round due: %s", reason)
        if background and not self._models_injected:
            self._trainer = trainer_module.launch(self.paths)
            return None
        try:
            return self.train()
        except trainer_module.TrainingBusy:
            return None

    def training_running(self) -> bool:
        """Whether a trainer (this Sift's subprocess or another one) runs now."""
        if self._trainer is not None and self._trainer.poll() is None:
            return True
        return trainer_module.lock_for(self.paths).running() is not None

    def poll_training(self) -> TrainReport | None:
        """If this Sift's trainer subprocess has finished: reload models, return its report."""
        if self._trainer is None or self._trainer.poll() is None:
            return None
        self._trainer = None
        self.reload_models()
        return trainer_module.read_report(self.paths)

    def reload_models(self) -> bool:
        """Serve the active head if it changed (after a trainer subprocess or a rollback).

        Returns:
            True if another head serves now (unlabelled items were re-predicted).
        """
        with self._lock:
            self._serve_reply_adapter()  # a trainer may have promoted one
            if self._triage is None:
                return False
            before = self._triage.head_version
            HeadTraining(self).load_active(self._triage)
            if self._triage.head_version == before:
                return False
        learner = Learner(self)
        for kind in (ItemKind.MAIL, ItemKind.DOCUMENT):
            learner.refresh(kind)
        return True

    def train_encoder(self) -> TrainReport:
        """Fine-tune a transformers encoder contrastively (SetFit-style), through the gate.

        A promoted encoder serves at once: labelled items are embedded again
        and a head round runs on the new embeddings (a Sift given its own
        embedder keeps it; the tuned encoder serves from the next start
        built from the settings). The default embedder (packed 4-bit e5)
        is not tuned; the report says so.
        """
        from assistant.encoder_training import train_encoder  # noqa: PLC0415

        with self._lock, trainer_module.lock_for(self.paths):
            report = train_encoder(self)
        if report.promoted and not self._embedder_injected:
            self.swap_embedder()
            self.train()
        return report

    def train_reply(
        self, *, allow_cpu: bool = False, lora: LoraSettings | None = None
    ) -> TrainReport:
        """Tune the reply writer: a LoRA on the LLM from the kept reply drafts, through a gate.

        Runs where torch sees a GPU, or on the CPU with ``allow_cpu``; a promoted
        adapter writes the next reply drafts (``assistant.reply_training``).

        Args:
            allow_cpu: run without a GPU.
            lora: the adapter's hyperparameters (default ``LoraSettings()``).
        """
        from assistant.reply_training import train_reply  # noqa: PLC0415 - lazy: torch

        with self._lock, trainer_module.lock_for(self.paths):
            report = train_reply(self, allow_cpu=allow_cpu, settings=lora)
        if report.promoted:
            self._serve_reply_adapter()
        return report

    def _use_tuned_encoder(self) -> None:
        """Serve the promoted fine-tune of the configured encoder folder, if any."""
        if self._embedder_injected or self._embedder is None:
            return
        if self._embedder.info.backend != "transformers":
            return
        from assistant.encoder_training import active_encoder  # noqa: PLC0415
        from models.hf_embedder import HFEmbedder  # noqa: PLC0415

        folder = active_encoder(self)
        if folder is not None and Path(self._embedder.info.path) != folder:
            self._embedder.close()
            self._embedder = HFEmbedder(folder)

    def swap_embedder(self) -> int:
        """Serve the encoder the versions say (after a promotion or rollback); models follow.

        The outgoing encoder's vectors are archived and the incoming one's
        restored (``versions.switch_vectors``); labelled items missing one
        are embedded again.

        Returns:
            How many vectors were restored from the archive.
        """
        with self._lock:
            old = None
            if self._embedder is not None:
                old = self._embedder.info.version
                self._embedder.close()
            self._embedder = None
            self._triage = None
            self._pipeline = None
            restored = versions.switch_vectors(self, old, self.embedder.info.version)
            pipeline = self.pipeline
            for item in self.store.items():
                if item.user_category is not None:
                    pipeline.vector(item)
            return restored

    # -- model versions ----------------------------------------------------

    @property
    def embedder_injected(self) -> bool:
        """This Sift was given its embedder: it never swaps encoders itself."""
        return self._embedder_injected

    def model_versions(self, kind: str | ModelKind | None = None) -> list[ModelVersion]:
        """Every round of every learned model (or one kind: ``head``/``category``,
        ``encoder``, ``junk``), oldest first: promoted or rejected, why, with metrics."""
        return versions.list_versions(self, kind)

    def rollback(
        self,
        kind: str | ModelKind | None = None,
        version: str | None = None,
        *,
        keep_later: bool = False,
    ) -> RollbackReport:
        """Serve an earlier promoted version of one kind (default: the one before the serving one).

        Args:
            kind: ``head`` (``category``), ``encoder`` or ``junk``; by default
                the kind the version's name says, else the head.
            version: e.g. ``head-v2``, ``encoder-v1``, ``base``, ``junk-v3``.
            keep_later: junk only: re-teach the verdicts given after the
                snapshot instead of listing them (``assistant.junk_versions``).

        Raises:
            UserError: training runs now, or there is nothing to roll back to.
        """
        with self._lock:
            if self.training_running():
                raise UserError("training is running; roll back when it has finished")
            with trainer_module.lock_for(self.paths):
                report = versions.rollback(self, kind, version, keep_later=keep_later)
        if report.kind == ModelKind.HEAD:
            self.reload_models()
        elif report.kind == ModelKind.REPLY:
            self._serve_reply_adapter()
        elif report.kind == ModelKind.JUNK:  # every item's junk verdict, predicted again
            pipeline = self.pipeline
            memories = {item_kind: pipeline.memory(item_kind) for item_kind in ItemKind}
            for item in self.store.items(state=ItemState.READY):
                pipeline.reclassify(item, memories[item.kind])
        return report

    # -- actions -------------------------------------------------------------

    def accept_action(self, suggestion_id: int, *, edited_text: str | None = None) -> ActionRecord:
        """Accept a suggestion and carry out its action; returns the logged action.

        Args:
            suggestion_id: the suggestion to accept.
            edited_text: the user's version: a reply draft's text, a folder
                for file-into, a file name for rename, a date for a follow-up.

        Raises:
            UserError: decided already, or the action failed (the suggestion
                stays open, nothing is recorded).
        """
        return Actions(self).accept(suggestion_id, edited_text=edited_text)

    def undo(self, action_id: int | None = None) -> ActionRecord:
        """Undo the given action, or the latest one not undone; its suggestion opens again."""
        return Actions(self).undo(action_id)

    def actions(self, limit: int = 50) -> list[ActionRecord]:
        """The action log, latest first."""
        return ActionStore(self.store).actions(limit)

    def draft_text(
        self,
        suggestion_id: int,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> str:
        """A reply suggestion's draft (written once, kept), to show and edit before Accept.

        ``on_token`` streams the model's raw output; setting ``cancel`` stops
        it, returns the template and keeps nothing (the next call asks again).
        """
        return Actions(self).draft_text(suggestion_id, on_token=on_token, cancel=cancel)

    def reminders(self) -> list[Reminder]:
        """Every follow-up reminder, soonest first."""
        return ActionStore(self.store).reminders()

    def due_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Reminders due by ``now`` (default: now), for the GUI or CLI to notify."""
        moment = now or datetime.now().astimezone()
        if moment.tzinfo is not None:  # reminders are stored in local wall-clock time
            moment = moment.astimezone().replace(tzinfo=None)
        return ActionStore(self.store).reminders(due_by=moment.isoformat(timespec="seconds"))

    def dismiss_reminder(self, reminder_id: int) -> None:
        """The user saw a due reminder: it is done (undoing its action then removes nothing)."""
        if not ActionStore(self.store).delete_reminder(reminder_id):
            raise NotFoundError(f"no reminder {reminder_id}")

    def read_later(self) -> list[ReadLaterEntry]:
        """The read-later list."""
        return ActionStore(self.store).read_later()

    def bills(self) -> list[Bill]:
        """Recorded bills."""
        return ActionStore(self.store).bills()

    def export_bills(self, path: Path | str) -> Path:
        """Write the bills as CSV (an existing file goes to Sift's trash, never overwritten)."""
        return write_bills_csv(self.bills(), Path(path), self._trash())

    def trash(self) -> list[TrashEntry]:
        """What is in Sift's trash."""
        return self._trash().entries()

    def restore_trash(self, entry_id: int) -> Path:
        """Put a trashed file back where it was."""
        return self._trash().restore(entry_id)

    def purge_trash(self, now: datetime | None = None) -> list[TrashEntry]:
        """Remove trash entries older than ``settings.trash_days``; returns them."""
        return self._trash().purge(now)

    def _trash(self) -> Trash:
        return Trash(self.paths, ActionStore(self.store), days=self.settings.trash_days)

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

    # -- signals, recommendations and monitoring ------------------------------

    def record_signal(self, item_id: int, kind: SignalKind | str, value: float = 1.0) -> None:
        """Record an implicit signal (apart from verdicts); ``OPENED`` marks the item read.

        Args:
            item_id: the item.
            kind: what happened; ``DWELL`` takes the seconds viewed as ``value``.
            value: 1.0 for events, seconds for ``DWELL``.
        """
        try:
            kind = SignalKind(kind)
        except ValueError as error:
            known = ", ".join(k.value for k in SignalKind)
            raise UserError(f"unknown signal {kind!r} (one of {known})") from error
        if value < 0:
            raise UserError(f"a signal's value cannot be negative ({value})")
        SignalStore(self.store).record(item_id, kind, value)

    def signals(self, item_id: int) -> list[ImplicitSignal]:
        """An item's implicit signals, oldest first."""
        self.store.item(item_id)
        return SignalStore(self.store).signals(item_id)

    def mark_read(self, item_id: int, *, read: bool = True) -> Item:
        """Mark an item read or unread (opening it marks it read too)."""
        SignalStore(self.store).set_read(item_id, read=read)
        return self.store.item(item_id)

    def read_next(self, limit: int = 10) -> list[Recommendation]:
        """Unread live items ranked by learned interest, priority and recency, with reasons."""
        if limit < 1:
            raise UserError("limit must be at least 1")
        ranked = recommend.Ranker(SignalStore(self.store)).read_next(limit)
        return [Recommendation(self.store.item(r.item_id), r.score, r.reason) for r in ranked]

    def related(self, item_id: int, limit: int = 5) -> list[Recommendation]:
        """Live items nearest to one item by their stored embeddings."""
        if limit < 1:
            raise UserError("limit must be at least 1")
        item = self.store.item(item_id)
        out = []
        for other_id, similarity in recommend.related(SignalStore(self.store), item_id, limit):
            other = self.store.item(other_id)
            out.append(
                Recommendation(other, similarity, recommend.related_reason(item, other, similarity))
            )
        return out

    def metrics(self, *, bucket: str = "day") -> monitor.Metrics:
        """Acceptance rate and accuracy over time, per action kind and per category."""
        decisions = monitor.decisions(SignalStore(self.store).verdicts())
        return monitor.metrics(decisions, bucket=bucket)

    def alerts(self, *, now: datetime | None = None) -> list[monitor.Alert]:
        """Drift alerts: series whose acceptance dropped sharply (see ``assistant.monitor``)."""
        decisions = monitor.decisions(SignalStore(self.store).verdicts())
        return monitor.drift_alerts(decisions, now=now)

    def digest(self, day: str | date | None = None) -> digest_module.Digest:
        """One day's (default: today's, UTC) unread low-priority items with open suggestions."""
        when = digest_module.parse_day(day).isoformat()
        ids = SignalStore(self.store).low_priority_ids(when, below=digest_module.LOW_PRIORITY)
        entries = tuple(
            digest_module.DigestEntry(
                self.store.item(item_id),
                tuple(self.store.suggestions(item_id, state=SuggestionState.OPEN)),
            )
            for item_id in ids
        )
        return digest_module.Digest(when, entries)

    def export_digest(self, path: Path | str, day: str | date | None = None) -> Path:
        """Write the digest as an HTML page (an existing file goes to Sift's trash first)."""
        return digest_module.write_html(self.digest(day), Path(path), self._trash())

    # -- gui ---------------------------------------------------------------

    def store_batches(self, paths: Iterable[Path | str]) -> Iterator[list[int]]:
        """``store_paths`` one committed batch at a time, for callers that interleave work.

        The GUI's engine thread reads a batch, runs queued feedback, reads the
        next. Between batches nothing is pending: each batch is committed, and
        an mbox resumes from its stored progress if the caller stops early.

        Yields:
            The ids of each batch's items (known ones included).
        """
        max_bytes = self.settings.max_file_mb * 1024 * 1024
        done = 0
        for path in paths:
            entries = scan(Path(path).expanduser(), max_bytes=max_bytes, store=self.store)
            while batch := list(itertools.islice(entries, STORE_BATCH)):
                with self.store.atomic():
                    ids = [self.intake.store(entry) for entry in batch]
                done += len(ids)
                self._progress(Progress("read", done, 0, "reading files and mail"))
                yield ids

    def quoted_text(self, item_id: int) -> str:
        """The quoted reply text split off a mail (the GUI folds it under a toggle)."""
        return self.store.quoted_text(item_id)

    def pause_source(self, source_id: int, *, paused: bool = True) -> None:
        """Stop (or resume) watching a source; its items stay."""
        self.store.set_source_paused(source_id, paused=paused)

    def update_settings(self, **changes: Any) -> settings_module.Settings:
        """Change and save user settings; model changes apply to models loaded later.

        Raises:
            UserError: an unknown setting name.
        """
        unknown = set(changes) - {f.name for f in dataclasses.fields(settings_module.Settings)}
        if unknown:
            raise UserError(f"unknown settings: {', '.join(sorted(unknown))}")
        self.settings = self.settings.replace(**changes)
        settings_module.save(self.settings, self.paths.settings)
        return self.settings

    def loaded_models(self) -> dict[str, str | None]:
        """What is loaded now: the LLM, the embedder (``None``: not loaded yet)."""
        with self._lock:
            return {
                "generator": self._generator.info.version if self._generator else None,
                "generator_error": self._generator_error,
                "embedder": self._embedder.info.version if self._embedder else None,
            }

    def clear_all_data(self) -> None:
        """Delete everything stored (items, feedback, trained models); sources stay on disk.

        The database is deleted and created afresh, so nothing of it lingers
        in free pages or the WAL.
        """
        import shutil  # noqa: PLC0415

        with self._lock:
            self.store.close()
            for suffix in ("", "-wal", "-shm"):
                path = self.paths.database.with_name(self.paths.database.name + suffix)
                path.unlink(missing_ok=True)
            shutil.rmtree(self.paths.heads, ignore_errors=True)
            self.store = Store(self.paths.database)
            self.intake = Intake(self.store, max_bytes=self.settings.max_file_mb * 1024 * 1024)
            self._junk = None
            self._triage = None
            self._pipeline = None
