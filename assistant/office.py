"""Outlook ``.msg`` messages and OpenDocument ``.odt`` text files.

``.msg`` is an OLE compound file read with extract-msg (imported only when a
``.msg`` shows up); ``.odt`` is a zip holding ``content.xml``, read with the
standard library. Both are guarded against archives that inflate far beyond
their size on disk.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from assistant.charsets import decode_bytes
from assistant.errors import ExtractionError
from assistant.htmltext import html_to_text
from assistant.mailparse import mail_extracted
from assistant.textclean import detect_language
from assistant.textclean import normalize_whitespace
from assistant.types import Extracted
from assistant.types import ItemKind

# An .odt's content.xml may inflate to at most this much: more is a zip bomb,
# or a document no person reads as text.
MAX_INFLATED = 64 * 1024 * 1024
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_BLOCKS = {f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"}
_TAB = f"{{{_TEXT_NS}}}tab"
_SPACE = f"{{{_TEXT_NS}}}s"
_BREAK = f"{{{_TEXT_NS}}}line-break"


def _inline_text(element: ElementTree.Element) -> str:
    """Text of one paragraph, with ODF's tab, space and line-break elements."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _SPACE:
            parts.append(" " * int(child.get(f"{{{_TEXT_NS}}}c", "1") or 1))
        elif child.tag == _BREAK:
            parts.append("\n")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def check_inflated_size(data: bytes, label: str) -> None:
    """Refuse a zip-based document whose members inflate beyond ``MAX_INFLATED``.

    Reads only the central directory: nothing is decompressed.

    Raises:
        ExtractionError: the archive would inflate too far (a zip bomb).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return  # not a zip: the format's own reader gives the precise error
    if total > MAX_INFLATED:
        raise ExtractionError(f"{label} inflates to {total} bytes (limit {MAX_INFLATED})")


def read_odt(data: bytes, path: Path) -> Extracted:
    """Paragraphs and headings of an OpenDocument text file.

    Raises:
        ExtractionError: not a zip, no ``content.xml``, too large inflated, bad XML.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > MAX_INFLATED:
                raise ExtractionError(
                    f"ODT content inflates to {info.file_size} bytes (limit {MAX_INFLATED})"
                )
            with archive.open(info) as handle:
                content = handle.read(MAX_INFLATED + 1)
    except KeyError as error:
        raise ExtractionError("ODT has no content.xml") from error
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ExtractionError(f"unreadable ODT: {error}") from error
    if len(content) > MAX_INFLATED:
        raise ExtractionError(f"ODT content inflates beyond {MAX_INFLATED} bytes")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise ExtractionError(f"unreadable ODT XML: {error}") from error
    blocks: list[str] = []
    title = ""
    for element in root.iter():
        if element.tag in _BLOCKS:
            line = _inline_text(element).strip()
            if line:
                blocks.append(line)
                if not title and element.tag == f"{{{_TEXT_NS}}}h":
                    title = line
    text = normalize_whitespace("\n".join(blocks))
    if not text:
        raise ExtractionError("ODT has no text")
    title = title or blocks[0][:200]
    return Extracted(
        kind=ItemKind.DOCUMENT,
        title=title,
        text=text,
        metadata={"format": "odt", "file_name": path.name},
        language=detect_language(f"{title}\n{text}"),
    )


def read_msg(data: bytes, path: Path) -> Extracted:
    """An Outlook message: headers, body (plain, else HTML), attachments.

    Raises:
        ExtractionError: not an OLE file, or not a message extract-msg can read.
    """
    if not data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError("not an Outlook .msg file (no OLE signature)")
    import extract_msg  # noqa: PLC0415 - heavy, only when a .msg shows up
    from extract_msg.exceptions import ExMsgBaseException  # noqa: PLC0415

    try:
        message = extract_msg.openMsg(data)
    except (ExMsgBaseException, OSError, ValueError, KeyError, TypeError) as error:
        raise ExtractionError(f"unreadable .msg: {error}") from error
    try:
        body = message.body or ""
        if not body.strip() and message.htmlBody:
            body = html_to_text(decode_bytes(message.htmlBody))
        metadata = {"format": "msg"}
        for key, value in (
            ("from", message.sender),
            ("to", message.to),
            ("cc", message.cc),
            ("message_id", (message.messageId or "").strip().strip("<>")),
            ("in_reply_to", (message.inReplyTo or "").strip().strip("<>")),
        ):
            if value:
                metadata[key] = str(value)
        if message.date is not None:
            metadata["date"] = message.date.isoformat()
        names = [a.longFilename or a.shortFilename or "" for a in message.attachments]
        if any(names):
            metadata["attachments"] = ", ".join(n for n in names if n)
        subject = str(message.subject or "").strip()
    except (ExMsgBaseException, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ExtractionError(f"unreadable .msg: {error}") from error
    finally:
        message.close()
    return mail_extracted(subject, normalize_whitespace(body), metadata)
