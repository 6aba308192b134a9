"""Tests for assistant.ocr, with stand-in tesseract and pdftoppm scripts.

The scripts log their arguments, so these tests check the page loop, the
language choice and the timeout without the real programs; the real ones
are exercised in test_extract.py and tests/integration/test_corpora.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from assistant import ocr
from assistant.errors import ExtractionError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stand-in tools are sh scripts")

FAKE_PDFTOPPM = """#!/bin/sh
{delay}
if [ "$6" = "{broken_page}" ]; then echo "Syntax Error: broken page" >&2; exit 99; fi
echo "$@" >> "{log}"
for arg; do last="$arg"; done
: > "$last.png"
"""
FAKE_TESSERACT = """#!/bin/sh
if [ "$1" = "--list-langs" ]; then
    printf 'List of available languages in "/usr/share/tessdata/" (3):\\n{langs}'
    exit 0
fi
echo "$@" >> "{log}"
printf '{text}\\f' "$(basename "$1" .png)"
"""


def install_tools(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    langs: str = "eng\\nosd\\n",
    delay: str = "",
    broken_page: int = 0,
    text: str = "text of %s",
) -> Path:
    """Put stand-in tesseract and pdftoppm first on PATH; returns the call log."""
    folder.mkdir()
    log = folder / "calls.log"
    for name, script in (
        ("pdftoppm", FAKE_PDFTOPPM.format(log=log, delay=delay, broken_page=broken_page)),
        ("tesseract", FAKE_TESSERACT.format(log=log, langs=langs, text=text)),
    ):
        path = folder / name
        path.write_text(script)
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    ocr.languages.cache_clear()
    return log


def test_missing_tools_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN neither program on PATH
    WHEN asked what is missing
    THEN both are named, and ocr_pdf refuses with the same names."""
    monkeypatch.setenv("PATH", "")
    assert ocr.missing_tools() == ["tesseract", "pdftoppm"]
    with pytest.raises(ExtractionError, match="OCR needs tesseract and pdftoppm"):
        ocr.ocr_pdf(b"%PDF", pages=1)


def test_pages_read_in_order_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a 5-page PDF and a limit of 2 pages
    WHEN OCRed
    THEN pages 1 and 2 are rendered at 200 dpi one at a time and read, in order."""
    log = install_tools(tmp_path / "bin", monkeypatch)
    text = ocr.ocr_pdf(b"%PDF", pages=5, max_pages=2)
    assert text == "text of page-1\n\ntext of page-2"
    calls = log.read_text().splitlines()
    assert len(calls) == 4
    assert calls[0].startswith("-r 200 -png -singlefile -f 1 -l 1 ")
    assert calls[1].endswith("page-1.png stdout -l eng")
    assert calls[2].startswith("-r 200 -png -singlefile -f 2 -l 2 ")


def test_chinese_added_when_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a tesseract that lists chi_sim traineddata
    WHEN a page is OCRed
    THEN it reads English and simplified Chinese."""
    log = install_tools(tmp_path / "bin", monkeypatch, langs="chi_sim\\neng\\nosd\\n")
    ocr.ocr_pdf(b"%PDF", pages=1)
    assert log.read_text().splitlines()[1].endswith("stdout -l eng+chi_sim")


def test_page_timeout_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a pdftoppm that hangs
    WHEN OCRed with a short timeout
    THEN ExtractionError says which program timed out on which page."""
    install_tools(tmp_path / "bin", monkeypatch, delay="exec sleep 5")
    with pytest.raises(ExtractionError, match=r"OCR failed \(page 1: pdftoppm timed out"):
        ocr.ocr_pdf(b"%PDF", pages=1, timeout=0.2)


def test_broken_page_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a 3-page PDF whose page 2 pdftoppm cannot render
    WHEN OCRed
    THEN pages 1 and 3 are read and the skipped page is logged with pdftoppm's message."""
    install_tools(tmp_path / "bin", monkeypatch, broken_page=2)
    assert ocr.ocr_pdf(b"%PDF", pages=3) == "text of page-1\n\ntext of page-3"
    assert "OCR of page 2 skipped: pdftoppm failed: Syntax Error: broken page" in caplog.text


def test_spaces_between_chinese_characters_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN tesseract output with spaces between Chinese words, as chi_sim gives
    WHEN a page is OCRed
    THEN those spaces are dropped and the ones next to Latin text kept."""
    install_tools(tmp_path / "bin", monkeypatch, text="房屋 租赁 合同 ， 编号 : ZL 2026 %s")
    assert ocr.ocr_pdf(b"%PDF", pages=1) == "房屋租赁合同，编号 : ZL 2026 page-1"
