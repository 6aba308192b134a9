"""Builders for test mail: .eml bytes, mbox files and Maildirs."""

from __future__ import annotations

import mailbox
from datetime import UTC
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path


def make_mail(
    subject: str,
    body: str,
    *,
    sender: str = "Dana Lee <dana@example.com>",
    to: str = "Alex Chen <alex.chen@example.com>",
    message_id: str | None = None,
    day: int = 20,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A simple text/plain message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, day, 9, 30, tzinfo=UTC))
    if message_id:
        message["Message-ID"] = f"<{message_id}>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return bytes(message)


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in messages:
        box.add(raw)
    box.close()
    return path
