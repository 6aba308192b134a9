"""A reply draft written by the real default LLM, through Accept, saved as an .eml."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from assistant import Sift
from assistant.actions.drafts import in_language
from assistant.settings import Settings
from assistant.types import SuggestionKind
from models.base import Generator
from models.fake import FakeEmbedder
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

pytestmark = pytest.mark.integration

MAIL = (
    "Hi Alex, could you send me the revised Q2 budget before Thursday's review? "
    "I need the travel line in particular. Thanks, Dana"
)


def test_real_llm_reply_draft(real_generator: Generator, tmp_path: Path) -> None:
    """GIVEN one English question WHEN its reply draft is accepted THEN the model wrote an
    English reply (not the template) and it is the body of a valid .eml reply."""
    sift = Sift(
        tmp_path / "home",
        embedder=FakeEmbedder(),
        generator=real_generator,
        settings=Settings(summarize=False),
    )
    try:
        mbox = write_mbox(tmp_path / "in.mbox", [make_mail("Q2 budget", MAIL, message_id="d@x")])
        [item] = sift.ingest([mbox], summarize=False)
        record = sift.accept_action(offer(sift, item.id, SuggestionKind.REPLY_DRAFT))
        assert record.detail["written_by"] == real_generator.info.version
        text = str(record.detail["text"])
        assert 10 < len(text) <= 600 and in_language(text, "en")
        assert not text.lower().startswith(("hi alex", "dear alex", "hello alex"))
        message = email.message_from_bytes(
            Path(str(record.detail["path"])).read_bytes(), policy=policy.default
        )
        assert message["Subject"] == "Re: Q2 budget" and message["In-Reply-To"] == "<d@x>"
        assert message.get_content().strip() == text.strip()  # type: ignore[attr-defined]
    finally:
        sift.store.close()  # the session's model stays open for the other tests
