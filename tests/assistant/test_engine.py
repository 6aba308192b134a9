"""The engine end to end with fake models: ingest, dedupe, errors, feedback, training."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Sift
from assistant.errors import NotFoundError
from assistant.errors import UserError
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import Verdict
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_maildir
from tests.helpers.mail import write_mbox

INVOICE = "Invoice 2041 attached. Amount due: $120.00, payment due on December 5. Thank you."
MEETING = "The project meeting moves to Friday 3pm in room 4B. Agenda attached."


def test_ingest_mbox_maildir_eml_and_folder(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN mail in every supported container WHEN ingested THEN each becomes one ready item."""
    mbox = write_mbox(tmp_path / "in.mbox", [make_mail("Invoice", INVOICE, message_id="a@x")])
    maildir = write_maildir(tmp_path / "Maildir", [make_mail("Meeting", MEETING, message_id="b@x")])
    eml = tmp_path / "loose.eml"
    eml.write_bytes(make_mail("Hello", "Are you free for lunch?", message_id="c@x"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("Notes from the weekly sync.\nDecisions: ship it.")
    items = fake_sift.ingest([mbox, maildir, eml, docs], summarize=True)
    assert [i.title for i in items] == ["Invoice", "Meeting", "Hello", "notes.txt"]
    assert all(i.state == ItemState.READY for i in items)
    assert items[0].kind == ItemKind.MAIL and items[3].kind == ItemKind.DOCUMENT
    assert all(i.summary is not None for i in items)
    assert all(fake_sift.suggestions(i.id) for i in items)


def test_ingest_twice_and_across_sources_never_duplicates(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN the same message in an mbox and as .eml WHEN both are ingested twice THEN one item."""
    raw = make_mail("Invoice", INVOICE, message_id="same@x")
    mbox = write_mbox(tmp_path / "in.mbox", [raw])
    eml = tmp_path / "copy.eml"
    eml.write_bytes(raw)
    fake_sift.ingest([mbox, eml], summarize=False)
    fake_sift.ingest([mbox, eml], summarize=False)
    assert len(fake_sift.items()) == 1


def test_broken_input_becomes_an_error_item_and_the_rest_survive(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN a folder with a corrupt PDF WHEN ingested THEN it is an error item with a reason."""
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "good.txt").write_text("All good here.")
    items = fake_sift.ingest([tmp_path], summarize=False)
    by_title = {i.title: i for i in items}
    assert by_title["bad.pdf"].state == ItemState.ERROR
    assert by_title["bad.pdf"].error
    assert by_title["good.txt"].state == ItemState.READY


def test_missing_path_is_reported_not_raised(fake_sift: Sift, tmp_path: Path) -> None:
    items = fake_sift.ingest([tmp_path / "nope"], summarize=False)
    assert items[0].state == ItemState.ERROR
    assert "no such file" in (items[0].error or "")


def test_queue_survives_restart(tmp_path: Path) -> None:
    """GIVEN items stored but not processed WHEN a new Sift opens THEN it finishes them."""
    home = tmp_path / "home"
    mbox = write_mbox(
        tmp_path / "in.mbox", [make_mail(f"m{i}", INVOICE + str(i)) for i in range(5)]
    )
    first = Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator())
    first.ingest([mbox], process=False)  # stored and queued, as if the app quit here
    assert first.store.job_count() == 5
    first.close()
    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as second:
        assert second.process() == 5
        assert second.store.job_count() == 0
        assert {i.state for i in second.items()} == {ItemState.READY}


def test_accept_records_feedback_with_provenance(fake_sift: Sift, tmp_path: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(make_mail("Project meeting", MEETING))
    item = fake_sift.ingest([eml], summarize=False)[0]
    suggestion = fake_sift.suggestions(item.id)[0]
    accepted = fake_sift.accept(suggestion.id)
    assert accepted.state == SuggestionState.ACCEPTED
    feedback = fake_sift.store.feedback(item.id)
    assert feedback[0].verdict == Verdict.ACCEPT
    assert feedback[0].suggestion_id == suggestion.id
    assert feedback[0].model_version == suggestion.model_version
    assert feedback[0].input_hash == item.content_hash
    with pytest.raises(UserError):
        fake_sift.accept(suggestion.id)


def test_reject_with_correction_labels_the_item(fake_sift: Sift, tmp_path: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(make_mail("Project meeting", MEETING))
    item = fake_sift.ingest([eml], summarize=False)[0]
    suggestion = fake_sift.suggestions(item.id)[0]
    fake_sift.reject(suggestion.id, correct="personal")
    assert fake_sift.item(item.id).category == "personal"
    verdicts = [f.verdict for f in fake_sift.store.feedback(item.id)]
    assert verdicts == [Verdict.REJECT, Verdict.LABEL]


def test_label_changes_the_next_prediction_for_a_similar_item(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN an item the user files under a new category WHEN a similar one arrives
    THEN it gets that category at once, without training."""
    first = tmp_path / "a.eml"
    first.write_bytes(make_mail("Chess club", "Chess club tournament pairings for round three."))
    item = fake_sift.ingest([first], summarize=False)[0]
    assert item.category != "chess"
    fake_sift.label(item.id, "chess")
    second = tmp_path / "b.eml"
    second.write_bytes(make_mail("Chess club", "Chess club tournament pairings for round four."))
    other = fake_sift.ingest([second], summarize=False)[0]
    assert other.category == "chess"
    assert any("you filed it as chess" in clue for clue in other.category_clues)


def test_mark_junk_teaches_the_filter_at_once(fake_sift: Sift, tmp_path: Path) -> None:
    body = "Exclusive zorblax offer: zorblax tokens for sale, zorblax discount today."
    paths = []
    for i in range(2):
        path = tmp_path / f"z{i}.eml"
        path.write_bytes(make_mail(f"zorblax deal {i}", body + f" {i}"))
        paths.append(path)
    first = fake_sift.ingest([paths[0]], summarize=False)[0]
    before = first.junk_probability
    fake_sift.mark_junk(first.id, True)
    assert fake_sift.item(first.id).is_junk is True
    second = fake_sift.ingest([paths[1]], summarize=False)[0]
    assert second.junk_probability > before
    fake_sift.mark_junk(first.id, False)  # changing one's mind unlearns the first verdict
    assert fake_sift.item(first.id).is_junk is False
    assert [f.verdict for f in fake_sift.store.feedback(first.id)] == [
        Verdict.JUNK,
        Verdict.NOT_JUNK,
    ]


def test_accepting_mark_junk_marks_the_item(fake_sift: Sift, tmp_path: Path) -> None:
    path = tmp_path / "spam.eml"
    path.write_bytes(
        make_mail(
            "WIN $1,000,000 lottery prize",
            "Claim your lottery prize now, send bank details. Congratulations winner, act now!",
        )
    )
    item = fake_sift.ingest([path], summarize=False)[0]
    kinds = {s.kind: s for s in fake_sift.suggestions(item.id)}
    assert SuggestionKind.MARK_JUNK in kinds
    fake_sift.accept(kinds[SuggestionKind.MARK_JUNK].id)
    assert fake_sift.item(item.id).is_junk is True


def test_train_needs_enough_feedback(fake_sift: Sift) -> None:
    report = fake_sift.train()
    assert not report.promoted
    assert "need at least" in report.reason


def test_train_reports_held_out_metrics_and_promotes(fake_sift: Sift, tmp_path: Path) -> None:
    topics = {
        "finance": "invoice payment amount due receipt bank",
        "meeting": "meeting agenda room schedule calendar",
    }
    for label, words in topics.items():
        for i in range(6):
            path = tmp_path / f"{label}{i}.eml"
            path.write_bytes(
                make_mail(f"{label} {i}", f"{words} number {i} {words.split()[i % 5]}")
            )
            item = fake_sift.ingest([path], summarize=False)[0]
            fake_sift.label(item.id, label)
    report = fake_sift.train()
    assert report.held_out >= 2
    assert report.old_accuracy is not None and report.new_accuracy is not None
    assert report.promoted, report.reason
    assert [v.version for v in fake_sift.model_versions("category") if v.active] == [report.version]
    assert (fake_sift.paths.heads / "category" / report.version / "head.pt").is_file()


def test_categories_are_the_users_to_edit(fake_sift: Sift) -> None:
    fake_sift.add_category("travel", "Flights, hotels and trips", kind=ItemKind.MAIL)
    fake_sift.rename_category("travel", "trips")
    names = {c.name for c in fake_sift.categories(ItemKind.MAIL)}
    assert "trips" in names and "travel" not in names
    fake_sift.delete_category("trips")
    with pytest.raises(NotFoundError):
        fake_sift.delete_category("trips")


def test_unknown_ids_raise_not_found(fake_sift: Sift) -> None:
    with pytest.raises(NotFoundError):
        fake_sift.item(999)
    with pytest.raises(NotFoundError):
        fake_sift.accept(999)


def test_edited_file_is_processed_again(fake_sift: Sift, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("First version.")
    first = fake_sift.ingest([path], summarize=False)[0]
    path.write_text("Second version, longer.")
    second = fake_sift.ingest([path], summarize=False)[0]
    assert first.id == second.id
    assert "Second version" in second.text


def test_cancel_stops_reading(fake_sift: Sift, tmp_path: Path) -> None:
    mbox = write_mbox(
        tmp_path / "in.mbox", [make_mail(f"m{i}", INVOICE + str(i)) for i in range(5)]
    )
    fake_sift.cancel.set()
    assert fake_sift.ingest([mbox]) == []


def test_full_text_search(fake_sift: Sift, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The zebra crossing report is due.")
    (tmp_path / "b.txt").write_text("Notes about giraffes.")
    fake_sift.ingest([tmp_path], summarize=False)
    assert [i.title for i in fake_sift.search("zebra report")] == ["a.txt"]
    assert fake_sift.search('giraffes" OR "x') == []  # user text is never FTS syntax
    assert fake_sift.search("   ") == []


def test_embedding_text_is_clipped_by_estimated_tokens() -> None:
    from assistant.pipeline import clip_tokens

    assert clip_tokens("abcd" * 100, budget=10) == "abcd" * 10
    assert clip_tokens("发票" * 100, budget=10) == "发票" * 5
    assert clip_tokens("short", budget=10) == "short"


def test_head_retrains_after_enough_labels(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN train_min_feedback labels WHEN the last one is given THEN a head was trained."""
    fake_sift.settings = fake_sift.settings.replace(train_min_feedback=12)
    topics = {"finance": "invoice payment amount due", "meeting": "meeting agenda room schedule"}
    for i in range(6):
        for label, words in topics.items():
            path = tmp_path / f"{label}{i}.eml"
            path.write_bytes(make_mail(f"{label} {i}", f"{words} number {i}"))
            item = fake_sift.ingest([path], summarize=False)[0]
            fake_sift.label(item.id, label)
    assert fake_sift.model_versions("category"), "no training ran after 12 labels"


def test_spare_cores_are_left_free_unless_the_settings_set_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a Sift asked to spare a core WHEN its models take their threads
    THEN they take the other cores (at least one), and a set thread count wins."""
    import assistant.engine as engine_module

    monkeypatch.setattr(engine_module, "default_threads", lambda: 4)
    with Sift(tmp_path / "a", embedder=FakeEmbedder(), spare_cores=1) as sift:
        assert sift.model_choice.threads == 3
        sift.update_settings(threads=4)
        assert sift.model_choice.threads == 4
    with Sift(tmp_path / "b", embedder=FakeEmbedder()) as sift:
        assert sift.model_choice.threads is None  # every backend takes all cores
    monkeypatch.setattr(engine_module, "default_threads", lambda: 1)
    with Sift(tmp_path / "c", embedder=FakeEmbedder(), spare_cores=1) as sift:
        assert sift.model_choice.threads == 1
