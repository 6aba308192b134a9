"""Tests for assistant.extract: one file in, Extracted or ExtractionError out."""

from __future__ import annotations

import io
import shutil
import subprocess
import zlib
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from pypdf import PdfWriter

from assistant.charsets import decode_bytes
from assistant.errors import ExtractionError
from assistant.extract import SUPPORTED_SUFFIXES
from assistant.extract import extract_file
from assistant.types import ItemKind

PDF_TEXT = "Quarterly report for the board"


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(content),
        ]
    )


def scanned_pdf(pdf: bytes, tmp_path: Path, *, dpi: int = 150) -> bytes:
    """Page 1 of ``pdf`` as a PDF that holds only a grey picture of it, like a scan.

    Needs ``pdftoppm`` (poppler-utils) on PATH.
    """
    source = tmp_path / "to-scan.pdf"
    source.write_bytes(pdf)
    stem = tmp_path / "scan"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-singlefile", str(source), str(stem)],
        check=True,
        timeout=60,
    )
    pgm = stem.with_suffix(".pgm").read_bytes()  # "P5 <width> <height> 255" + 8-bit pixels
    width, height = (int(token) for token in pgm.split()[1:3])
    pixels = pgm[-width * height :]
    points = (width * 72 / dpi, height * 72 / dpi)
    content = b"q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q" % points
    image = b"/Type /XObject /Subtype /Image /Width %d /Height %d " % (width, height)
    image += b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] " % points
            + b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            stream(content),
            stream(zlib.compress(pixels), image),
        ]
    )


def blank_pdf() -> bytes:
    """A one-page PDF with nothing on the page."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


OCR_TOOLS = pytest.mark.skipif(
    not (shutil.which("tesseract") and shutil.which("pdftoppm")),
    reason="tesseract and pdftoppm (poppler-utils) are not installed",
)


def encrypted_pdf(*, user_password: str) -> bytes:
    """``minimal_pdf`` re-written by pypdf with encryption."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(PDF_TEXT))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("会议通知".encode("gbk"), None, "会议通知"),
        ("王喆".encode("gbk"), "gb2312", "王喆"),
        ("王喆".encode("gbk"), "x-gbk", "王喆"),
        ("naïve café".encode("cp1252"), None, "naïve café"),
        ("naïve café".encode("cp1252"), "DEFAULT", "naïve café"),
        ("naïve café".encode("cp1252"), "us-ascii", "naïve café"),
        ("ok ✓".encode(), "iso-8859-1", "ok ✓"),
        ("报告".encode("utf-16"), None, "报告"),
        ("季度报告".encode()[:-1], None, "季度报"),
        (b"caf\xe9", "no-such-charset", "café"),
        (b"", None, ""),
    ],
)
def test_decode_bytes(data: bytes, declared: str | None, expected: str) -> None:
    """GIVEN bytes in GBK, cp1252, UTF-8 or UTF-16 with right, wrong, bogus or no labels
    (UTF-8 labelled iso-8859-1 among them)
    WHEN decoded through the fallback chain
    THEN the text comes out right (a character cut off at the end is dropped)."""
    assert decode_bytes(data, declared) == expected


def test_supported_suffixes() -> None:
    """GIVEN the module's suffix list
    WHEN inspected
    THEN every documented format is there."""
    expected = {".txt", ".text", ".log", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
    assert expected | {".eml", ".csv"} <= SUPPORTED_SUFFIXES


def test_text_file_with_gbk_bytes(tmp_path: Path) -> None:
    """GIVEN a .txt file in GBK with messy whitespace
    WHEN extracted
    THEN the text decodes, is normalised, and is titled by the file name."""
    path = write(
        tmp_path, "notes.TXT", "会议纪要：  \r\n\r\n\r\n\r\n下周一提交报告。".encode("gbk")
    )
    extracted = extract_file(path)
    assert extracted.kind is ItemKind.DOCUMENT
    assert extracted.text == "会议纪要：\n\n下周一提交报告。"
    assert extracted.title == "notes.TXT"
    assert extracted.metadata == {"format": "text"}
    assert extracted.language == "zh"


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    """GIVEN a Markdown file whose first "# " line follows a code fence with a comment
    WHEN extracted
    THEN the heading (not the fenced comment) is the title and the text is kept."""
    source = "```sh\n# not a title\n```\n\n# Release plan\n\nShip it on Monday."
    extracted = extract_file(write(tmp_path, "plan.md", source))
    assert extracted.title == "Release plan"
    assert extracted.text == source
    assert extracted.metadata["format"] == "markdown"


def test_html_file_with_meta_charset(tmp_path: Path) -> None:
    """GIVEN an HTML file in GBK that says so in a <meta> tag
    WHEN extracted
    THEN title and text decode, with scripts dropped."""
    page = (
        '<html><head><meta charset="gbk"><title>通知</title></head>'
        "<body><script>x()</script><p>明天放假。</p></body></html>"
    )
    extracted = extract_file(write(tmp_path, "page.htm", page.encode("gbk")))
    assert (extracted.title, extracted.text) == ("通知", "明天放假。")
    assert extracted.metadata["format"] == "html"


def test_csv_file(tmp_path: Path) -> None:
    """GIVEN a CSV file
    WHEN extracted
    THEN its decoded text is the document text."""
    extracted = extract_file(write(tmp_path, "t.csv", "name,amount\r\nrent,1200\r\n"))
    assert extracted.text == "name,amount\nrent,1200"
    assert extracted.metadata["format"] == "csv"


def test_pdf_text_and_pages(tmp_path: Path) -> None:
    """GIVEN a one-page PDF with a text layer and no title metadata
    WHEN extracted
    THEN its text comes out and the first line is the title."""
    extracted = extract_file(write(tmp_path, "report.pdf", minimal_pdf(PDF_TEXT)))
    assert extracted.text == PDF_TEXT
    assert extracted.title == PDF_TEXT
    assert extracted.metadata == {"format": "pdf", "pages": "1"}


def test_pdf_title_from_metadata(tmp_path: Path) -> None:
    """GIVEN a PDF whose info dictionary has a title
    WHEN extracted
    THEN that title is used."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(PDF_TEXT))))
    writer.add_metadata({"/Title": "Board pack Q3"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert extract_file(write(tmp_path, "r.pdf", buffer.getvalue())).title == "Board pack Q3"


def test_pdf_encrypted_raises(tmp_path: Path) -> None:
    """GIVEN a PDF that needs a user password
    WHEN extracted
    THEN ExtractionError says it is encrypted."""
    path = write(tmp_path, "secret.pdf", encrypted_pdf(user_password="s3cret"))
    with pytest.raises(ExtractionError, match="PDF is encrypted"):
        extract_file(path)


def test_pdf_owner_password_only_is_read(tmp_path: Path) -> None:
    """GIVEN a PDF encrypted only with an owner password (empty user password)
    WHEN extracted
    THEN it opens and its text is read."""
    path = write(tmp_path, "restricted.pdf", encrypted_pdf(user_password=""))
    assert extract_file(path).text == PDF_TEXT


def test_pdf_without_text_layer_and_no_ocr_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a PDF whose only page has no text (as a scan would) and no OCR programs
    WHEN extracted
    THEN ExtractionError says there is no text layer and to install tesseract."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ExtractionError) as caught:
        extract_file(write(tmp_path, "scan.pdf", blank_pdf()))
    assert str(caught.value) == (
        "PDF has no text layer (scanned image?); install tesseract for OCR"
    )


def test_pdf_without_text_layer_and_no_pdftoppm_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a PDF without a text layer, tesseract installed but not pdftoppm
    WHEN extracted
    THEN ExtractionError names pdftoppm as the program to install."""
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "pdftoppm" else "/x/" + name)
    with pytest.raises(ExtractionError, match=r"install pdftoppm \(poppler-utils\) for OCR"):
        extract_file(write(tmp_path, "scan.pdf", blank_pdf()))


@OCR_TOOLS
def test_scanned_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    """GIVEN a PDF whose page is only a picture of text, tesseract and pdftoppm installed
    WHEN extracted
    THEN the text is read by OCR and metadata says so."""
    scan = scanned_pdf(minimal_pdf(PDF_TEXT), tmp_path)
    extracted = extract_file(write(tmp_path, "scan.pdf", scan))
    assert "Quarterly report" in extracted.text
    assert extracted.metadata == {"format": "pdf", "pages": "1", "ocr": "tesseract"}


@OCR_TOOLS
def test_blank_pdf_with_ocr_raises(tmp_path: Path) -> None:
    """GIVEN a PDF with an empty page, tesseract and pdftoppm installed
    WHEN extracted
    THEN ExtractionError says OCR found no text."""
    with pytest.raises(
        ExtractionError, match=r"PDF has no text layer \(scanned image\?\) and OCR found no text"
    ):
        extract_file(write(tmp_path, "blank.pdf", blank_pdf()))


def test_pdf_corrupt_raises(tmp_path: Path) -> None:
    """GIVEN a file named .pdf that is not a PDF
    WHEN extracted
    THEN ExtractionError says the PDF is unreadable."""
    with pytest.raises(ExtractionError, match="unreadable PDF"):
        extract_file(write(tmp_path, "fake.pdf", b"this is not a pdf at all"))


def test_docx_paragraphs_tables_and_title(tmp_path: Path) -> None:
    """GIVEN a DOCX with a core title, a heading, a paragraph and a table
    WHEN extracted
    THEN paragraphs and table cells come out in order and the core title wins."""
    document = docx.Document()
    document.core_properties.title = "Budget 2025"
    document.add_heading("Overview", level=1)
    document.add_paragraph("Spending is on track.")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, [("Item", "Cost"), ("Rent", "1200")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("End of report.")
    path = tmp_path / "budget.docx"
    document.save(str(path))
    extracted = extract_file(path)
    assert extracted.title == "Budget 2025"
    assert extracted.text == (
        "Overview\nSpending is on track.\nItem | Cost\nRent | 1200\nEnd of report."
    )
    assert extracted.metadata == {"format": "docx"}


def test_docx_title_from_first_heading(tmp_path: Path) -> None:
    """GIVEN a DOCX without a core title
    WHEN extracted
    THEN its first heading is the title."""
    document = docx.Document()
    document.add_paragraph("Intro line.")
    document.add_heading("Travel policy", level=1)
    path = tmp_path / "policy.docx"
    document.save(str(path))
    assert extract_file(path).title == "Travel policy"


def test_docx_corrupt_raises(tmp_path: Path) -> None:
    """GIVEN a file named .docx that is not a zip package
    WHEN extracted
    THEN ExtractionError says the DOCX is unreadable."""
    with pytest.raises(ExtractionError, match="unreadable DOCX"):
        extract_file(write(tmp_path, "broken.docx", b"PK\x03\x04 truncated"))


def test_eml_file_is_mail(tmp_path: Path) -> None:
    """GIVEN an .eml file
    WHEN extracted
    THEN it is parsed as mail with format "eml"."""
    raw = b"Subject: Invoice\r\nMessage-ID: <i@x>\r\n\r\nPlease pay by Friday.\r\n"
    extracted = extract_file(write(tmp_path, "m.eml", raw))
    assert extracted.kind is ItemKind.MAIL
    assert extracted.title == "Invoice"
    assert extracted.metadata["format"] == "eml"
    assert extracted.metadata["message_id"] == "i@x"


def test_unsupported_suffix_raises(tmp_path: Path) -> None:
    """GIVEN a file with an unknown suffix
    WHEN extracted
    THEN ExtractionError names the suffix."""
    with pytest.raises(ExtractionError, match=r"^unsupported format: \.xyz$"):
        extract_file(write(tmp_path, "data.xyz", b"whatever"))


def test_too_large_file_raises(tmp_path: Path) -> None:
    """GIVEN a file larger than max_bytes
    WHEN extracted
    THEN ExtractionError says it is too large."""
    path = write(tmp_path, "big.txt", b"x" * 101)
    with pytest.raises(ExtractionError, match="too large"):
        extract_file(path, max_bytes=100)


def test_missing_file_raises(tmp_path: Path) -> None:
    """GIVEN a path that does not exist (a file that vanished)
    WHEN extracted
    THEN ExtractionError carries the OS reason."""
    with pytest.raises(ExtractionError, match="No such file or directory"):
        extract_file(tmp_path / "gone.txt")


def test_unreadable_path_raises(tmp_path: Path) -> None:
    """GIVEN a directory named like a text file
    WHEN extracted
    THEN ExtractionError carries the OS reason."""
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(ExtractionError, match="Is a directory"):
        extract_file(tmp_path / "folder.txt")


def test_empty_file_raises(tmp_path: Path) -> None:
    """GIVEN an empty text file
    WHEN extracted
    THEN ExtractionError says there is no text."""
    with pytest.raises(ExtractionError, match="no text found"):
        extract_file(write(tmp_path, "empty.txt", b""))
