"""The message catalog: every engine sentence has Chinese, and stored English renders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from assistant import messages
from assistant.engine import Sift
from assistant.errors import UserError
from assistant.fields import Fields
from assistant.messages import CATALOG
from assistant.messages import localize
from assistant.messages import render
from assistant.messages import say
from assistant.report import category_text
from assistant.report import item_line
from assistant.report import junk_text
from assistant.report import print_item
from assistant.suggest import suggest
from assistant.types import ItemKind
from assistant.types import JunkVerdict
from assistant.types import Prediction
from tests.helpers.mail import make_mail

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _keys_said_in(folder: Path) -> dict[str, str]:
    """Literal keys passed to ``say`` / ``render`` in the engine's source, with their file."""
    keys: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in {"say", "render"}:
                continue
            first = node.args[0]
            candidates = [first]
            if isinstance(first, ast.IfExp):  # say("a" if x else "b", ...)
                candidates = [first.body, first.orelse]
            for candidate in candidates:
                if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                    keys[candidate.value] = path.name
    return keys


def _sample(name: str, spec: str, n: int) -> object:
    if name == "article":
        return "An"
    if spec.endswith("%"):
        return 0.1 * (n % 9) + 0.05
    if spec.endswith("f"):
        return 0.25 + n
    return f"Alpha{n} beta"


def test_every_template_has_chinese_with_the_same_fields() -> None:
    missing = [key for key, t in CATALOG.items() if not t.zh.strip() or not CJK.search(t.zh)]
    assert missing == []
    for key, template in CATALOG.items():
        en, zh = set(template.fields("en")), set(template.fields("zh"))
        assert zh <= en, key
        assert en - zh <= {"article"}, key  # Chinese has no "a" / "an"; nothing else drops
        assert set(template.lists) <= set(template.fields("en")), key


def test_every_key_the_engine_says_is_in_the_catalog() -> None:
    said = _keys_said_in(ROOT / "assistant")
    assert len(said) > 40  # the scan finds the producers (suggest, triage, junk, ...)
    unknown = {key: where for key, where in said.items() if key not in CATALOG}
    assert unknown == {}
    # And every sentence family the engine makes from text is represented.
    for prefix in ("suggest.", "triage.", "signal.", "junk.", "report.", "recommend.", "digest."):
        assert any(key.startswith(prefix) for key in said), prefix


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_each_english_sentence_reads_back_as_its_own_template(key: str) -> None:
    """An English sentence made from a template is matched to it, with its parameters.

    This is what makes stored rows render: no template shadows another.
    """
    template = CATALOG[key]
    fields = list(string.Formatter().parse(template.en))
    params = {
        name: _sample(name, spec or "", n) for n, (_, name, spec, _) in enumerate(fields) if name
    }
    english = say(key, **params)
    found = messages.match(english)
    assert found is not None
    assert found[0].key == key
    assert localize(english, "zh") == render(key, "zh", **params)
    assert localize(english, "en") == english


def test_old_stored_reasons_render_in_chinese() -> None:
    """Rows written before the catalog existed (same English) render in Chinese."""
    stored = {
        "Looks like junk (97%): \u2018lottery\u2019 0.98 (junk), \u2018winner\u2019 0.95 (junk)": (
            "看起来像垃圾邮件（97%）："
            "\u2018lottery\u2019 0.98（垃圾），\u2018winner\u2019 0.95（垃圾）"
        ),
        "dana@example.com asks you something and waits for an answer": (
            "dana@example.com 向你提了问题，正在等你回复"
        ),
        "A meeting (Friday 3pm): add it to your calendar": "一个会议（Friday 3pm）：加入日历",
        "An invoice document: file it under Documents/Invoices": (
            "invoice 类文档：归档到 Documents/Invoices"
        ),
        "words of \u201cfinance\u201d: invoice, payment": (
            "\u201cfinance\u201d的特征词：invoice, payment"
        ),
        "unsure: fyi 41% vs newsletter": "不确定：fyi 41%，其次是 newsletter",
        "you usually read mail from bob@example.com; new (2026-11-20)": (
            "你常读 bob@example.com 的邮件；新（2026-11-20）"
        ),
        "PDF has no text layer (scanned image?); install tesseract for OCR": (
            "PDF 没有文字层（扫描图像？）；安装 tesseract 以进行文字识别"
        ),
        "junk? 52%": "垃圾？52%",
    }
    for english, chinese in stored.items():
        assert localize(english, "zh") == chinese


def test_unknown_text_is_left_alone() -> None:
    for text in ("", "A sentence Sift never makes", "first part; second part", "hello; 97%"):
        assert localize(text, "zh") == text


def test_suggest_says_the_same_english_as_before() -> None:
    """The catalog changed where the sentences live, not what the store gets."""
    junk = JunkVerdict(True, 0.6, ("\u2018win\u2019 0.90 (junk)",), "v")
    reasons = [
        d.reason
        for d in suggest(
            kind=ItemKind.MAIL,
            title="Win",
            text="win",
            metadata={},
            category=Prediction(None, 0.2, {}, (), "v"),
            junk=junk,
        )
    ]
    assert reasons == [
        "Looks like junk (60%): \u2018win\u2019 0.90 (junk)",
        "Only 60% junk-like: keep it if it is mail you want",
    ]
    meeting = suggest(
        kind=ItemKind.MAIL,
        title="Sync",
        text="",
        metadata={"from": "dana@example.com"},
        category=Prediction("meeting", 0.9, {}, (), "v"),
        junk=JunkVerdict(is_junk=False, probability=0.1, clues=(), model_version="v"),
        fields=Fields(),
    )
    assert meeting[0].reason == "A meeting: add it to your calendar"
    assert localize(meeting[0].reason, "zh") == "一个会议：加入日历"


def test_everything_an_ingest_says_renders_in_chinese(fake_sift: Sift, tmp_path: Path) -> None:
    """Reasons, clues and error reasons from a real ingest (fake models) all have Chinese."""
    folder = tmp_path / "in"
    folder.mkdir()
    mails = {
        "question.eml": make_mail(
            "Can you review the budget before Friday?",
            "Hi Alex,\n\nCould you review the budget and reply by Friday 3pm?\n\nDana",
        ),
        "deal.eml": make_mail(
            "WIN a FREE prize now",
            "Click here to claim your free prize! Limited offer, 90% discount. Unsubscribe.",
            sender="Deals <no-reply@deals.example>",
        ),
        "bill.eml": make_mail("Your invoice", "Invoice total: $120.00, due on 1 December 2026."),
    }
    for name, raw in mails.items():
        (folder / name).write_bytes(raw)
    (folder / "empty.pdf").write_bytes(b"")  # an error item
    (folder / "notes.txt").write_text("Meeting on Monday at 10. Agenda: budget.", encoding="utf-8")
    items = fake_sift.ingest([folder], summarize=False)
    texts = []
    for item in items:
        texts += [*item.category_clues, *item.junk_clues, *item.priority_reasons]
        texts += [s.reason for s in fake_sift.suggestions(item.id)]
        texts.append(junk_text(item))
        if item.category is None or item.user_category:  # else "finance 82%": no words
            texts.append(category_text(item))
        if item.error:
            texts.append(item.error)
    assert any(item.error for item in items)
    assert len(texts) > 15
    untranslated = [text for text in texts if not CJK.search(localize(text, "zh"))]
    assert untranslated == [], untranslated


def test_the_terminal_report_renders_in_the_chosen_language(
    fake_sift: Sift, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``print_item`` / ``item_line`` (the CLI's output) take a language too."""
    mail = tmp_path / "q.eml"
    mail.write_bytes(make_mail("Review?", "Could you review the budget and reply by Friday?"))
    item = fake_sift.ingest([mail], summarize=False)[0]
    suggestions = fake_sift.suggestions(item.id)
    print_item(item, suggestions)
    english = capsys.readouterr().out
    print_item(item, suggestions, language="zh")
    chinese = capsys.readouterr().out
    assert suggestions[0].reason in english
    assert localize(suggestions[0].reason, "zh") in chinese
    assert suggestions[0].reason not in chinese
    assert "非垃圾" in item_line(item, "zh")
    assert "not junk" in item_line(item)


def test_what_accepted_actions_did_renders_in_chinese(fake_sift: Sift, tmp_path: Path) -> None:
    """The action log's summaries (dashboard, status line, Undo) have Chinese too."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "question.eml").write_bytes(
        make_mail("Budget review?", "Could you review the budget and reply by Friday 3pm?")
    )
    (folder / "bill.eml").write_bytes(
        make_mail("Your invoice", "Invoice total: $120.00, due on 1 December 2026.")
    )
    (folder / "notes.txt").write_text("Meeting notes: ship on Monday.", encoding="utf-8")
    fake_sift.ingest([folder], summarize=False)
    summaries = []
    for suggestion in fake_sift.suggestions():
        try:
            summaries.append(fake_sift.accept_action(suggestion.id).summary)
        except UserError:
            continue  # an action that cannot apply here (an item already moved)
    assert len(summaries) >= 5
    untranslated = [text for text in summaries if not CJK.search(localize(text, "zh"))]
    assert untranslated == [], untranslated
