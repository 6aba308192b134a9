"""Map-reduce on the real default LLM: a document longer than one part."""

from __future__ import annotations

import re

import pytest

from assistant.summarize import Summarizer
from assistant.types import ItemKind
from assistant.types import Progress
from models.base import Generator

pytestmark = pytest.mark.integration

PARAGRAPHS = (
    "Facilities update for the Rotterdam office, written by Hannah Vos for the whole team.",
    "The heating in the east wing failed twice in October. The landlord has agreed to replace "
    "the boiler, and the work is scheduled for the week of 17 November. During those days the "
    "east wing will be closed and desks move to the second floor.",
    "The new badge readers are installed at both entrances. Everyone must collect a new badge "
    "from reception before 28 November; the old badges stop working on that date.",
    "Cleaning moves from evenings to early mornings from December. The contractor, Schoon BV, "
    "asked that desks be cleared every Friday so that they can be cleaned properly.",
    "The budget for the kitchen renovation was approved at EUR 18,500. The kitchen will be "
    "closed from 8 to 12 December; coffee will be available in the meeting room on the ground "
    "floor during that week.",
    "Parking: the garage contract ends on 31 December. Twelve spaces will remain, assigned by "
    "lottery. Anyone who needs a space for medical reasons should write to Hannah by Friday.",
    "Fire drill: the annual drill takes place on 4 December at 10:00. Please leave by the "
    "nearest exit and gather at the bicycle shed. Floor wardens are listed on the intranet.",
)
DOCUMENT = "\n\n".join(PARAGRAPHS * 3)


def test_long_document_is_mapped_and_reduced(real_generator: Generator) -> None:
    summarizer = Summarizer(real_generator, chunk_tokens=250, max_chunks=3)
    assert summarizer.count_tokens(DOCUMENT) > 3 * 250
    progress: list[Progress] = []
    pieces: list[str] = []
    summary = summarizer.summarize(
        "Office facilities update",
        DOCUMENT,
        kind=ItemKind.DOCUMENT,
        language="en",
        on_token=pieces.append,
        on_progress=progress.append,
    )
    assert not summary.extractive, summary.model_version
    assert summary.notes[0].startswith("long text: read 3 of ")
    assert [p.done for p in progress] == [0, 1, 2, 3]
    assert '"summary"' in "".join(pieces)
    assert 0 < len(summary.one_line) <= 80
    # Whatever it says, every figure it kept is in the document.
    text = " ".join((summary.one_line, *summary.key_points, *summary.action_items))
    for number in re.findall(r"\d+", text):
        assert number in DOCUMENT
