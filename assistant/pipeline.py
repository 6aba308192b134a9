"""The processing pipeline: classify, judge junk, suggest, summarize.

Work comes from the persistent ``jobs`` table, so an interrupted run resumes
where it stopped. Each item moves ``classify`` -> ``summarize`` -> done, and
each step's results are written together with the job's move in one
transaction: a crash repeats at most one step of one item, never loses one.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.actions.folders import with_learned_folders
from assistant.fields import Fields
from assistant.fields import extract_fields
from assistant.junk import JunkFilter
from assistant.messages import say
from assistant.priority import Prioritizer
from assistant.signals import mail_signals
from assistant.store import Store
from assistant.store import summary_json
from assistant.suggest import suggest
from assistant.summarize import Summarizer
from assistant.triage import Example
from assistant.triage import Triage
from assistant.types import Category
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import JunkVerdict
from assistant.types import Prediction
from assistant.types import Progress
from assistant.types import Summary
from assistant.words import WordModel
from assistant.words import Words
from assistant.words import tokens
from models.base import Embedder

log = logging.getLogger(__name__)

BATCH = 32
MAX_ATTEMPTS = 3
NOT_FILTERED = JunkVerdict(
    is_junk=False, probability=0.0, clues=(say("junk.documents"),), model_version="none"
)


# What the embedder reads of an item, in (estimated) tokens. The opening of a
# mail or document carries what triage needs, and embedding time grows with
# length: at 256 tokens one item takes under 100 ms on 2 cores, where a
# full 512-token window (or several, for long Chinese text) took up to 470 ms.
EMBED_TOKENS = 256


def clip_tokens(text: str, budget: int = EMBED_TOKENS) -> str:
    """The start of ``text`` within about ``budget`` XLM-R tokens.

    A CJK character is about one token; Latin text about four characters a token.
    """
    cost = 0.0
    for index, char in enumerate(text):
        cost += 1.0 if "\u3400" <= char <= "\u9fff" else 0.25
        if cost > budget:
            return text[:index]
    return text


def embedding_text(item: Item) -> str:
    """What the embedder sees: title, sender and the start of the text."""
    sender = item.metadata.get("from", "")
    head = f"{item.title}\n{sender}\n" if sender else f"{item.title}\n"
    return clip_tokens(head + item.text)


@dataclass(frozen=True, slots=True)
class Memory:
    """What triage compares an item with: its kind's categories and labelled items."""

    categories: list[Category]
    examples: list[Example]
    words: WordModel | None = None


class Pipeline:
    """Runs queued items through the models.

    Args:
        store: the database.
        embedder: embedding backend.
        triage: category classifier.
        junk: junk filter.
        summarizer: LLM summaries with fallback.
        progress: progress callback.
    """

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        triage: Triage,
        junk: JunkFilter,
        summarizer: Summarizer,
        progress: Callable[[Progress], None],
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.triage = triage
        self.junk = junk
        self.summarizer = summarizer
        self._progress = progress
        self.priority = Prioritizer(store)
        self._tokens: dict[int, Words] = {}
        # Word models per kind, with the (item, label) pairs they counted, so a
        # new label adds one item's counts instead of recounting them all.
        self._words: dict[ItemKind, tuple[set[tuple[int, str]], WordModel]] = {}

    def memory(self, kind: ItemKind) -> Memory:
        """The categories of one kind and the user's labelled items of it.

        Read once per batch (or per refresh), not once per item: the labelled
        embeddings grow with every label the user gives.
        """
        version = self.embedder.info.version
        categories = self.store.categories(kind)
        names = {c.name for c in categories}
        examples = [
            Example(item_id, label, vector, title)
            for item_id, label, vector, title in self.store.labelled_embeddings(version)
            if label in names
        ]
        return Memory(categories, examples, self._word_model(kind, examples))

    def item_tokens(self, item_id: int, item: Item | None = None) -> Words:
        """An item's words for the word model (cached: an item's text does not change)."""
        found = self._tokens.get(item_id)
        if found is None:
            item = item or self.store.item(item_id)
            found = tokens(item.title, item.text, item.metadata.get("from", ""))
            self._tokens[item_id] = found
        return found

    def _word_model(self, kind: ItemKind, examples: list[Example]) -> WordModel:
        pairs = {(e.item_id, e.label) for e in examples}
        counted, model = self._words.get(kind, (set(), WordModel()))
        if not counted <= pairs:  # a label changed or went away: count again
            counted, model = set(), WordModel()
        for example in examples:
            if (example.item_id, example.label) not in counted:
                model.learn(self.item_tokens(example.item_id), example.label)
                counted.add((example.item_id, example.label))
        self._words[kind] = (counted, model)
        return model

    def vector(self, item: Item) -> np.ndarray:
        """An item's embedding, computed and stored if missing."""
        version = self.embedder.info.version
        stored = self.store.embedding(item.id, version)
        if stored is not None:
            return stored
        vector = self.embedder.embed([embedding_text(item)])[0]
        self.store.set_embedding(item.id, vector, version)
        return vector

    @staticmethod
    def fields(item: Item) -> Fields:
        """The item's deterministic fields (dates, amounts, requests...)."""
        return extract_fields(item.title, item.text, item.metadata, language=item.language)

    def predict(
        self,
        item: Item,
        vector: np.ndarray,
        memory: Memory | None = None,
        fields: Fields | None = None,
    ) -> tuple[Prediction, JunkVerdict]:
        """Category and junk verdict for one item (``memory``: of the item's kind)."""
        memory = memory or self.memory(item.kind)
        fields = fields or self.fields(item)
        prediction = self.triage.predict(
            vector,
            kind=item.kind,
            categories=memory.categories,
            examples=memory.examples,
            text=f"{item.title}\n{item.text}",
            words=memory.words,
            tokens=self.item_tokens(item.id, item),
            signals=(
                mail_signals(item.title, item.text, item.metadata, fields)
                if item.kind == ItemKind.MAIL
                else ()
            ),
        )
        if item.kind == ItemKind.MAIL:
            verdict = self.junk.classify(f"{item.title}\n{item.text}", headers=item.metadata)
        else:
            verdict = NOT_FILTERED
        return prediction, verdict

    def classified_fields(
        self,
        item: Item,
        prediction: Prediction,
        verdict: JunkVerdict,
        fields: Fields | None = None,
    ) -> dict:
        """The item columns and suggestions that follow from a prediction."""
        fields = fields or self.fields(item)
        drafts = suggest(
            kind=item.kind,
            title=item.title,
            text=item.text,
            metadata=item.metadata,
            category=prediction,
            junk=verdict,
            fields=fields,
            file_name="" if "#" in item.source_path else Path(item.source_path).name,
            date=item.date,
        )
        drafts = with_learned_folders(self.store, item, drafts, self.embedder.info.version)
        version = f"{prediction.model_version}|{verdict.model_version}"
        self.store.replace_suggestions(item.id, [d.row(version) for d in drafts])
        as_json = fields.as_json()
        scored = self.priority.score(
            item_id=item.id,
            kind=str(item.kind),
            metadata=item.metadata,
            fields=as_json,
            category=item.user_category or prediction.label,
            is_junk=verdict.is_junk,
            junk_probability=verdict.probability,
            thread=item.thread,
        )
        return {
            "fields": json.dumps(as_json, ensure_ascii=False),
            "category": prediction.label,
            "confidence": prediction.confidence,
            "category_clues": json.dumps(list(prediction.clues), ensure_ascii=False),
            "category_model": prediction.model_version,
            "is_junk": None if verdict.is_junk is None else int(verdict.is_junk),
            "junk_probability": verdict.probability,
            "junk_clues": json.dumps(list(verdict.clues), ensure_ascii=False),
            "junk_model": verdict.model_version,
            "priority": scored.score,
            "priority_reasons": json.dumps(list(scored.reasons), ensure_ascii=False),
        }

    def reclassify(self, item: Item, memory: Memory | None = None) -> None:
        """Predict again for one item (after feedback), keeping its state."""
        if item.state == ItemState.ERROR:
            return
        fields = self.fields(item)
        prediction, verdict = self.predict(item, self.vector(item), memory, fields)
        self.store.update_item(item.id, **self.classified_fields(item, prediction, verdict, fields))

    def drain(
        self, *, summarize: bool, cancel: threading.Event | None = None, embed: bool = True
    ) -> int:
        """Process every queued item; returns how many finished.

        With ``embed=False`` only items whose embedding is already stored are
        classified (a caller embeds the rest elsewhere: ``embedding_batch``).
        ``cancel`` is checked between items, so a caller can stop after one.
        """
        done = self._classify_all(summarize=summarize, cancel=cancel, embed=embed)
        if summarize:
            self._summarize_all(cancel)
        return done

    def embedding_batch(self, limit: int = BATCH, ahead: int = 4 * BATCH) -> list[tuple[int, str]]:
        """The next queued items without an embedding, as ``(item_id, text to embed)``.

        Looks at the first ``ahead`` queued items, oldest first, and returns
        up to ``limit``: what a background thread embeds while this one
        classifies what is embedded already.
        """
        version = self.embedder.info.version
        missing = [
            item_id
            for item_id in self.store.pending_jobs("classify", ahead)
            if self.store.embedding(item_id, version) is None
        ][:limit]
        return [(item_id, embedding_text(self.store.item(item_id))) for item_id in missing]

    def store_embeddings(self, ids: list[int], vectors: np.ndarray, version: str) -> None:
        """Keep embeddings computed elsewhere (``version``: the embedder's, when computed)."""
        for item_id, vector in zip(ids, vectors, strict=True):
            self.store.set_embedding(item_id, vector, version)

    def _classify_all(
        self, *, summarize: bool, cancel: threading.Event | None, embed: bool = True
    ) -> int:
        total = self.store.job_count()
        done = 0
        # Sender and thread counts for priority: read once per run, not per item.
        self.priority.forget_history()
        while not (cancel and cancel.is_set()):
            ids = self.store.pending_jobs("classify", BATCH)
            if not ids:
                break
            items = [self.store.item(i) for i in ids]
            version = self.embedder.info.version
            missing = [i for i in items if self.store.embedding(i.id, version) is None]
            if missing and embed:
                vectors = self.embedder.embed([embedding_text(i) for i in missing])
                self.store_embeddings([i.id for i in missing], vectors, version)
            elif missing:
                skipped = {i.id for i in missing}
                items = [i for i in items if i.id not in skipped]
                if not items:
                    break  # the next items are still being embedded elsewhere
            memories = {kind: self.memory(kind) for kind in {i.kind for i in items}}
            for index, item in enumerate(items):
                if index and cancel and cancel.is_set():
                    break  # the rest stay queued; at least one item moved on
                self._classify_one(item, memories[item.kind], summarize=summarize)
                done += 1
            self._progress(Progress("classify", done, total, "classifying"))
        return done

    def _classify_one(self, item: Item, memory: Memory, *, summarize: bool) -> None:
        try:
            found = self.fields(item)
            prediction, verdict = self.predict(item, self.vector(item), memory, found)
            fields = self.classified_fields(item, prediction, verdict, found)
        except Exception as error:
            log.exception("classifying item %s failed", item.id)
            self._fail(item.id, f"classification failed: {error}")
            return
        fields["state"] = str(ItemState.READY)
        fields["error"] = None
        if summarize:
            self.store.advance_job(item.id, "summarize", **fields)
        else:
            self.store.finish_job(item.id, **fields)

    def _fail(self, item_id: int, reason: str) -> None:
        if self.store.bump_attempts(item_id) >= MAX_ATTEMPTS:
            self.store.finish_job(item_id, state=str(ItemState.ERROR), error=reason)

    def _summarize_all(self, cancel: threading.Event | None) -> None:
        total = self.store.job_count()
        done = 0
        while not (cancel and cancel.is_set()):
            ids = self.store.pending_jobs("summarize", BATCH)
            if not ids:
                break
            for item_id in ids:
                if cancel and cancel.is_set():
                    return
                item = self.store.item(item_id)
                summary = self.summarize_item(item, cancel=cancel, store=False)
                self.store.finish_job(item_id, summary=summary_json(summary))
                done += 1
                self._progress(Progress("summarize", done, total, item.title[:60]))

    def summarize_item(
        self,
        item: Item,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        store: bool = True,
    ) -> Summary:
        """Summarize one item (saved unless ``store`` is False)."""
        summary = self.summarizer.summarize(
            item.title,
            item.text,
            kind=item.kind,
            language=item.language,
            on_token=on_token,
            cancel=cancel,
            fields=item.fields,
        )
        if store:
            self.keep_summary(item.id, summary)
        return summary

    def keep_summary(self, item_id: int, summary: Summary) -> None:
        """Store an item's summary (written here or on another thread: the model's calls
        touch no database, so ``summarizer.summarize`` may run elsewhere)."""
        self.store.update_item(item_id, summary=summary_json(summary))
