"""Outlook .msg and OpenDocument .odt readers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.errors import ExtractionError
from assistant.extract import extract_file
from assistant.office import MAX_INFLATED
from assistant.types import ItemKind
from tests.conftest import SHARED_DATA

CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
<office:body><office:text>
<text:h text:outline-level="1">Quarterly report</text:h>
<text:p>Revenue grew<text:s text:c="2"/>8%.<text:tab/>Costs flat.</text:p>
<text:p>第二段：<text:span>费用</text:span>持平。</text:p>
</office:text></office:body></office:document-content>"""


def _odt(path: Path, content: str = CONTENT) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return path


def test_odt_paragraphs_headings_and_inline_elements(tmp_path: Path) -> None:
    extracted = extract_file(_odt(tmp_path / "report.odt"))
    assert extracted.kind == ItemKind.DOCUMENT
    assert extracted.title == "Quarterly report"
    assert "Revenue grew  8%.\tCosts flat." in extracted.text
    assert "第二段：费用持平。" in extracted.text
    assert extracted.metadata["format"] == "odt"


def test_odt_zip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.odt"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"<a>" + b" " * (MAX_INFLATED + 10) + b"</a>")
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ExtractionError, match="inflates"):
        extract_file(path)


def test_odt_without_content_or_not_a_zip(tmp_path: Path) -> None:
    empty = tmp_path / "empty.odt"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("mimetype", "x")
    with pytest.raises(ExtractionError, match=r"content\.xml"):
        extract_file(empty)
    junk = tmp_path / "junk.odt"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ExtractionError, match="unreadable ODT"):
        extract_file(junk)


def test_msg_without_ole_signature_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.msg"
    path.write_bytes(b"From: a@example.com\n\nplain text pretending")
    with pytest.raises(ExtractionError, match="OLE"):
        extract_file(path)


def test_real_outlook_msg_from_the_corpus(tmp_path: Path) -> None:
    """GIVEN the Outlook message in the mime_torture corpus WHEN read THEN headers and body."""
    archive = SHARED_DATA / "mime_torture.tar.gz"
    if not archive.is_file():
        pytest.skip("../shared/data/mime_torture.tar.gz is absent")
    import tarfile

    with tarfile.open(archive) as tar:
        member = tar.extractfile("mime_torture/mail_parser/mail_outlook_1")
        assert member is not None
        path = tmp_path / "outlook.msg"
        path.write_bytes(member.read())
    extracted = extract_file(path)
    assert extracted.kind == ItemKind.MAIL
    assert extracted.title.startswith("Newsletter Prüfung Personalwesen")
    assert extracted.metadata["message_id"] == "20170918100018.6AE0948009C@www.w-vwa.de"
    assert extracted.metadata["date"].startswith("2017-09-18")
    assert "newsletter.png" in extracted.metadata["attachments"]
    assert "Newsletter" in extracted.text


def test_docx_zip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (MAX_INFLATED + 10))
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ExtractionError, match="inflates"):
        extract_file(path)
