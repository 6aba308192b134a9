"""Plain text from HTML with the standard library only.

The parser keeps what a reader would see: paragraphs and table rows become
lines, list items get a "- " prefix, link text stays (URLs are never fetched),
and scripts, styles and the document head are dropped.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from assistant.textclean import normalize_whitespace

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "object"})
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre"}
    | {"hr", "address", "figure", "section", "article", "header", "footer", "aside", "nav"}
    | {"main", "form", "fieldset", "center"}
)
_LINE = frozenset({"div", "br", "tr", "dt", "dd", "caption", "figcaption", "thead", "tbody"})
_CELL = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r" {2,}")
# Inside <pre>, spaces are kept by swapping them for a control character that
# the final line trimming leaves alone, then swapping back.
_KEPT_SPACE = "\x01"
# A "<" with no ">" before the next "<" can never close. CPython < 3.13.5
# (gh-135462) rescans to the end of input for each such "<" at EOF: quadratic.
_UNCLOSED = re.compile(r"<(?=[^<>]*(?:<|\Z))")
_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")


class _TextParser(HTMLParser):
    """Collects visible text as a list of pieces with explicit line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            # An unclosed <head> or <title> must not swallow the whole body.
            self._skip_depth = 0
        elif tag in _SKIP:
            self._skip_depth += 1
        elif tag == "li":
            self.pieces.append("\n- ")
        elif tag in _PARAGRAPH:
            self.pieces.append("\n\n")
        elif tag in _LINE:
            self.pieces.append("\n")
        elif tag in _CELL:
            self.pieces.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and alt.strip() and not self._skip_depth:
                self.pieces.append(f" {alt.strip()} ")
        if tag == "pre":
            self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return  # <script/> opens nothing
        self.handle_starttag(tag, attrs)
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _PARAGRAPH:
            self.pieces.append("\n\n")
        elif tag in _LINE:
            self.pieces.append("\n")
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        data = data.replace(_KEPT_SPACE, "")
        if self._pre_depth:
            self.pieces.append(data.replace(" ", _KEPT_SPACE).replace("\t", _KEPT_SPACE * 4))
        else:
            self.pieces.append(_WHITESPACE.sub(" ", data))


def _strip_comments(source: str) -> str:
    """Remove ``<!-- ... -->`` comments in one linear pass (unclosed: to the end)."""
    pieces: list[str] = []
    position = 0
    while (start := source.find("<!--", position)) >= 0:
        pieces.append(source[position:start])
        end = source.find("-->", start + 4)
        if end < 0:
            return "".join(pieces)
        position = end + 3
    pieces.append(source[position:])
    return "".join(pieces)


def _defuse(source: str) -> str:
    """Drop comments and escape never-closing "<" so parsing stays linear."""
    return _UNCLOSED.sub("&lt;", _strip_comments(source))


def html_to_text(html_source: str) -> str:
    """Convert an HTML document or fragment to readable plain text.

    Args:
        html_source: the HTML, already decoded to a string.

    Returns:
        The visible text, one block per line, whitespace normalised. Broken
        HTML gives whatever could be read before the parser gave up.
    """
    parser = _TextParser()
    try:
        parser.feed(_defuse(html_source))
        parser.close()
    except (AssertionError, ValueError, IndexError):
        # html.parser has raised on some malformed markup in past Python
        # versions; keep the text gathered so far.
        pass
    lines = "".join(parser.pieces).split("\n")
    text = "\n".join(_SPACES.sub(" ", line.strip(" ")).replace(_KEPT_SPACE, " ") for line in lines)
    return normalize_whitespace(text)


def html_title(html_source: str) -> str:
    """The text of a document's ``<title>``, or an empty string.

    Args:
        html_source: the HTML, already decoded to a string.

    Returns:
        The title with entities decoded and whitespace collapsed.
    """
    opening = _TITLE_OPEN.search(html_source)
    if opening is None:
        return ""
    closing = _TITLE_CLOSE.search(html_source, opening.end())
    end = closing.start() if closing else min(len(html_source), opening.end() + 500)
    raw = _TAG.sub(" ", html_source[opening.end() : end])
    return " ".join(html.unescape(raw).split())
