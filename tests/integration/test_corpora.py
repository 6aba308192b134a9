"""Mail parsing and document extraction on real corpora from ``../shared/data``.

Each test unpacks one tarball into ``tmp_path`` and skips when it is absent
(see ``/work/shared/data/README.md`` and each set's own README). The sets
are read, never copied into the repository. Counts go to stdout (``-s``).
"""

from __future__ import annotations

import codecs
import csv
import email
import re
import shutil
import tarfile
import zipfile
from email import policy
from pathlib import Path

import pytest

from assistant.errors import ExtractionError
from assistant.extract import extract_file
from assistant.mailparse import parse_message
from tests.assistant.test_extract import OCR_TOOLS
from tests.assistant.test_extract import scanned_pdf
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.slow

# A Content-Type header (with its folded lines) anywhere in the raw bytes:
# the message's own and those of its parts, found or not by the parser.
_CONTENT_TYPE = re.compile(rb"^content-type:[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE)
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([^\"';\s]+)", re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CJK_RUN = re.compile("[\u4e00-\u9fff]{4,}")


def unpack(name: str, tmp_path: Path) -> Path:
    """Unpack ``<name>.tar.gz`` from the shared data folder; its top folder."""
    tarball = SHARED_DATA / f"{name}.tar.gz"
    if not tarball.exists():
        pytest.skip(f"corpus not available: {tarball}")
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / name


def listed(root: Path) -> list[Path]:
    """The files named in the set's ``split.csv``, in its order."""
    with (root / "split.csv").open(newline="", encoding="utf-8") as handle:
        return [root / row["id"] for row in csv.DictReader(handle)]


def bogus_charsets(raw: bytes) -> set[str]:
    """Charset labels in the message's Content-Type headers that Python has no codec for."""
    labels = {
        found.group(1).decode("latin-1")
        for header in _CONTENT_TYPE.finditer(raw)
        for found in _CHARSET.finditer(header.group(0))
    }
    bogus = set()
    for label in labels:
        try:
            codecs.lookup(label)
        except LookupError:
            bogus.add(label)
    return bogus


def test_spamassassin_bogus_charsets_still_give_a_body(tmp_path: Path) -> None:
    """GIVEN the SpamAssassin messages whose Content-Type declares a charset no codec
    knows (DEFAULT, DEFAULT_CHARSET, unknown-8bit, ...)
    WHEN each is parsed
    THEN each has a non-empty body."""
    root = unpack("spamassassin", tmp_path)
    found: dict[str, set[str]] = {}
    for path in listed(root):
        raw = path.read_bytes()
        labels = bogus_charsets(raw)
        if not labels:
            continue
        found[path.name] = labels
        extracted = parse_message(raw)
        assert extracted.text.strip(), (path.name, labels)
    print(f"spamassassin: {len(found)} messages with bogus charsets: {found}")
    assert found, "no bogus charset found: has the corpus changed?"


def test_chinese_multiparts_without_parts_give_raw_payload(tmp_path: Path) -> None:
    """GIVEN CCERT messages declaring multipart/* whose boundary never occurs, so
    that the parser finds no parts
    WHEN each is parsed
    THEN its text comes from the raw payload: non-empty, and holding the payload's
    Chinese wherever the payload has some."""
    root = unpack("chinese_spam_ccert", tmp_path)
    files = listed(root)
    broken = with_chinese = 0
    for path in files:
        raw = path.read_bytes()
        msg = email.message_from_bytes(raw, policy=policy.default)
        if msg.get_content_maintype() != "multipart":
            continue
        if msg.is_multipart() and msg.get_payload():
            continue  # parts found: not this trap
        broken += 1
        extracted = parse_message(raw)
        read = f"{extracted.text}\n{extracted.quoted}"  # forwards end up in quoted
        assert read.strip(), path
        # Independent reading of the payload: the corpus is GB2312/GBK throughout.
        end = _HEADER_END.search(raw)
        payload = raw[end.end() :] if end else b""
        runs = _CJK_RUN.findall(payload.decode("gb18030", errors="replace"))
        if runs:
            with_chinese += 1
            assert runs[0] in read, (path, runs[0])
    print(
        f"chinese_spam_ccert: {broken} of {len(files)} messages are multiparts without parts, "
        f"{with_chinese} of them with Chinese text"
    )
    assert broken > len(files) // 10
    assert with_chinese > broken * 9 // 10


# Reasons the docs_pdf_docx README documents, by file (relative to the set).
ENCRYPTED = {"pdf/005-libreoffice-writer-password/libreoffice-writer-password.pdf"}
IMAGE_ONLY = {
    "pdf/007-imagemagick-images/imagemagick-ASCII85Decode.pdf",
    "pdf/007-imagemagick-images/imagemagick-CCITTFaxDecode.pdf",
    "pdf/007-imagemagick-images/imagemagick-lzw.pdf",
    "pdf/019-grayscale-image/grayscale-image.pdf",
    "pdf/023-cmyk-image/cmyk-image.pdf",
}
BROKEN = {"pdf/017-unreadable-meta-data/unreadablemetadata.pdf"}
NO_OCR = "PDF has no text layer (scanned image?); install tesseract for OCR"


def docx_has_text(path: Path) -> bool:
    """Whether the DOCX body has any text run (read without python-docx)."""
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml")
    return re.search(rb"<w:t(?:\s[^>]*)?>[^<]*\S", body) is not None


def test_documents_give_text_or_a_clear_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the PDF, ODT and DOCX files of docs_pdf_docx, with OCR unavailable
    WHEN each is extracted
    THEN each gives text, or ExtractionError with the reason the README leads to
    expect: encrypted, image-only (install tesseract), unreadable, or an empty DOCX."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    root = unpack("docs_pdf_docx", tmp_path)
    reasons: dict[str, str] = {}
    read = 0
    for path in listed(root):
        name = path.relative_to(root).as_posix()
        try:
            extracted = extract_file(path)
        except ExtractionError as exc:
            reasons[name] = str(exc)
            continue
        assert extracted.text.strip(), name
        assert name not in ENCRYPTED | IMAGE_ONLY | BROKEN, name
        read += 1
    for name in ENCRYPTED:
        assert reasons.pop(name) == "PDF is encrypted"
    for name in IMAGE_ONLY:
        assert reasons.pop(name) == NO_OCR
    for name in BROKEN:
        assert reasons.pop(name).startswith("unreadable PDF: ")
    for name, reason in reasons.items():  # what is left: DOCX files with an empty body
        assert name.endswith(".docx"), (name, reason)
        assert reason == f"no text found in {Path(name).name}"
        assert not docx_has_text(root / name), name
    print(f"docs_pdf_docx: {read} files read; {len(reasons)} empty DOCX; errors as documented")


@OCR_TOOLS
def test_scans_are_read_by_ocr(tmp_path: Path) -> None:
    """GIVEN a scan (page picture only) of the set's minimal PDF, and its image-only PDFs,
    with tesseract and pdftoppm installed
    WHEN extracted
    THEN the scan's words come back through OCR; the image-only PDFs (pictures with
    no writing) give text or say that OCR found none."""
    root = unpack("docs_pdf_docx", tmp_path / "data")
    original = root / "pdf" / "001-trivial" / "minimal-document.pdf"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(original.read_bytes(), tmp_path))
    extracted = extract_file(scan)
    assert extracted.metadata["ocr"] == "tesseract"
    words = set(re.findall(r"[a-z]{4,}", extract_file(original).text.lower()))
    recognised = set(re.findall(r"[a-z]{4,}", extracted.text.lower()))
    assert len(words & recognised) >= 0.8 * len(words), sorted(words - recognised)
    for name in sorted(IMAGE_ONLY):
        try:
            assert extract_file(root / name).text.strip()
        except ExtractionError as exc:
            assert str(exc) == "PDF has no text layer (scanned image?) and OCR found no text"
