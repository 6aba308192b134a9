"""Tests for assistant.mailparse: raw messages in, Extracted out, never a crash."""

from __future__ import annotations

import base64
import csv
import tarfile
from pathlib import Path

import pytest

from assistant.errors import ExtractionError
from assistant.mailparse import NO_SUBJECT
from assistant.mailparse import message_id_of
from assistant.mailparse import parse_message
from assistant.types import ItemKind

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# "喆" and "镕" exist in GBK but not in GB2312: mail labelled gb2312 really is GBK.
GBK_TEXT = "王喆先生：朱镕基的讲话稿已经发给您了，请查收。"


def mail(headers: str, body: bytes = b"") -> bytes:
    """A raw message from header lines (newline separated) and a body."""
    head = headers.strip().replace("\n", "\r\n").encode("ascii")
    return head + b"\r\n\r\n" + body


def test_plain_message_text_title_and_kind() -> None:
    """GIVEN a simple text/plain message
    WHEN parsed
    THEN the subject is the title, the body the text, and the kind MAIL."""
    extracted = parse_message(
        mail("Subject: Lunch on Friday\nContent-Type: text/plain", b"Shall we meet at noon?\r\n")
    )
    assert extracted.kind is ItemKind.MAIL
    assert extracted.title == "Lunch on Friday"
    assert extracted.text == "Shall we meet at noon?"
    assert extracted.metadata["content_type"] == "text/plain"
    assert extracted.language == "en"


def test_metadata_fields() -> None:
    """GIVEN a message with address, date, id, threading and unsubscribe headers
    WHEN parsed
    THEN each is in metadata as a string, ids without angle brackets."""
    raw = mail(
        "From: =?utf-8?q?J=C3=BCrgen?= <j@example.com>\n"
        "To: a@example.com, b@example.com\n"
        "Cc: c@example.com\n"
        "Date: Mon, 06 Jan 2025 09:14:00 +0100\n"
        "Message-ID: <abc@example.com>\n"
        "In-Reply-To: <parent@example.com>\n"
        "References: <root@example.com>\n <parent@example.com>\n"
        "List-Unsubscribe: <mailto:leave@example.com>,\n <https://example.com/u>\n"
        "Subject: hi",
        b"body",
    )
    meta = parse_message(raw).metadata
    assert meta["from"] == "Jürgen <j@example.com>"
    assert meta["to"] == "a@example.com, b@example.com"
    assert meta["cc"] == "c@example.com"
    assert meta["date"] == "2025-01-06T09:14:00+01:00"
    assert meta["message_id"] == "abc@example.com"
    assert meta["in_reply_to"] == "parent@example.com"
    assert meta["references"] == "root@example.com parent@example.com"
    assert meta["list_unsubscribe"] == "<mailto:leave@example.com>, <https://example.com/u>"


def test_absent_and_unparseable_headers_are_omitted() -> None:
    """GIVEN no Cc/threading headers and a garbage Date
    WHEN parsed
    THEN those keys are absent and the title falls back to "(no subject)"."""
    extracted = parse_message(mail("From: a@example.com\nDate: the day after tomorrow", b"x"))
    assert extracted.title == NO_SUBJECT
    assert not {"cc", "date", "message_id", "in_reply_to", "references"} & set(extracted.metadata)


def test_multipart_alternative_prefers_plain() -> None:
    """GIVEN multipart/alternative with text and HTML versions
    WHEN parsed
    THEN the plain version is used."""
    raw = mail(
        'Subject: alt\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b1"',
        b"--b1\r\nContent-Type: text/plain\r\n\r\nPlain version\r\n"
        b"--b1\r\nContent-Type: text/html\r\n\r\n<p>HTML <b>version</b></p>\r\n--b1--\r\n",
    )
    extracted = parse_message(raw)
    assert extracted.text == "Plain version"
    assert extracted.metadata["content_type"] == "multipart/alternative"


def test_html_only_converted_to_text() -> None:
    """GIVEN an HTML-only message with a style block and a list
    WHEN parsed
    THEN the text is the visible text of the HTML."""
    raw = mail(
        "Subject: news\nContent-Type: text/html; charset=utf-8",
        b"<html><head><style>p{}</style></head><body><p>Hello &amp; welcome</p>"
        b"<ul><li>one</li><li>two</li></ul></body></html>",
    )
    assert parse_message(raw).text == "Hello & welcome\n\n- one\n- two"


@pytest.mark.parametrize("charset", ["gb2312", "DEFAULT", "x-gbk", "unknown-8bit"])
def test_gbk_body_with_any_declared_charset(charset: str) -> None:
    """GIVEN an 8-bit GBK body labelled gb2312, DEFAULT, x-gbk or unknown-8bit
    WHEN parsed
    THEN the Chinese text decodes correctly and is detected as zh."""
    raw = mail(
        f"Subject: test\nContent-Type: text/plain; charset={charset}\n"
        "Content-Transfer-Encoding: 8bit",
        GBK_TEXT.encode("gbk"),
    )
    extracted = parse_message(raw)
    assert extracted.text == GBK_TEXT
    assert extracted.language == "zh"


def test_rfc2047_chinese_subject() -> None:
    """GIVEN a base64 gb2312 encoded-word subject
    WHEN parsed
    THEN the subject is decoded."""
    word = base64.b64encode("会议通知".encode("gb2312")).decode("ascii")
    extracted = parse_message(mail(f"Subject: =?gb2312?B?{word}?=", b"x"))
    assert extracted.title == "会议通知"


def test_rfc2047_character_split_across_words() -> None:
    """GIVEN a UTF-8 subject whose encoded words split a character's bytes
    WHEN parsed
    THEN the words are joined before decoding and the text is intact."""
    data = "季度报告".encode()
    first = base64.b64encode(data[:4]).decode("ascii")
    second = base64.b64encode(data[4:]).decode("ascii")
    raw = mail(f"Subject: =?UTF-8?B?{first}?=\n =?UTF-8?B?{second}?=", b"x")
    assert parse_message(raw).title == "季度报告"


def test_malformed_encoded_word_left_as_is() -> None:
    """GIVEN a subject with a broken base64 encoded word
    WHEN parsed
    THEN nothing is raised and the word is kept as written."""
    raw = mail("Subject: Hello =?utf-8?B?###?= world", b"x")
    assert parse_message(raw).title == "Hello =?utf-8?B?###?= world"


def test_raw_utf8_header() -> None:
    """GIVEN an unencoded UTF-8 subject (RFC 6532 or just careless)
    WHEN parsed
    THEN it decodes as UTF-8."""
    raw = b"Subject: Gr\xc3\xbc\xc3\x9fe aus M\xc3\xbcnchen\r\n\r\nbody"
    assert parse_message(raw).title == "Grüße aus München"


def test_multipart_without_parts_uses_raw_payload() -> None:
    """GIVEN a multipart that declares a boundary which never occurs
    WHEN parsed
    THEN the text of its raw payload is used."""
    raw = mail(
        'Subject: =?gb2312?B?suLK1A==?=\nContent-Type: multipart/alternative; boundary="nope"',
        GBK_TEXT.encode("gbk") + b"\r\n",
    )
    extracted = parse_message(raw)
    assert extracted.text == GBK_TEXT
    assert extracted.title == "测试"


def test_mislabelled_base64_body_read_raw() -> None:
    """GIVEN an 8-bit body that claims Content-Transfer-Encoding base64
    WHEN parsed
    THEN the raw text is used instead of base64 garbage."""
    raw = mail(
        "Subject: x\nContent-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: base64",
        GBK_TEXT.encode("gbk"),
    )
    assert parse_message(raw).text == GBK_TEXT


def test_quoted_reply_and_signature_separated() -> None:
    """GIVEN a reply with a signature and a quoted original
    WHEN parsed
    THEN text, quoted and metadata["signature"] each hold their part."""
    body = (
        b"Friday is fine.\r\n\r\n-- \r\nBob Jones\r\n\r\n"
        b"On Mon, Jan 6, 2025 at 9:14 AM Alice <alice@example.com> wrote:\r\n"
        b"> Is Friday fine?\r\n"
    )
    extracted = parse_message(mail("Subject: Re: Friday", body))
    assert extracted.text == "Friday is fine."
    assert extracted.quoted.endswith("> Is Friday fine?")
    assert extracted.metadata["signature"] == "Bob Jones"


def test_chinese_reply_attribution() -> None:
    """GIVEN a Chinese reply with a "写道：" attribution
    WHEN parsed
    THEN the original is quoted and the new text is Chinese."""
    body = "好的，明天上午十点见。\n\n在 2025年1月6日 09:14，张三 写道：\n> 明天开会吗？\n"
    extracted = parse_message(
        mail("Subject: Re: meeting\nContent-Type: text/plain; charset=utf-8", body.encode())
    )
    assert extracted.text == "好的，明天上午十点见。"
    assert extracted.quoted.startswith("在 2025年1月6日")
    assert extracted.language == "zh"


def test_bare_forward_keeps_quoted_text_as_text() -> None:
    """GIVEN a body that is nothing but an "-----Original Message-----" block
    WHEN parsed
    THEN that block is the text (there is nothing else to read)."""
    body = b"-----Original Message-----\r\nFrom: Bob\r\nSent: Monday\r\nTo: Al\r\n\r\nThe plan."
    extracted = parse_message(mail("Subject: FW: plan", body))
    assert extracted.text.endswith("The plan.")
    assert extracted.quoted == ""


def test_attachments_listed_and_sanitized() -> None:
    """GIVEN a message with a text body and two attachments, one with a path
    and an encoded name
    WHEN parsed
    THEN both names are listed, without directories or commas, and the body
    ignores the text attachment."""
    name = base64.b64encode("报告.pdf".encode()).decode("ascii")
    raw = mail(
        'Subject: files\nContent-Type: multipart/mixed; boundary="m"',
        b"--m\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b'--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="notes.txt"'
        b"\r\n\r\nnot the body\r\n"
        b"--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
        b' filename="=?utf-8?B?' + name.encode() + b'?="\r\nContent-Transfer-Encoding: base64'
        b"\r\n\r\nJVBERi0=\r\n"
        b'--m\r\nContent-Type: image/png; name="C:\\\\tmp\\\\a,b.png"\r\n\r\nxx\r\n--m--\r\n',
    )
    extracted = parse_message(raw)
    assert extracted.text == "See attached."
    assert extracted.metadata["attachments"] == "notes.txt, 报告.pdf, a_b.png"


def test_empty_input_raises() -> None:
    """GIVEN empty or whitespace-only bytes
    WHEN parsed
    THEN ExtractionError says the message is empty."""
    with pytest.raises(ExtractionError, match="empty"):
        parse_message(b" \r\n ")


def test_binary_input_raises() -> None:
    """GIVEN binary data that is not a message (a PNG)
    WHEN parsed
    THEN ExtractionError says it is not a mail message."""
    with pytest.raises(ExtractionError, match="not a mail message"):
        parse_message(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")


def test_nothing_to_read_raises() -> None:
    """GIVEN headers with no subject, an empty body and no attachments
    WHEN parsed
    THEN ExtractionError says there is nothing to read."""
    with pytest.raises(ExtractionError, match="no subject, text or attachments"):
        parse_message(mail("From: a@example.com", b"\r\n"))


def test_message_id_of() -> None:
    """GIVEN messages with a folded Message-ID, a lower-case one and none
    WHEN their id is asked for cheaply
    THEN the id comes back without brackets, or None."""
    assert message_id_of(mail("Subject: x\nMessage-ID:\n <id-1@example.com>", b"b")) == (
        "id-1@example.com"
    )
    assert message_id_of(b"message-id: <id-2@x>\n\nMessage-ID: <in-body@x>") == "id-2@x"
    assert message_id_of(mail("Subject: x", b"Message-ID: <in-body@x>")) is None


def _corpus_files(root: Path) -> list[Path]:
    with (root / "split.csv").open(newline="", encoding="utf-8") as handle:
        return [root / row["id"] for row in csv.DictReader(handle)]


def test_mime_torture_corpus(tmp_path: Path) -> None:
    """GIVEN the mime_torture corpus of malformed messages from parser test suites
    WHEN every file listed in its split.csv is parsed
    THEN nothing but ExtractionError escapes, and each gives readable text or a
    title, or an ExtractionError with a reason."""
    tarball = DATA_DIR / "mime_torture.tar.gz"
    if not tarball.exists():
        pytest.skip(f"corpus not available: {tarball}")
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path, filter="data")
    files = _corpus_files(tmp_path / "mime_torture")
    assert len(files) >= 200
    readable = failed = 0
    for path in files:
        try:
            extracted = parse_message(path.read_bytes())
        except ExtractionError as exc:
            assert str(exc), path
            failed += 1
            continue
        assert extracted.text or extracted.title != NO_SUBJECT, path
        readable += 1
    assert readable > failed
