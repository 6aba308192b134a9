"""Read the text of image-only PDF pages with the tesseract and pdftoppm programs.

Scans and many faxed or photographed documents are PDFs whose pages are
pictures with no text layer. When poppler's ``pdftoppm`` and ``tesseract``
are both on PATH, pages are rendered to PNG one at a time in a temporary
folder and read by tesseract, each step under a timeout, so one huge or
broken page cannot hang ingestion. Nothing is installed or downloaded here:
without the programs, ``missing_tools`` says which one to install.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.errors import ExtractionError

log = logging.getLogger(__name__)

TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"
ENGINE = "tesseract"  # what extract records in metadata["ocr"]
MAX_PAGES = 20  # 3-12 s a page on 2 cores (chi_sim is slow): a long scan would hold the io pool
RESOLUTION = 200  # dpi: tesseract wants >= ~150 for body text; 300 doubles the time for little gain
PAGE_TIMEOUT = 120.0  # seconds, for rendering one page and again for reading it
_LANGUAGES = ("eng", "chi_sim")  # English and simplified Chinese, as textclean detects
_LIST_TIMEOUT = 30.0
# chi_sim output puts a space between most Chinese words ("房屋 租赁 合同"),
# which Chinese text does not have; ideographs, CJK and fullwidth punctuation.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")


def missing_tools() -> list[str]:
    """The OCR programs not found on PATH (empty when OCR can run).

    Returns:
        ``"tesseract"`` and/or ``"pdftoppm"``, in that order.
    """
    return [name for name in (TESSERACT, PDFTOPPM) if shutil.which(name) is None]


@functools.lru_cache(maxsize=4)
def languages(tesseract: str) -> str:
    """The ``-l`` argument for this tesseract: ``eng+chi_sim``, or ``eng`` without chi_sim.

    Args:
        tesseract: path of the tesseract executable.

    Returns:
        The installed subset of English and simplified Chinese joined by ``+``;
        ``eng`` when the list cannot be read.
    """
    try:
        listing = subprocess.run(
            [tesseract, "--list-langs"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=_LIST_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "eng"
    # Tesseract 3 prints the list on stderr, 4 and later on stdout; line 1 is a heading.
    output = (listing.stdout + listing.stderr).decode("utf-8", errors="replace")
    installed = {line.strip() for line in output.splitlines()[1:]}
    chosen = [lang for lang in _LANGUAGES if lang in installed]
    return "+".join(chosen) if "eng" in chosen else "eng"


def _run(args: list[str], *, timeout: float) -> bytes:
    """Run one program; its stdout, or ``ExtractionError`` naming what went wrong."""
    name = Path(args[0]).name
    try:
        done = subprocess.run(
            args,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError(f"{name} timed out after {timeout:.0f} s") from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        message = detail[-1] if detail else f"exit status {exc.returncode}"
        raise ExtractionError(f"{name} failed: {message}") from exc
    except OSError as exc:
        raise ExtractionError(f"cannot run {name}: {exc.strerror or exc}") from exc
    return done.stdout


def ocr_pdf(
    data: bytes,
    *,
    pages: int,
    max_pages: int = MAX_PAGES,
    timeout: float = PAGE_TIMEOUT,
) -> str:
    """OCR the first pages of a PDF, page by page.

    A page that fails (timeout, crash) is skipped so that the others are
    still read, as for the text layer.

    Args:
        data: the PDF bytes.
        pages: how many pages the PDF has.
        max_pages: pages beyond this are not read.
        timeout: seconds allowed to render one page, and again to read it.

    Returns:
        The pages' text separated by blank lines; empty when the pages hold
        no legible text.

    Raises:
        ExtractionError: the programs are missing, or every page failed.
    """
    tesseract = shutil.which(TESSERACT)
    pdftoppm = shutil.which(PDFTOPPM)
    if tesseract is None or pdftoppm is None:
        raise ExtractionError(f"OCR needs {' and '.join(missing_tools())}")
    lang = languages(tesseract)
    texts: list[str] = []
    failures: list[str] = []
    dpi = str(RESOLUTION)
    with tempfile.TemporaryDirectory(prefix="sift-ocr-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        for number in range(1, min(pages, max_pages) + 1):
            stem = Path(folder) / f"page-{number}"
            image = stem.with_suffix(".png")
            page = str(number)
            render = [pdftoppm, "-r", dpi, "-png", "-singlefile", "-f", page, "-l", page]
            try:
                _run([*render, str(source), str(stem)], timeout=timeout)
                text = _run([tesseract, str(image), "stdout", "-l", lang], timeout=timeout)
            except ExtractionError as exc:
                log.warning("OCR of page %d skipped: %s", number, exc)
                failures.append(f"page {number}: {exc}")
                continue
            finally:
                image.unlink(missing_ok=True)
            # tesseract ends each page with a form feed.
            page_text = text.decode("utf-8", errors="replace").replace("\f", "\n")
            texts.append(_CJK_GAP.sub("", page_text).strip())
    if failures and not texts:
        raise ExtractionError(f"OCR failed ({failures[0]})")
    if pages > max_pages:
        log.info("OCR read the first %d of %d pages", max_pages, pages)
    return "\n\n".join(text for text in texts if text)
