"""Intake: turn one incoming file or message into stored items, exactly once.

Identity rules, in order:

* a mail is keyed by its Message-ID across every source (one message found in
  an mbox and as an .eml is one item);
* otherwise by its source key (a file path, or a mailbox position);
* identical content is merged by hash; near-identical content is stored but
  flagged (``near_duplicate_of``).

A mail's attachments that Sift can read become child items (``parent_id``),
and replies join their conversation (``thread_key``, from References /
In-Reply-To). Anything that cannot be read becomes an error item with its
reason; nothing raises out of here for a bad input.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from assistant.errors import ExtractionError
from assistant.extract import SUPPORTED_SUFFIXES
from assistant.extract import extract_bytes
from assistant.neardup import MAX_DISTANCE
from assistant.neardup import bands
from assistant.neardup import distance
from assistant.neardup import from_bands
from assistant.neardup import simhash
from assistant.sources import Incoming
from assistant.store import Store
from assistant.store import now
from assistant.types import Extracted
from assistant.types import ItemKind
from assistant.types import ItemState

log = logging.getLogger(__name__)

MAIL_SUFFIXES = frozenset({".eml", ".mbox", ".mbx", ".msg"})


def content_hash(extracted: Extracted) -> str:
    """Identity of an item's content, for merging exact duplicates.

    A document's title is left out: it often is just the file name, and a
    renamed file is the same document.
    """
    digest = hashlib.sha256()
    title = extracted.title if extracted.kind == ItemKind.MAIL else ""
    for part in (extracted.kind, title, extracted.text, extracted.quoted):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def thread_key(metadata: dict[str, str], fallback: str) -> str:
    """The conversation a mail belongs to: the root of its References chain.

    Every reply carries the thread's first Message-ID first in References, so
    this needs no lookup and does not depend on the order mail arrives in.
    """
    references = metadata.get("references", "").split()
    if references:
        return references[0]
    return metadata.get("in_reply_to") or metadata.get("message_id") or fallback


def _moved(old_path: str) -> bool:
    """True when an item's recorded file is no longer where it was."""
    if "#" in old_path or not old_path:
        return False  # a message inside a mailbox: its identity is its Message-ID
    return not Path(old_path).exists()


class Intake:
    """Stores incoming items in the database.

    Args:
        store: the database.
        max_bytes: size limit for attachments read as items.
    """

    def __init__(self, store: Store, *, max_bytes: int) -> None:
        self._store = store
        self._max_bytes = max_bytes

    def store(self, entry: Incoming | tuple[str, str]) -> int:
        """Store one incoming entry (or a listing error); returns the item id."""
        if isinstance(entry, tuple):
            key, reason = entry
            return self.store_error(f"error:{key}", key, reason, now())
        try:
            extracted = entry.load()
        except ExtractionError as error:
            return self.store_error(
                entry.source_key, entry.source_path, str(error), entry.item_date
            )
        except Exception as error:
            log.exception("unexpected failure reading %s", entry.source_path)
            reason = f"unexpected error: {type(error).__name__}: {error}"
            return self.store_error(entry.source_key, entry.source_path, reason, entry.item_date)
        return self.store_extracted(
            extracted,
            source_key=entry.source_key,
            source_path=entry.source_path,
            item_date=entry.item_date,
        )

    def store_extracted(
        self,
        extracted: Extracted,
        *,
        source_key: str,
        source_path: str,
        item_date: str,
        parent_id: int | None = None,
    ) -> int:
        """Store extracted content, merging it with what is already known."""
        message_id = extracted.metadata.get("message_id")
        key = f"msgid:{message_id}" if message_id else source_key
        digest = content_hash(extracted)
        existing = self._store.find_item(source_key=key, content_hash=digest)
        if existing is None and key != source_key:
            # Read before under its file key (e.g. an .eml that failed earlier).
            existing = self._store.find_item(source_key=source_key, content_hash="")
        if existing is not None:
            current = self._store.item(existing)
            if current.source_path != source_path and _moved(current.source_path):
                # Renamed or moved: the same item at a new place, not a new item
                # (and nothing to summarize again).
                self._store.update_item(
                    existing,
                    source_path=source_path,
                    source_key=key,
                    state=str(
                        current.state if current.state != ItemState.GONE else ItemState.READY
                    ),
                )
            elif current.state == ItemState.GONE:
                self._store.requeue(existing)  # the file came back
            elif current.content_hash != digest and current.source_path == source_path:
                # The same file, edited: take the new text and process it again.
                self._store.update_item(
                    existing,
                    title=extracted.title,
                    text=extracted.text,
                    quoted=extracted.quoted,
                    content_hash=digest,
                )
                self._store.requeue(existing)
            return existing
        # As for the content hash, a document's title (often its file name) is no content.
        title = extracted.title if extracted.kind == ItemKind.MAIL else ""
        fingerprint = simhash(f"{title}\n{extracted.text}")
        record: dict[str, object] = {
            "source_key": key,
            "kind": str(extracted.kind),
            "source_path": source_path,
            "title": extracted.title,
            "text": extracted.text,
            "quoted": extracted.quoted,
            "metadata": json.dumps(extracted.metadata, ensure_ascii=False),
            "language": extracted.language,
            "content_hash": digest,
            "item_date": extracted.metadata.get("date") or item_date,
            "state": str(ItemState.PENDING),
            "parent_id": parent_id,
        }
        if extracted.kind == ItemKind.MAIL:
            record["thread_key"] = thread_key(extracted.metadata, key)
        if fingerprint is not None:
            record["near_duplicate_of"] = self._near_duplicate(fingerprint, str(extracted.kind))
            for band, value in enumerate(bands(fingerprint)):
                record[f"simhash{band}"] = value
        item_id = self._store.insert_item(record)
        self._store_attachments(extracted, item_id, key, source_path, item_date)
        return item_id

    def _near_duplicate(self, fingerprint: int, kind: str) -> int | None:
        for item_id, values in self._store.simhash_candidates(bands(fingerprint), kind):
            if distance(fingerprint, from_bands(values)) <= MAX_DISTANCE:
                return item_id
        return None

    def _store_attachments(
        self,
        extracted: Extracted,
        parent_id: int,
        parent_key: str,
        source_path: str,
        item_date: str,
    ) -> None:
        for index, attachment in enumerate(extracted.attachments):
            if Path(attachment.name).suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            key = f"{parent_key}/attachment/{index}"
            path = f"{source_path}#{attachment.name}"
            try:
                child = extract_bytes(attachment.data, attachment.name, max_bytes=self._max_bytes)
            except ExtractionError as error:
                self.store_error(key, path, str(error), item_date, parent_id=parent_id)
                continue
            self.store_extracted(
                child, source_key=key, source_path=path, item_date=item_date, parent_id=parent_id
            )

    def store_error(
        self,
        key: str,
        source_path: str,
        reason: str,
        item_date: str,
        *,
        parent_id: int | None = None,
    ) -> int:
        """Store (or update) an item in the error state with its reason."""
        existing = self._store.find_item(source_key=key, content_hash="")
        if existing is not None:
            self._store.update_item(existing, error=reason, state=str(ItemState.ERROR))
            return existing
        suffix = Path(source_path.split("#", 1)[0]).suffix.lower()
        kind = ItemKind.MAIL if suffix in MAIL_SUFFIXES and parent_id is None else ItemKind.DOCUMENT
        return self._store.insert_item(
            {
                "source_key": key,
                "kind": str(kind),
                "source_path": source_path,
                "title": Path(source_path).name,
                "text": "",
                "metadata": "{}",
                "content_hash": "",
                "item_date": item_date,
                "state": str(ItemState.ERROR),
                "error": reason,
                "parent_id": parent_id,
            }
        )
