"""Summaries: one pass or map-reduce, a JSON schema, a cross-check, a fallback.

A text that fits the model's context is summarized in one call. A longer one
goes through map-reduce: it is cut into parts that fit (``longtext``), each
part's facts are noted with the map prompt, and the final summary is written
from the notes, which are themselves reduced in groups first when they do not
fit. Only the final call streams its tokens to the caller; the map steps are
reported through ``on_progress``. Every summary is cross-checked against the
full text and the deterministic fields (``grounding``). If the model is
missing or fails, the item still gets a clearly labelled extractive summary
built from its own sentences.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from assistant.fields import Fields
from assistant.fields import sentences
from assistant.grounding import grounded
from assistant.longtext import estimate_tokens
from assistant.longtext import sample_evenly
from assistant.longtext import split_chunks
from assistant.prompts import MAP_MAX_TOKENS
from assistant.prompts import MAP_SCHEMA
from assistant.prompts import MAP_SYSTEM
from assistant.prompts import MAX_TOKENS
from assistant.prompts import SCHEMA
from assistant.prompts import SYSTEM
from assistant.prompts import build_map_messages
from assistant.prompts import build_messages
from assistant.prompts import build_reduce_messages
from assistant.prompts import render_notes
from assistant.prompts import schema_for
from assistant.types import ItemKind
from assistant.types import Progress
from assistant.types import Summary
from models.base import Generator

__all__ = ["MAX_TOKENS", "SCHEMA", "Summarizer", "build_messages", "extractive_summary"]

# Tokens of text per map call. Prompt processing (~200 tokens/s on 2 cores)
# and the notes written (~20 tokens/s under a schema) both cost: ~1000-token
# parts balance the two, and a text of that size is summarized in one call.
CHUNK_TOKENS = 1024
MAX_CHUNKS = 8  # more parts than this are sampled evenly (said in the notes)
MAX_DEPTH = 3  # reduce levels before the notes are cut to fit
PROMPT_TOKENS = 100  # chat template, title (<= 200 characters) and the wrapper around the text
MARGIN = 32


class _Cancelled(Exception):
    """The caller cancelled during a map or reduce call."""


def extractive_summary(title: str, text: str, *, reason: str = "") -> Summary:
    """A lead-based summary from the item's own sentences, labelled as such."""
    lead = sentences(text)
    one_line = lead[0] if lead else (title or "(empty)")
    if len(one_line) > 200:
        one_line = one_line[:197] + "…"
    return Summary(
        one_line=one_line,
        key_points=tuple(s[:120] for s in lead[1:3]),
        action_items=(),
        extractive=True,
        model_version=f"extractive{f' ({reason})' if reason else ''}",
    )


def _strings(value: Any, limit: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())[:limit]


def _json_object(raw: str) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


_ECHOED_LABEL = re.compile(r"^\s*(?:(?:email|document) title|邮件标题|文件标题)\s*[:：]\s*", re.I)
_WORDS = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


def beyond_title(summary: Summary, title: str) -> Summary:
    """A one-line summary that says more than the title it was given.

    Asked for a subject-like line, a small model often copies the mail's
    subject, which the reader already sees; then the first key point (a fact
    from the text) becomes the line. An echoed prompt label is removed.
    """
    line = _ECHOED_LABEL.sub("", summary.one_line).strip() or summary.one_line
    said, titled = set(_WORDS.findall(line.lower())), set(_WORDS.findall(title.lower()))
    copied = bool(said) and len(said & titled) >= 0.8 * len(said)
    if copied and summary.key_points:
        return dataclasses.replace(
            summary, one_line=summary.key_points[0], key_points=summary.key_points[1:]
        )
    return dataclasses.replace(summary, one_line=line)


def parse_summary(raw: str, model_version: str) -> Summary | None:
    """Turn the model's JSON into a Summary; ``None`` if unusable."""
    data = _json_object(raw)
    if data is None:
        return None
    one_line = str(data.get("summary", "")).strip()
    if not one_line:
        return None
    return Summary(
        one_line=one_line,
        key_points=_strings(data.get("key_points"), 3),
        action_items=_strings(data.get("action_items"), 3),
        extractive=False,
        model_version=model_version,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Job:
    """One summary request, carried through the map and reduce steps."""

    title: str
    kind: ItemKind
    language: str
    cancel: threading.Event | None
    on_progress: Callable[[Progress], None] | None


class Summarizer:
    """Summaries from the LLM, with map-reduce for long texts and the extractive fallback.

    Args:
        generator: the LLM backend, or ``None`` when none could be loaded.
        load: builds the LLM on first use instead, on whichever thread first
            needs it, and gives it with the reason it is missing (``None`` and
            the reason when it could not be built). Loading takes seconds, and
            the thread that made the summarizer must not wait for it.
        unavailable_reason: shown in fallback summaries when ``generator`` is None.
        max_chunks: map at most this many parts of a long text (sampled evenly beyond).
        chunk_tokens: the size of one part; smaller when the context is smaller.
        reduce_tokens: the most notes one reduce call reads (default: what the context holds).
    """

    def __init__(
        self,
        generator: Generator | None,
        *,
        load: Callable[[], tuple[Generator | None, str]] | None = None,
        unavailable_reason: str = "",
        max_chunks: int = MAX_CHUNKS,
        chunk_tokens: int = CHUNK_TOKENS,
        reduce_tokens: int | None = None,
    ) -> None:
        self._generator = generator
        self._load = load
        self._load_lock = threading.Lock()
        self._unavailable = unavailable_reason or "no language model"
        self._max_chunks = max(1, max_chunks)
        self._chunk_tokens = chunk_tokens
        self._reduce_tokens = reduce_tokens

    @property
    def version(self) -> str:
        generator = self._model()
        return generator.info.version if generator else "extractive"

    def _model(self) -> Generator | None:
        """The LLM, built now by ``load`` if it is the first call."""
        if self._load is not None:
            with self._load_lock:
                if self._load is not None:
                    generator, reason = self._load()
                    self._generator = generator
                    self._unavailable = reason or self._unavailable
                    self._load = None
        return self._generator

    def summarize(
        self,
        title: str,
        text: str,
        *,
        kind: ItemKind,
        language: str,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        fields: Fields | None = None,
    ) -> Summary:
        """Summarize one item; never raises for model problems.

        Args:
            title: subject or document title.
            text: the item's full text (long texts go through map-reduce).
            kind: mail or document (chooses the prompt's wording).
            language: ``en``, ``zh`` or ``other``.
            on_token: receives the final summary's JSON as it is generated.
            cancel: set to stop between or within model calls.
            on_progress: told about each map step of a long text.
            fields: the item's deterministic fields, for the cross-check.
        """
        if not text.strip():
            return extractive_summary(title, title, reason="no text")
        if self._model() is None:
            return extractive_summary(title, text, reason=self._unavailable)
        job = _Job(title, kind, language, cancel, on_progress)
        try:
            summary = self._write(job, text, on_token)
        except _Cancelled:
            return extractive_summary(title, text, reason="cancelled")
        except Exception as error:  # noqa: BLE001 - any model failure falls back
            return extractive_summary(title, text, reason=f"model failed: {error}")
        if summary is None:
            return extractive_summary(title, text, reason="model gave no usable summary")
        checked = grounded(beyond_title(summary, title), f"{title}\n{text}", fields)
        if checked is None:
            return extractive_summary(title, text, reason="model changed a number or date")
        return checked

    # -- sizes ------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Tokens by the model's tokenizer; a safe estimate if it has none."""
        counter = getattr(self._model(), "count_tokens", None)
        if counter is None:
            return estimate_tokens(text)
        try:
            return int(counter(text))
        except Exception:  # noqa: BLE001 - a tokenizer problem must not lose the summary
            return estimate_tokens(text)

    def _room(self, language: str) -> int:
        """Tokens of text one call can take beside its prompt and its answer."""
        if self._model() is None:
            return self._chunk_tokens  # no model: only the extractive fallback runs
        assert self._generator is not None
        lang = "zh" if language == "zh" else "en"
        system = max(self.count_tokens(SYSTEM[lang]), self.count_tokens(MAP_SYSTEM[lang]))
        overhead = system + PROMPT_TOKENS
        answer = max(MAX_TOKENS, MAP_MAX_TOKENS)
        return max(64, self._generator.context_length - overhead - answer - MARGIN)

    def chunk_budget(self, language: str) -> int:
        """The size of one map part (and the most a one-pass text may be)."""
        return min(self._chunk_tokens, self._room(language))

    # -- passes -----------------------------------------------------------

    def _call(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        max_tokens: int,
        job: _Job,
        on_token: Callable[[str], None] | None = None,
    ) -> str:
        assert self._generator is not None
        if job.cancel is not None and job.cancel.is_set():
            raise _Cancelled
        result = self._generator.generate(
            messages, schema=schema, max_tokens=max_tokens, on_token=on_token, cancel=job.cancel
        )
        if result.cancelled:
            raise _Cancelled
        return result.text

    def _write(
        self, job: _Job, text: str, on_token: Callable[[str], None] | None
    ) -> Summary | None:
        assert self._generator is not None
        version = self._generator.info.version
        budget = self.chunk_budget(job.language)
        if self.count_tokens(text) <= budget:
            messages = build_messages(job.title, text, kind=job.kind, language=job.language)
            raw = self._call(messages, schema_for(job.language), MAX_TOKENS, job, on_token)
            return parse_summary(raw, version)
        chunks = split_chunks(text, budget, self.count_tokens)
        chosen, indices = sample_evenly(chunks, self._max_chunks)
        notes: list[str] = []
        if len(chosen) < len(chunks):
            notes.append(f"long text: read {len(chosen)} of {len(chunks)} parts, spread evenly")
        else:
            notes.append(f"long text: summarized from {len(chunks)} parts")
        partials = []
        for step, (index, chunk) in enumerate(zip(indices, chosen, strict=True)):
            self._report(job, step, len(chosen) + 1, f"reading part {index + 1} of {len(chunks)}")
            partials.append(self._notes(job, chunk, index + 1, len(chunks)))
        joined = self._fit(job, partials, depth=1)
        self._report(job, len(chosen), len(chosen) + 1, "writing the summary")
        messages = build_reduce_messages(
            job.title, joined, parts=len(chunks), kind=job.kind, language=job.language
        )
        raw = self._call(messages, schema_for(job.language), MAX_TOKENS, job, on_token)
        summary = parse_summary(raw, version)
        if summary is None:
            return None
        return dataclasses.replace(summary, notes=tuple(notes))

    def _notes(self, job: _Job, part: str, index: int, total: int) -> str:
        """The map step: one part's facts as text."""
        messages = build_map_messages(
            job.title, part, index=index, total=total, kind=job.kind, language=job.language
        )
        data = _json_object(self._call(messages, MAP_SCHEMA, MAP_MAX_TOKENS, job))
        notes = render_notes(data, language=job.language) if data is not None else ""
        # A part the model found nothing in (or answered badly) still counts:
        # its first sentences stand in for its notes.
        return notes or render_notes({"key_points": sentences(part)[:2]}, language=job.language)

    def _fit(self, job: _Job, partials: Sequence[str], *, depth: int) -> str:
        """The notes joined, reduced in groups (recursively) until one call can read them."""
        joined = "\n\n".join(p for p in partials if p)
        limit = self._reduce_tokens or self._room(job.language)
        if self.count_tokens(joined) <= limit:
            return joined
        size = min(limit, self.chunk_budget(job.language))
        groups = split_chunks(joined, size, self.count_tokens)
        if depth >= MAX_DEPTH or len(groups) >= len(partials):
            # No progress possible (or too deep): keep what fits.
            return split_chunks(joined, limit, self.count_tokens)[0]
        self._report(job, 0, len(groups), f"merging notes ({len(partials)} parts)")
        merged = [
            self._notes(job, group, index + 1, len(groups)) for index, group in enumerate(groups)
        ]
        return self._fit(job, merged, depth=depth + 1)

    @staticmethod
    def _report(job: _Job, done: int, total: int, message: str) -> None:
        if job.on_progress is not None:
            job.on_progress(Progress("summarize", done, total, message))
