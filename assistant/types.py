"""Typed values that cross layers: items, suggestions, feedback, progress.

Everything here is a frozen dataclass or an enum. Store rows are turned into
these at the edge of ``store.py``; the CLI, the GUI and scripts only ever see
these types, never dicts or database rows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import field

from assistant.fields import Fields


class ItemKind(enum.StrEnum):
    """What an item is: a mail message or a document file."""

    MAIL = "mail"
    DOCUMENT = "document"


class ItemState(enum.StrEnum):
    """Where an item stands in the pipeline."""

    PENDING = "pending"  # stored, waiting for classification / summary
    READY = "ready"  # classified and (if asked) summarized
    ERROR = "error"  # could not be read or processed; see Item.error
    GONE = "gone"  # its file was deleted; kept for the feedback that refers to it


class SuggestionKind(enum.StrEnum):
    """The actions Sift can suggest."""

    ARCHIVE = "archive"
    FILE_INTO = "file_into"
    FOLLOW_UP = "follow_up"
    REPLY_DRAFT = "reply_draft"
    MARK_JUNK = "mark_junk"
    CALENDAR_EVENT = "calendar_event"
    UNSUBSCRIBE = "unsubscribe"
    READ_LATER = "read_later"
    RECORD_BILL = "record_bill"
    RENAME = "rename"  # a document whose file name says nothing (scan0001.pdf)
    NOT_JUNK = "not_junk"  # wanted mail the filter put among junk


class SuggestionState(enum.StrEnum):
    """A suggestion's life: open until the user accepts or rejects it."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Verdict(enum.StrEnum):
    """Explicit feedback verdicts."""

    ACCEPT = "accept"
    REJECT = "reject"
    LABEL = "label"  # the user set an item's category
    JUNK = "junk"
    NOT_JUNK = "not_junk"
    DRAFT_AS_IS = "draft_as_is"  # a reply draft accepted without changes
    DRAFT_EDITED = "draft_edited"  # the user rewrote the draft first (correction: the text)
    FOLDER = "folder"  # the user chose another folder than suggested (correction: it)
    UNDONE = "undone"  # the user undid an accepted suggestion's action: that accept is void


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a mail, with a sanitised name."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Extracted:
    """Clean text and metadata pulled out of one file or message.

    Attributes:
        kind: mail or document.
        title: the subject of a mail, or a document's title / file name.
        text: the new text of the item (quoted replies and signatures removed
            for mail), whitespace normalised.
        metadata: string fields, for mail at least ``from``, ``to``, ``cc``,
            ``date`` (ISO 8601), ``message_id``, ``in_reply_to``,
            ``references``, ``list_unsubscribe`` when present; for documents
            ``format``.
        quoted: quoted reply text separated from ``text`` (kept, not lost).
        language: ``en``, ``zh`` or ``other``.
        attachments: a mail's attached files (each within the size limit).
    """

    kind: ItemKind
    title: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    quoted: str = ""
    language: str = "other"
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Category:
    """A triage category (mail) or document type (files), the user's to edit."""

    name: str
    description: str
    kind: ItemKind


@dataclass(frozen=True, slots=True)
class Prediction:
    """A classifier's answer for one item.

    Attributes:
        label: the chosen label, or ``None`` when the classifier abstains.
        confidence: probability of ``label`` (or of the best label when
            abstaining), in [0, 1].
        scores: every label's probability.
        clues: short human-readable reasons (nearest examples, key words).
        model_version: which model produced this.
    """

    label: str | None
    confidence: float
    scores: dict[str, float]
    clues: tuple[str, ...]
    model_version: str

    @property
    def unsure(self) -> bool:
        """True when the classifier abstained."""
        return self.label is None


@dataclass(frozen=True, slots=True)
class JunkVerdict:
    """The junk filter's answer for one item."""

    is_junk: bool | None  # None: unsure
    probability: float
    clues: tuple[str, ...]
    model_version: str


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary of one item.

    Attributes:
        one_line: a single-sentence summary.
        key_points: the main facts.
        action_items: what the reader is asked to do.
        extractive: True when the LLM was unavailable and the summary was
            built from the item's own sentences.
        model_version: the model that wrote it (``extractive`` otherwise).
        notes: how it was made, for the reader: parts of a long text that were
            skipped, details the cross-check dropped or flagged.
    """

    one_line: str
    key_points: tuple[str, ...] = ()
    action_items: tuple[str, ...] = ()
    extractive: bool = False
    model_version: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    """One mail or document as Sift knows it."""

    id: int
    kind: ItemKind
    source_path: str
    title: str
    text: str
    state: ItemState
    content_hash: str
    metadata: dict[str, str]
    language: str
    category: str | None
    confidence: float
    category_clues: tuple[str, ...]
    user_category: str | None
    is_junk: bool | None
    junk_probability: float
    junk_clues: tuple[str, ...]
    priority: float
    summary: Summary | None
    error: str | None
    created_at: str
    date: str = ""  # the mail's Date, else the file's modification time (ISO 8601)
    thread: str = ""  # items of one mail conversation share this key
    parent_id: int | None = None  # the mail an attachment item came from
    near_duplicate_of: int | None = None  # an earlier item with almost the same text
    fields: Fields | None = None  # dates, amounts, people, organisations, requests
    read: bool = False  # opened by the user (the GUI badges unread items)
    priority_reasons: tuple[str, ...] = ()  # the features that weighed most on ``priority``

    @property
    def summary_text(self) -> str:
        """The one-line summary, or an empty string."""
        return self.summary.one_line if self.summary else ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An action Sift proposes for an item, with its reason."""

    id: int
    item_id: int
    kind: SuggestionKind
    reason: str
    confidence: float
    model_version: str
    state: SuggestionState
    payload: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Feedback:
    """One explicit verdict with its provenance."""

    id: int
    item_id: int
    suggestion_id: int | None
    verdict: Verdict
    correction: str | None
    model_version: str
    input_hash: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Progress:
    """Progress of a long operation, reported through a callback."""

    stage: str
    done: int
    total: int
    message: str = ""


@dataclass(frozen=True, slots=True)
class TrainReport:
    """What ``Sift.train`` did.

    Attributes:
        task: ``category`` or ``junk``.
        trained_on: feedback examples used for training.
        held_out: examples kept aside for evaluation.
        old_accuracy / new_accuracy: held-out accuracy of the serving model
            and of the candidate.
        promoted: whether the candidate now serves.
        version: the version that serves after the call.
        reason: why it was (or was not) promoted.
    """

    task: str
    trained_on: int
    held_out: int
    old_accuracy: float | None
    new_accuracy: float | None
    promoted: bool
    version: str
    reason: str


# -- actions ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One action Sift carried out after an Accept, as logged.

    Attributes:
        id: the log entry's id (what ``Sift.undo`` takes).
        kind: the accepted suggestion's kind.
        item_id: the item acted on.
        suggestion_id: the accepted suggestion.
        summary: one line saying what was done.
        detail: what undo needs, as JSON-ready values (from/to paths,
            written files, row ids, a draft's text, a link to open).
        created_at: when it was done (UTC, ISO 8601).
        undone_at: when it was undone, or ``None``.
    """

    id: int
    kind: SuggestionKind
    item_id: int
    suggestion_id: int | None
    summary: str
    detail: dict[str, object]
    created_at: str
    undone_at: str | None = None

    @property
    def undone(self) -> bool:
        """True once the action was undone."""
        return self.undone_at is not None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A follow-up reminder: notify the user at ``due_at`` about an item."""

    id: int
    item_id: int
    due_at: str  # ISO 8601, local time without zone (as the user reads it)
    note: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Bill:
    """A bill or receipt the user asked Sift to record."""

    id: int
    item_id: int
    payee: str
    amount: float | None
    currency: str
    due: str  # ISO date or empty
    note: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ReadLaterEntry:
    """An item put on the read-later list."""

    id: int
    item_id: int
    title: str
    added_at: str


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """A file Sift moved into its own trash instead of deleting it."""

    id: int
    original_path: str
    trash_path: str
    reason: str
    trashed_at: str


# -- implicit signals and recommendations ----------------------------------


class SignalKind(enum.StrEnum):
    """Implicit signals: what the user did with an item, apart from explicit verdicts."""

    OPENED = "opened"  # the item was shown in full (marks it read)
    DWELL = "dwell"  # seconds the item stayed shown (value)
    DRAFT_USED = "draft_used"  # a reply draft was sent as written
    DRAFT_EDITED = "draft_edited"  # a reply draft was edited before use
    MOVED = "moved"  # the user moved or filed the item themselves
    SKIPPED = "skipped"  # shown in a list and passed over: it leaves read next


@dataclass(frozen=True, slots=True)
class ImplicitSignal:
    """One implicit signal with its provenance."""

    id: int
    item_id: int
    kind: SignalKind
    value: float
    model_version: str  # the category model of the item's prediction at the time
    created_at: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """An item to read next (or one related to another), with why.

    Attributes:
        item: the recommended item.
        score: the ranker's engagement probability (``read_next``) or the
            cosine similarity (``related``), in [0, 1] for the former.
        reason: a short human-readable reason.
    """

    item: Item
    score: float
    reason: str


# -- training --------------------------------------------------------------------


class Decision(enum.StrEnum):
    """What the promotion gate decided about a trained candidate."""

    PROMOTED = "promoted"  # it passed the held-out gate and served (or serves)
    REJECTED = "rejected"  # it measured worse than the serving model; not kept


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """One training round of one task, promoted or rejected, as ``sift models list`` shows it.

    Attributes:
        task: ``category`` (the head), ``encoder`` (a fine-tuned encoder), ``junk``
            (a junk-filter snapshot), ``reply`` (a LoRA of the LLM): see ``ModelKind``.
        version: ``head-v3``, ``encoder-v1``, ``junk-v2``...
        created_at: when the round ended (UTC, ISO 8601).
        decision: promoted or rejected by the gate.
        reason: the gate's comparison, with the numbers.
        active: whether this version serves now.
        path: the artefact folder under the models folder (None when rejected).
        embedder: the embedder version the artefact was trained on.
        trained_on: examples the candidate was trained on.
        held_out: examples of the time-ordered held-out slice.
        old_accuracy / new_accuracy: held-out accuracy of serving model and candidate.
        metrics: everything else measured (macro-F1, hyperparameters chosen, seconds).
        rolled_back_at: when the user rolled this version back, if ever.
    """

    task: str
    version: str
    created_at: str
    decision: Decision
    reason: str
    active: bool
    path: str | None
    embedder: str
    trained_on: int
    held_out: int
    old_accuracy: float | None
    new_accuracy: float | None
    metrics: dict[str, float | int | str] = field(default_factory=dict)
    rolled_back_at: str | None = None


# -- model versions of every kind (versions helper) -------------------------------


class ModelKind(enum.StrEnum):
    """The learned model kinds ``sift models list|rollback`` handles, by their task name."""

    HEAD = "category"  # the category head (``head-vN``)
    ENCODER = "encoder"  # a fine-tuned transformers encoder (``encoder-vN``)
    JUNK = "junk"  # a snapshot of the junk filter's token counts (``junk-vN``)
    REPLY = "reply"  # a LoRA adapter of the LLM that writes reply drafts (``reply-vN``)


@dataclass(frozen=True, slots=True)
class RollbackReport:
    """What ``Sift.rollback`` did.

    Attributes:
        kind: the model kind rolled back.
        version: the version that serves now (``base`` for the configured encoder).
        replaced: the version that served before.
        model: the version's row (None for the configured encoder, which has none).
        notes: what else changed, for the user: vectors restored or embedded
            again, the head that serves with an encoder, junk verdicts that
            the restored filter has not learned.
        not_learned: items whose junk verdict (kept on the item) the restored
            filter has not learned; marking one again teaches it.
    """

    kind: ModelKind
    version: str
    replaced: str | None
    model: ModelVersion | None
    notes: tuple[str, ...] = ()
    not_learned: tuple[int, ...] = ()
