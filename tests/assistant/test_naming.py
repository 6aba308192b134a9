"""Counter-like file names, names built from content, and the rename / not-junk rules."""

from __future__ import annotations

import pytest

from assistant.actions.moves import folder_parts
from assistant.actions.moves import maildir_folder
from assistant.errors import UserError
from assistant.fields import Amount
from assistant.fields import Fields
from assistant.fields import FoundDate
from assistant.naming import content_name
from assistant.naming import sanitize_name
from assistant.naming import uninformative
from assistant.suggest import suggest
from assistant.types import ItemKind
from assistant.types import JunkVerdict
from assistant.types import Prediction
from assistant.types import SuggestionKind


@pytest.mark.parametrize(
    "name",
    ["scan0001.pdf", "IMG_1234.jpg", "document(3).pdf", "Document (3).pdf", "DSC_0001.JPG",
     "Untitled.docx", "001.pdf", "scan_2.pdf", "PXL_20230101_123456.jpg", "扫描001.pdf"],
)  # fmt: skip
def test_counter_names_are_uninformative(name: str) -> None:
    assert uninformative(name)


@pytest.mark.parametrize(
    "name", ["invoice-acme.pdf", "report 2025.pdf", "notes.txt", "a.pdf", "Lease 2024.docx"]
)
def test_real_names_are_kept(name: str) -> None:
    assert not uninformative(name)


def test_content_name_is_date_type_and_sender_with_the_old_suffix() -> None:
    fields = Fields(
        dates=(FoundDate("14 March 2026", "2026-03-14T00:00:00", deadline=False),),
        amounts=(Amount("$12", 12.0, "USD"),),
        organisations=("ACME Corp",),
    )
    name = content_name(
        file_name="scan0001.PDF", label="invoice", text="", fields=fields, date="2026-05-01"
    )
    assert name == "2026-03-14 Invoice ACME Corp.pdf"


def test_content_name_needs_more_than_a_date() -> None:
    assert (
        content_name(file_name="scan1.pdf", label=None, text="", fields=None, date="2026-05-01")
        is None
    )
    named = content_name(
        file_name="scan1.pdf", label=None, text="Lease agreement / flat 3", fields=None, date=""
    )
    assert named == "Lease agreement flat.pdf"


def _prediction(label: str | None) -> Prediction:
    return Prediction(label, 0.9, {}, (), "m")


def test_rename_rule_only_for_counter_names() -> None:
    common = {
        "kind": ItemKind.DOCUMENT,
        "title": "t",
        "text": "ACME Corp invoice",
        "metadata": {},
        "category": _prediction("invoice"),
        "junk": JunkVerdict(None, 0.0, (), "j"),
        "fields": Fields(organisations=("ACME Corp",)),
        "date": "2026-03-14T10:00:00",
    }
    kinds = {d.kind: d for d in suggest(**common, file_name="scan0001.pdf")}
    assert kinds[SuggestionKind.RENAME].payload["name"] == "2026-03-14 Invoice ACME Corp.pdf"
    assert SuggestionKind.RENAME not in {d.kind for d in suggest(**common, file_name="acme.pdf")}


def test_unsure_junk_also_offers_not_junk() -> None:
    def kinds(probability: float) -> list[SuggestionKind]:
        drafts = suggest(
            kind=ItemKind.MAIL,
            title="t",
            text="x",
            metadata={},
            category=_prediction(None),
            junk=JunkVerdict(True, probability, ("prize",), "j"),
        )
        return [d.kind for d in drafts]

    assert kinds(0.6) == [SuggestionKind.MARK_JUNK, SuggestionKind.NOT_JUNK]
    assert kinds(0.99) == [SuggestionKind.MARK_JUNK]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),
        ("COM1.pdf", "COM1_.pdf"),
        ("lpt9.tar.gz", "lpt9_.tar.gz"),
        ("Aux ", "Aux_"),
        ("console.txt", "console.txt"),
        ("CONTRACT.pdf", "CONTRACT.pdf"),
        ("a/b:c*.pdf", "a b c .pdf"),
        ("  ..  ", "item"),
    ],
)
def test_sanitize_name_is_safe_on_every_platform(name: str, safe: str) -> None:
    assert sanitize_name(name) == safe


@pytest.mark.parametrize(
    "folder", ["", "/etc", "/", "C:/Users", "c:evil", "\\\\server\\share", "~", "~bob/x",
               "..", "a/../b", "...", "Finance/ . "],
)  # fmt: skip
def test_folder_names_that_leave_the_place_they_go_are_refused(folder: str) -> None:
    with pytest.raises(UserError, match="not a usable folder name"):
        folder_parts(folder)


@pytest.mark.parametrize(
    ("folder", "parts", "maildir"),
    [
        ("Documents/Invoices", ["Documents", "Invoices"], ".Documents.Invoices"),
        ("Projects\\v1.2", ["Projects", "v1.2"], ".Projects.v1_2"),
        ("nul", ["nul_"], ".nul_"),
        ("a~b", ["a~b"], ".a~b"),
    ],
)
def test_folder_parts_and_their_maildir_name(folder: str, parts: list[str], maildir: str) -> None:
    assert folder_parts(folder) == parts
    assert maildir_folder(parts) == maildir
