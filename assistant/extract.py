"""Turn one document file into an ``Extracted``: text, title, format.

Dispatches on the file suffix. Every failure that belongs to the file (too
big, vanished, encrypted, scanned, corrupt, unsupported) is raised as
``ExtractionError`` with a reason fit to show on the item; pypdf and
python-docx are imported only when a PDF or DOCX is actually read. PDFs
without a text layer are OCRed (``assistant.ocr``) when tesseract is installed.
"""

from __future__ import annotations

import dataclasses
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import ocr
from assistant.charsets import decode_bytes
from assistant.errors import ExtractionError
from assistant.htmltext import html_title
from assistant.htmltext import html_to_text
from assistant.mailparse import parse_message
from assistant.office import check_inflated_size
from assistant.office import read_msg
from assistant.office import read_odt
from assistant.textclean import detect_language
from assistant.textclean import normalize_whitespace
from assistant.types import Extracted
from assistant.types import ItemKind

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_MAX_TITLE = 200
# Beyond their own error types, pypdf and python-docx let these escape on
# corrupt input (truncated streams, bad zip members, broken XML references).
_CORRUPT_FILE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    NotImplementedError,
    RecursionError,
    ArithmeticError,
    EOFError,
    struct.error,
    zlib.error,
    zipfile.BadZipFile,
    SyntaxError,  # lxml's XMLSyntaxError derives from it
)


def _first_line(text: str) -> str:
    for line in text.split("\n", 50)[:50]:
        if line.strip():
            return line.strip()[:_MAX_TITLE]
    return ""


def _clean_title(title: str) -> str:
    printable = "".join(ch if ch.isprintable() else " " for ch in title[: _MAX_TITLE * 2])
    return " ".join(printable.split())[:_MAX_TITLE]


def _document(path: Path, fmt: str, text: str, title: str = "", **extra: str) -> Extracted:
    text = normalize_whitespace(text)
    if not text:
        raise ExtractionError(f"no text found in {path.name}")
    return Extracted(
        kind=ItemKind.DOCUMENT,
        title=_clean_title(title) or path.name,
        text=text,
        metadata={"format": fmt, **extra},
        language=detect_language(text),
    )


def _plain(fmt: str) -> Callable[[bytes, Path], Extracted]:
    def read(data: bytes, path: Path) -> Extracted:
        return _document(path, fmt, decode_bytes(data))

    return read


def _markdown(data: bytes, path: Path) -> Extracted:
    text = decode_bytes(data)
    title = ""
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("# "):
            title = line[2:].strip().rstrip("#").strip()
            break
    return _document(path, "markdown", text, title)


def _html(data: bytes, path: Path) -> Extracted:
    declared = _META_CHARSET.search(data[:4096])
    source = decode_bytes(data, declared.group(1).decode("ascii") if declared else None)
    return _document(path, "html", html_to_text(source), html_title(source))


def _pdf_ocr(data: bytes, pages: int) -> str:
    """Text of a PDF without a text layer, by OCR when tesseract and pdftoppm are installed."""
    missing = ocr.missing_tools()
    if missing:
        # tesseract is the one users know to look for; pdftoppm ships with poppler-utils.
        tool = "tesseract" if ocr.TESSERACT in missing else "pdftoppm (poppler-utils)"
        raise ExtractionError(f"PDF has no text layer (scanned image?); install {tool} for OCR")
    text = normalize_whitespace(ocr.ocr_pdf(data, pages=pages))
    if not text:
        raise ExtractionError("PDF has no text layer (scanned image?) and OCR found no text")
    return text


def _pdf(data: bytes, path: Path) -> Extracted:
    from pypdf import PdfReader  # noqa: PLC0415 - slow import, only when a PDF shows up
    from pypdf.errors import PyPdfError  # noqa: PLC0415

    # Corrupt PDFs make pypdf raise far more than its own error types.
    errors = (PyPdfError, *_CORRUPT_FILE_ERRORS)

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except errors as exc:
        raise ExtractionError(f"unreadable PDF: {exc}") from exc
    if encrypted:
        # Owner-password-only PDFs (print/copy restrictions) open with "".
        try:
            opened = bool(reader.decrypt(""))
        except errors:  # unsupported algorithm or missing crypto backend
            opened = False
        if not opened:
            raise ExtractionError("PDF is encrypted")
    try:
        pages = list(reader.pages)
    except errors as exc:
        raise ExtractionError(f"unreadable PDF: {exc}") from exc
    texts: list[str] = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except errors:  # one broken content stream must not lose the other pages
            continue
    text = normalize_whitespace("\n\n".join(texts))
    extra = {"pages": str(len(pages))}
    if not text:
        text = _pdf_ocr(data, len(pages))
        extra["ocr"] = ocr.ENGINE
    try:
        title = str((reader.metadata and reader.metadata.title) or "")
    except errors:  # malformed info dictionary
        title = ""
    return _document(path, "pdf", text, title or _first_line(text), **extra)


def _docx_blocks(document: DocxDocument) -> list[str]:
    from docx.table import Table  # noqa: PLC0415 - see _docx

    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                if cells:
                    blocks.append(" | ".join(cells))
        else:
            blocks.append(block.text)
    return blocks


def _docx_heading(document: DocxDocument) -> str:
    for paragraph in document.paragraphs:
        style = getattr(paragraph.style, "name", "") or ""
        if style.startswith(("Heading", "Title")) and paragraph.text.strip():
            return str(paragraph.text)
    return ""


def _docx(data: bytes, path: Path) -> Extracted:
    import docx  # noqa: PLC0415 - slow import, only when a DOCX shows up
    from docx.opc.exceptions import OpcError  # noqa: PLC0415

    check_inflated_size(data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(_docx_blocks(document))
        title = document.core_properties.title or _docx_heading(document)
    except (OpcError, *_CORRUPT_FILE_ERRORS) as exc:
        raise ExtractionError(f"unreadable DOCX: {exc}") from exc
    return _document(path, "docx", text, title)


def _eml(data: bytes, path: Path) -> Extracted:
    extracted = parse_message(data)
    metadata = {**extracted.metadata, "format": "eml"}
    return dataclasses.replace(extracted, metadata=metadata)


_HANDLERS: dict[str, Callable[[bytes, Path], Extracted]] = {
    ".txt": _plain("text"),
    ".text": _plain("text"),
    ".log": _plain("log"),
    ".csv": _plain("csv"),
    ".md": _markdown,
    ".markdown": _markdown,
    ".html": _html,
    ".htm": _html,
    ".pdf": _pdf,
    ".docx": _docx,
    ".eml": _eml,
    ".msg": read_msg,
    ".odt": read_odt,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_HANDLERS)


def extract_file(path: Path, *, max_bytes: int = 50_000_000) -> Extracted:
    """Read one file and extract its text, title and metadata.

    Args:
        path: the file; its suffix (any case) picks the reader.
        max_bytes: larger files are refused without being read.

    Returns:
        An ``Extracted`` (kind ``DOCUMENT``, or ``MAIL`` for ``.eml``) with
        ``metadata["format"]`` set.

    Raises:
        ExtractionError: unsupported suffix, file too large, missing or
            unreadable, encrypted or image-only PDF, corrupt file, no text.
    """
    suffix = path.suffix.lower()
    handler = _HANDLERS.get(suffix)
    if handler is None:
        raise ExtractionError(f"unsupported format: {suffix or '(no suffix)'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ExtractionError(f"file too large: {size} bytes (limit {max_bytes})")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ExtractionError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew between stat and read
        raise ExtractionError(f"file too large: more than {max_bytes} bytes")
    return handler(data, path)


def extract_bytes(data: bytes, name: str, *, max_bytes: int = 50_000_000) -> Extracted:
    """Extract text from in-memory file content (a mail attachment), by its name's suffix.

    Raises:
        ExtractionError: unsupported suffix, too large, or unreadable content.
    """
    suffix = Path(name).suffix.lower()
    handler = _HANDLERS.get(suffix)
    if handler is None:
        raise ExtractionError(f"unsupported format: {suffix or '(no suffix)'}")
    if len(data) > max_bytes:
        raise ExtractionError(f"file too large: {len(data)} bytes (limit {max_bytes})")
    return handler(data, Path(name))
