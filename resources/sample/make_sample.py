#!/usr/bin/env python3
"""Generate Sift's bundled sample data (used by ``sift demo`` and integration tests).

Outputs (next to this script unless ``--out`` is given):

* ``inbox.mbox``            - 40 fictional messages to Alex Chen <alex.chen@example.com>,
                              dated 16-30 November 2026 (28 English, 12 Simplified Chinese).
* ``documents/*.pdf``       - generated with reportlab (real text layer; Chinese uses the
                              built-in CID font STSong-Light, so no font file is needed).
* ``documents/*.docx``      - generated with python-docx.
* ``expected.json``         - document file name -> expected document type.

The ``.txt``, ``.md`` and ``.html`` documents are hand-written and committed as-is.

Every message carries ground-truth headers for tests:

* ``X-Sift-Expected``: needs-reply | meeting | newsletter | promotion | finance |
  personal | fyi | junk-irrelevant
* ``X-Sift-Junk``: yes | no
* ``X-Sift-Lang``: en | zh

Sift itself must never read the ``X-Sift-*`` headers when predicting.

Output is deterministic: fixed dates, hashed Message-IDs, fixed MIME boundaries,
reportlab ``invariant=1`` and normalised zip timestamps for .docx.

Usage::

    python make_sample.py            # mbox + documents + expected.json
    python make_sample.py --mbox     # only the mbox (stdlib only)
    python make_sample.py --docs     # only pdf/docx + expected.json (needs reportlab, python-docx)
    python make_sample.py --verify   # read everything back and print a summary (docs need pypdf, python-docx)

All people, companies, phone numbers and domains are fictional; domains are
example.com / example.org / example.net (or subdomains of them).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import quopri
import sys
import textwrap
import zipfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from email.generator import BytesGenerator
from email.charset import BASE64, Charset
from email.header import Header
from email.message import Message
from email.policy import compat32
from email.utils import formataddr, format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

USER_NAME = "Alex Chen"
USER_ADDR = "alex.chen@example.com"
USER = formataddr((USER_NAME, USER_ADDR))

CATEGORIES = ("needs-reply", "meeting", "newsletter", "promotion", "finance", "personal", "fyi")
JUNK_LABEL = "junk-irrelevant"

PST = timezone(timedelta(hours=-8))
EST = timezone(timedelta(hours=-5))
UTC = timezone.utc
CST = timezone(timedelta(hours=8))  # China Standard Time

# Fixed timestamp for zip entries inside .docx files.
DOCX_ZIP_TIME = (2026, 11, 20, 9, 0, 0)

# Document file name -> expected document type.
EXPECTED_DOCUMENTS = {
    "cv_li_wen.docx": "cv",
    "invoice_INV-2026-1187.pdf": "invoice",
    "lease_agreement_excerpt.txt": "contract",
    "letter_rent_adjustment.txt": "letter",
    "meeting_minutes_2026-11-19_zh.txt": "notes",
    "project_status_report.md": "report",
    "recipe_braised_pork_zh.md": "recipe",
    "reimbursement_guide_zh.html": "other",
    "rental_contract_zh.pdf": "contract",
    "research_abstract.html": "article",
    "travel_itinerary_tokyo.docx": "itinerary",
}
DOCUMENT_TYPES = (
    "invoice", "contract", "report", "notes", "letter", "cv", "article", "recipe", "itinerary", "other",
)


# ---------------------------------------------------------------------------
# MIME helpers
# ---------------------------------------------------------------------------

def t(s: str) -> str:
    """Dedent a triple-quoted block, drop the first newline, ensure a final newline."""
    s = textwrap.dedent(s)
    if s.startswith("\n"):
        s = s[1:]
    return s.rstrip("\n") + "\n"


def sig(*lines: str) -> str:
    """A signature block introduced by the standard '-- ' separator line."""
    return "\n-- \n" + "\n".join(lines) + "\n"


def msgid(key: str, domain: str) -> str:
    h = hashlib.sha1(("sift-sample:" + key).encode()).hexdigest()
    return f"<{h[:12]}.{h[12:24]}@{domain}>"


def is_ascii(s: str) -> bool:
    try:
        s.encode("ascii")
    except UnicodeEncodeError:
        return False
    return True


def text_part(text: str, subtype: str = "plain", charset: str | None = None,
              cte: str | None = None) -> Message:
    """A single text/* part with an explicit charset and transfer encoding."""
    if charset is None:
        charset = "us-ascii" if is_ascii(text) else "utf-8"
    if cte is None:
        cte = "7bit" if is_ascii(text) else "base64"
    raw = text.encode(charset)
    if cte == "7bit":
        assert is_ascii(text)
        payload = text
    elif cte == "8bit":
        payload = raw.decode("ascii", "surrogateescape")
    elif cte == "base64":
        payload = base64.encodebytes(raw).decode("ascii")
    elif cte == "quoted-printable":
        payload = quopri.encodestring(raw).decode("ascii")
    else:
        raise ValueError(cte)
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="{charset}"'
    part["Content-Transfer-Encoding"] = cte
    part.set_payload(payload)
    return part


def attachment(filename: str, text: str, mime: str = "text/plain") -> Message:
    part = text_part(text, mime.split("/")[1])
    del part["Content-Type"]
    charset = "us-ascii" if is_ascii(text) else "utf-8"
    # keep header order: Content-Type first
    cte = part["Content-Transfer-Encoding"]
    del part["Content-Transfer-Encoding"]
    part["Content-Type"] = f'{mime}; charset="{charset}"; name="{filename}"'
    part["Content-Disposition"] = f'attachment; filename="{filename}"'
    part["Content-Transfer-Encoding"] = cte
    return part


def multipart(subtype: str, boundary: str, *parts: Message) -> Message:
    m = Message()
    m["Content-Type"] = f'multipart/{subtype}; boundary="{boundary}"'
    m.preamble = "This is a multi-part message in MIME format."
    for p in parts:
        m.attach(p)
    return m


def alternative(key: str, plain: str, html: str, charset: str | None = None,
                cte: str | None = None) -> Message:
    return multipart(
        "alternative", f"==alt_{key}",
        text_part(plain, "plain", charset, cte),
        text_part(html, "html", charset, cte),
    )


def bulk_headers(list_id: str, mailto: str, url: str) -> list[tuple[str, str]]:
    return [
        ("List-Id", list_id),
        ("List-Unsubscribe", f"<mailto:{mailto}>, <{url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Precedence", "bulk"),
    ]


def header_charset(name: str) -> Charset:
    """A Charset for RFC 2047 encoded-words that keeps the label as given.

    Python maps "gb2312" to the codec name "eucgb2312_cn", which it would otherwise
    write into the encoded-word; real mail uses "=?gb2312?B?...?=".
    """
    cs = Charset(name)
    cs.input_charset = cs.output_charset = name
    cs.input_codec = cs.output_codec = name
    cs.header_encoding = BASE64
    return cs


def encode_header(value: str, charset: str = "utf-8", name: str = "Subject") -> str | Header:
    # header_name makes the first line leave room for "Subject: " (encoded-words <= 75 chars)
    return value if is_ascii(value) else Header(value, header_charset(charset), header_name=name)


# ---------------------------------------------------------------------------
# Message specs
# ---------------------------------------------------------------------------

MESSAGES: list[dict] = []


def mail(*, key: str, when: datetime, sender: tuple[str, str], subject: str, body: Message,
         category: str, lang: str, junk: bool = False, to: str = USER, cc: list[str] | None = None,
         reply_to: str | None = None, in_reply_to: str | None = None,
         references: list[str] | None = None, headers: list[tuple[str, str]] | None = None,
         header_charset: str = "utf-8") -> None:
    assert category in CATEGORIES or (junk and category == JUNK_LABEL), category
    assert lang in ("en", "zh")
    MESSAGES.append(dict(
        key=key, when=when, sender=sender, subject=subject, body=body, category=category,
        lang=lang, junk=junk, to=to, cc=cc or [], reply_to=reply_to, in_reply_to=in_reply_to,
        references=references or [], headers=headers or [], header_charset=header_charset,
    ))


def domain_of(addr: str) -> str:
    return addr.rsplit("@", 1)[1]


# Message-IDs of messages Alex sent (not in the inbox, but referenced by replies).
ALEX_RE_DESIGN = msgid("alex-re-design-review", "example.com")
ALEX_HIKING = msgid("alex-hiking-saturday", "example.com")
ALEX_ZH_REVIEW = msgid("alex-zh-project-review", "example.com")
MEI_THANKSGIVING = msgid("mei-thanksgiving-question", "example.net")
ALEX_THANKSGIVING = msgid("alex-thanksgiving-reply", "example.com")

JORDAN = ("Jordan Lee", "jordan.lee@example.com")
PRIYA = ("Priya Natarajan", "priya.natarajan@example.com")
MARCO = ("Marco Bianchi", "marco.bianchi@example.com")
MEI = ("Mei Chen", "mei.chen@example.net")


def build_messages() -> None:
    MESSAGES.clear()

    # 1 ---- newsletter, EN, multipart/alternative (text + html), non-ASCII subject
    mail(
        key="weekly-byte-212", when=datetime(2026, 11, 16, 8, 5, tzinfo=PST),
        sender=("The Weekly Byte", "newsletter@weeklybyte.example.org"),
        subject="The Weekly Byte #212 \u2014 Local-first software is having a moment",
        category="newsletter", lang="en",
        headers=bulk_headers(
            "The Weekly Byte <weekly.weeklybyte.example.org>",
            "unsubscribe+a7c2f09e@weeklybyte.example.org?subject=unsubscribe",
            "https://weeklybyte.example.org/u/a7c2f09e"),
        body=alternative("weeklybyte212", t("""
            THE WEEKLY BYTE - Issue #212 - November 16, 2026
            View in your browser: https://weeklybyte.example.org/issues/212

            Hi there,

            This week: local-first software keeps growing up, a practical guide to
            running small language models on a laptop, and the return of the
            plain-text to-do list.

            1. Local-first is having a moment
               Three new desktop apps shipped sync engines that keep your data on
               your own machine by default. We compare their trade-offs.
               https://weeklybyte.example.org/r/212-1

            2. Small models, big inboxes
               A preprint shows a 1.5B-parameter model can triage personal email
               almost as well as hosted systems - entirely offline.
               https://weeklybyte.example.org/r/212-2

            3. Tool of the week: a 40-line script to back up your mailbox
               https://weeklybyte.example.org/r/212-3

            Quote of the week:
            "The best cloud is the one you don't need." - a reader in Oslo

            Thanks for reading,
            Nadia & the Weekly Byte team

            ---
            You are receiving this because you subscribed at weeklybyte.example.org.
            Unsubscribe: https://weeklybyte.example.org/u/a7c2f09e
            The Weekly Byte, 500 Example Avenue, Springfield
            """), t("""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>The Weekly Byte #212</title></head>
            <body style="font-family:Helvetica,Arial,sans-serif;max-width:600px;margin:auto;color:#222">
            <p style="font-size:12px;color:#888"><a href="https://weeklybyte.example.org/issues/212">View in your browser</a></p>
            <h1 style="color:#2b5fab">The Weekly Byte &mdash; Issue #212</h1>
            <p>Hi there,</p>
            <p>This week: local-first software keeps growing up, a practical guide to running small
            language models on a laptop, and the return of the plain-text to-do list.</p>
            <h2>1. Local-first is having a moment</h2>
            <p>Three new desktop apps shipped sync engines that keep your data on your own machine by
            default. <a href="https://weeklybyte.example.org/r/212-1">We compare their trade-offs.</a></p>
            <h2>2. Small models, big inboxes</h2>
            <p>A preprint shows a 1.5B-parameter model can triage personal email almost as well as hosted
            systems &ndash; entirely offline. <a href="https://weeklybyte.example.org/r/212-2">Read more</a></p>
            <h2>3. Tool of the week</h2>
            <p><a href="https://weeklybyte.example.org/r/212-3">A 40-line script to back up your mailbox.</a></p>
            <blockquote>&ldquo;The best cloud is the one you don&rsquo;t need.&rdquo; &mdash; a reader in Oslo</blockquote>
            <p>Thanks for reading,<br>Nadia &amp; the Weekly Byte team</p>
            <hr>
            <p style="font-size:11px;color:#888">You are receiving this because you subscribed at weeklybyte.example.org.
            <a href="https://weeklybyte.example.org/u/a7c2f09e">Unsubscribe</a><br>
            The Weekly Byte, 500 Example Avenue, Springfield</p>
            </body></html>
            """)),
    )

    # 2 ---- meeting, EN, invitation with text/calendar alternative (thread start)
    ics = t("""
        BEGIN:VCALENDAR
        PRODID:-//Example Corp//Calendar 1.0//EN
        VERSION:2.0
        CALSCALE:GREGORIAN
        METHOD:REQUEST
        BEGIN:VEVENT
        UID:design-review-onboarding-20261119@example.com
        DTSTAMP:20261116T173000Z
        DTSTART:20261119T220000Z
        DTEND:20261119T230000Z
        SUMMARY:Design review - onboarding flow
        LOCATION:Maple conference room (3B)\\, 4th floor
        DESCRIPTION:Agenda: first-run flow walkthrough\\, permissions prompt wording\\, import progress screen.
        ORGANIZER;CN=Jordan Lee:mailto:jordan.lee@example.com
        ATTENDEE;CN=Alex Chen;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:alex.chen@example.com
        ATTENDEE;CN=Priya Natarajan;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:priya.natarajan@example.com
        ATTENDEE;CN=Marco Bianchi;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:marco.bianchi@example.com
        SEQUENCE:0
        STATUS:CONFIRMED
        END:VEVENT
        END:VCALENDAR
        """)
    cal = text_part(ics, "calendar")
    cal.replace_header("Content-Type", 'text/calendar; charset="us-ascii"; method=REQUEST')
    mail(
        key="design-review-invite", when=datetime(2026, 11, 16, 9, 30, tzinfo=PST),
        sender=JORDAN, cc=[formataddr(PRIYA), formataddr(MARCO)],
        subject="Invitation: Design review - onboarding flow @ Thu Nov 19, 2026 2pm - 3pm (PST)",
        category="meeting", lang="en",
        body=multipart("alternative", "==alt_design_review_invite", text_part(t("""
            Jordan Lee has invited you to a meeting.

            Design review - onboarding flow
            When:      Thursday, November 19, 2026, 2:00pm - 3:00pm (Pacific Time)
            Where:     Maple conference room (3B), 4th floor
                       Video: https://meet.example.com/dr-onb-219
            Organizer: Jordan Lee <jordan.lee@example.com>
            Guests:    Alex Chen, Priya Natarajan, Marco Bianchi (optional)

            Agenda:
            1. Walkthrough of the new first-run flow (prototype v7)
            2. Wording of the permissions prompt for mail and file access
            3. Open questions on the import progress screen

            Please look at the prototype beforehand:
            https://design.example.com/p/onboarding-v7

            Going?  Yes - Maybe - No
            https://calendar.example.com/event?action=respond&eid=dr-onb-219
            """)), cal),
    )

    # 3 ---- finance, ZH, charset=gbk, quoted-printable body, gbk-encoded subject and name
    mail(
        key="xinghe-bill-202611", when=datetime(2026, 11, 16, 10, 12, tzinfo=CST),
        sender=("星河电信", "billing@xinghe-telecom.example.net"), header_charset="gbk",
        subject="星河电信：您2026年11月账单已出，本期应缴￥128.50",
        category="finance", lang="zh",
        body=text_part(t("""
            尊敬的陈晓先生/女士：

            您好！您的手机号码 139****4417 的2026年11月账单已出，详情如下：

              账单周期：2026年10月16日 至 2026年11月15日
              套餐月费：￥99.00
              超出套餐流量费：￥18.00
              国际及港澳台漫游费：￥11.50
              本期应缴总额：￥128.50
              缴费截止日期：2026年12月5日

            如您已开通自动扣款，系统将于12月3日从尾号8812的银行卡自动扣除，无需重复缴费。
            查看详细账单：https://my.xinghe-telecom.example.net/bill/202611

            逾期未缴费可能影响您的正常通信服务。感谢您对星河电信的支持！

            星河电信 客户服务中心
            （此邮件为系统自动发送，请勿直接回复）
            """), charset="gbk", cte="quoted-printable"),
    )

    # 4 ---- junk, EN, lottery scam
    mail(
        key="lottery-scam", when=datetime(2026, 11, 16, 11, 47, tzinfo=EST),
        sender=("International E-Mail Lottery Board", "claims@global-lotto-award.example.net"),
        to=USER_ADDR, reply_to="dr.james.walker.claims@freemail.example.net",
        subject="CONGRATULATIONS!!! You Have Won $2,500,000.00 USD",
        category=JUNK_LABEL, junk=True, lang="en",
        body=text_part(t("""
            ATTENTION: WINNER!!!

            We are pleased to inform you that your e-mail address was selected in the
            2026 INTERNATIONAL E-MAIL LOTTERY PROGRAMME held on 14th November 2026.
            Your e-mail address attached to ticket number 47-2290-1186 drew the lucky
            numbers 09-18-27-33-41 and you have therefore WON the sum of
            $2,500,000.00 (Two Million Five Hundred Thousand United States Dollars).

            To claim your prize, contact our claims agent IMMEDIATELY with:
              1. Full name
              2. Home address
              3. Telephone number
              4. Copy of passport or driving licence
              5. Bank account details for the transfer

            A small processing and insurance fee of $350 must be paid before your
            funds can be released. Reply to: dr.james.walker.claims@freemail.example.net

            NOTE: Keep this winning CONFIDENTIAL to avoid double claiming!!!

            Yours faithfully,
            Mrs. Gloria Benson
            Lottery Coordinator
            """)),
    )

    # 5 ---- personal, EN
    mail(
        key="mei-photos", when=datetime(2026, 11, 16, 14, 20, tzinfo=PST),
        sender=MEI, subject="Photos from Grandma's 80th!",
        category="personal", lang="en",
        body=text_part(t("""
            Hi Alex!

            I finally uploaded everything from Grandma's party - there are some really
            cute ones of her blowing out the candles, and one of you and Uncle Wei
            arguing about mahjong rules that I will treasure forever :)

            https://photos.example.net/album/grandma-80

            Grandma keeps telling everyone how good your dumplings were. I think you
            have officially been promoted to family dumpling chef.

            Ben says hi. Talk soon!

            Love,
            Mei
            """)),
    )

    # 6 ---- needs-reply, EN, multipart/mixed with a small text attachment
    mail(
        key="priya-hiring-plan", when=datetime(2026, 11, 16, 16, 2, tzinfo=PST),
        sender=PRIYA, subject="Q1 hiring plan - can you review by Wednesday?",
        category="needs-reply", lang="en",
        body=multipart(
            "mixed", "==mixed_priya_hiring_plan",
            text_part(t("""
                Hi Alex,

                Attached is the draft Q1 hiring plan (v0.3). Could you review the
                engineering section and let me know by Wednesday (Nov 18) whether two
                senior roles are realistic with the budget we have? If not, I'd switch
                one of them to a mid-level position.

                Also - would you like to be on the interview panel for the on-device
                ML engineer role? I'd need your answer before I send the panel list to
                recruiting on Thursday.

                Thanks!
                Priya
                """) + sig("Priya Natarajan", "Head of Engineering Operations, Example Corp",
                           "+1 (555) 010-4417")),
            attachment("q1_hiring_plan_draft.txt", t("""
                Q1 2027 HIRING PLAN - DRAFT v0.3 (internal)
                Owner: Priya Natarajan    Last updated: 2026-11-16

                Role                          Team      Level  Start   Budget (annual)
                Senior Software Engineer      Desktop   L5     Feb 1   $185,000
                ML Engineer (on-device)       Models    L4     Mar 1   $170,000
                Product Designer              Design    L4     Mar 15  $150,000
                                                                Total  $505,000

                Open questions:
                - Two senior roles, or one senior + one mid-level?
                - Interview panel for the ML role: Alex Chen? Wang Lei?
                - Relocation budget for candidates outside the Bay Area?
                """)),
        ),
    )

    # 7 ---- fyi, EN, automated CI notification
    mail(
        key="codeforge-build-1482", when=datetime(2026, 11, 17, 7, 30, tzinfo=UTC),
        sender=("CodeForge", "notifications@codeforge.example.com"),
        subject="[example-corp/sift] Build #1482 passed on main (3f9c2ab)",
        category="fyi", lang="en",
        headers=[("List-Id", "example-corp/sift <sift.example-corp.codeforge.example.com>"),
                 ("X-Auto-Response-Suppress", "All"), ("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            Build #1482 passed

            Repository: example-corp/sift
            Branch:     main
            Commit:     3f9c2ab "Lazy-load summarizer model on first use" (wang-lei)
            Duration:   6m 12s
            Tests:      412 passed, 3 skipped, 0 failed

            View the build: https://codeforge.example.com/example-corp/sift/builds/1482

            --
            You are receiving this because you are watching example-corp/sift.
            Manage notifications: https://codeforge.example.com/settings/notifications
            """)),
    )

    # 8 ---- meeting, ZH, utf-8 base64
    mail(
        key="zh-weekly-meeting-1119", when=datetime(2026, 11, 17, 9, 15, tzinfo=CST),
        sender=("刘洋", "liu.yang@example.com"),
        subject="会议邀请：产品周会 11月19日（周四）15:00-16:00",
        category="meeting", lang="zh",
        cc=[formataddr(("王磊", "wang.lei@example.com"), charset="utf-8"),
            formataddr(("周婷", "zhou.ting@example.com"), charset="utf-8")],
        body=text_part(t("""
            各位好，

            本周产品周会安排如下，请准时参加：

            时间：2026年11月19日（周四）15:00-16:00（北京时间）
            地点：上海办公室 3楼 301会议室
            线上入口：https://meet.example.com/sift-weekly （会议号：862 115 0193）

            议程：
            1. 上周进展回顾（各模块负责人，20分钟）
            2. 12月版本发布范围讨论（20分钟）
            3. 本地模型选型（王磊，15分钟）
            4. 其他事项

            Alex，北京时间15点是你那边前一天晚上11点，如果太晚可以不参加，会后我会把纪要发给你。

            谢谢！
            """) + sig("刘洋 | 产品经理", "示例科技（上海）", "电话：+86 21 5555 0101")),
    )

    # 9 ---- promotion, EN, HTML-only, quoted-printable
    mail(
        key="trailhead-black-friday", when=datetime(2026, 11, 17, 12, 40, tzinfo=PST),
        sender=("Trailhead Outfitters", "deals@trailhead-outfitters.example.com"),
        subject="Black Friday Early Access: 40% off everything starts now",
        category="promotion", lang="en",
        headers=bulk_headers(
            "Trailhead Outfitters deals <deals.trailhead-outfitters.example.com>",
            "unsubscribe@trailhead-outfitters.example.com?subject=unsubscribe%20c81f",
            "https://trailhead-outfitters.example.com/email/unsubscribe?c=c81f33"),
        body=text_part(t("""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Black Friday Early Access</title></head>
            <body style="margin:0;background:#f3efe6;font-family:Arial,sans-serif">
            <table width="100%" cellpadding="0" cellspacing="0" role="presentation"><tr><td align="center">
            <table width="600" cellpadding="24" cellspacing="0" style="background:#ffffff">
            <tr><td style="background:#1f3d2b;color:#ffffff;text-align:center">
              <h1 style="margin:0;font-size:30px">BLACK FRIDAY EARLY ACCESS</h1>
              <p style="font-size:18px">Hi Alex &mdash; as a Trailhead Rewards member, you shop first.</p>
            </td></tr>
            <tr><td style="text-align:center">
              <p style="font-size:44px;font-weight:bold;color:#c0392b;margin:0">40% OFF EVERYTHING</p>
              <p>Jackets, boots, tents and more. Use code <b>EARLY40</b> at checkout.<br>
              Ends Monday, November 23 at 11:59pm PT.</p>
              <p><a href="https://trailhead-outfitters.example.com/black-friday?utm_source=email&amp;utm_campaign=bf26early"
                 style="display:inline-block;background:#c0392b;color:#fff;padding:14px 28px;text-decoration:none;border-radius:4px">SHOP THE SALE</a></p>
            </td></tr>
            <tr><td>
              <table width="100%"><tr>
                <td align="center">Ridgeline Down Jacket<br><s>$249.00</s> <b>$149.40</b></td>
                <td align="center">Switchback Hiking Boots<br><s>$179.00</s> <b>$107.40</b></td>
                <td align="center">Basecamp 2P Tent<br><s>$329.00</s> <b>$197.40</b></td>
              </tr></table>
            </td></tr>
            <tr><td style="font-size:11px;color:#777;text-align:center">
              Free shipping on orders over $75. Exclusions apply, see
              <a href="https://trailhead-outfitters.example.com/terms">terms</a>.<br>
              You received this email because you joined Trailhead Rewards.
              <a href="https://trailhead-outfitters.example.com/email/unsubscribe?c=c81f33">Unsubscribe</a> |
              <a href="https://trailhead-outfitters.example.com/email/preferences">Email preferences</a><br>
              Trailhead Outfitters, 42 Summit Road, Pine Valley
            </td></tr>
            </table>
            </td></tr></table>
            </body></html>
            """), "html", "utf-8", "quoted-printable"),
    )

    # 10 ---- junk, EN, phishing "verify your account"
    mail(
        key="phishing-bank", when=datetime(2026, 11, 17, 15, 5, tzinfo=UTC),
        sender=("Example Bank Security", "security-alert@examp1e-bank-verify.example.net"),
        to=USER_ADDR, subject="Action required: Verify your account within 24 hours",
        category=JUNK_LABEL, junk=True, lang="en",
        body=text_part(t("""
            Dear Valued Customer,

            We detected unusual sign-in activity on your online banking account and
            have temporarily limited access to protect you.

            To restore full access, you must verify your identity within 24 hours:

                https://examp1e-bank-login.example.net/secure/verify?session=88af01c2

            You will be asked to confirm your card number, expiry date, CVV and online
            banking password. Failure to verify within 24 hours will result in
            permanent suspension of your account and all linked cards.

            Thank you for banking with us.

            Example Bank Security Department
            (c) 2026 Example Bank. All rights reserved.
            """)),
    )

    # 11 ---- meeting, EN, reply in thread (In-Reply-To / References, quoted text, signature)
    mail(
        key="design-review-moved", when=datetime(2026, 11, 17, 16, 40, tzinfo=PST),
        sender=JORDAN, cc=[formataddr(PRIYA), formataddr(MARCO)],
        subject="Re: Invitation: Design review - onboarding flow @ Thu Nov 19, 2026 2pm - 3pm (PST)",
        category="meeting", lang="en",
        in_reply_to=ALEX_RE_DESIGN,
        references=[msgid("design-review-invite", "example.com"), ALEX_RE_DESIGN],
        body=text_part(t("""
            Thanks Alex - Marco can't make 2pm either, so let's move it to
            3:30pm - 4:30pm on Thursday (Nov 19), same room (Maple 3B, 4th floor).
            Video link stays the same: https://meet.example.com/dr-onb-219

            I've updated the calendar invite; please re-accept when you get a chance.

            Jordan

            On Mon, Nov 16, 2026 at 4:05 PM Alex Chen <alex.chen@example.com> wrote:
            > Hi Jordan,
            >
            > I have a conflict at 2pm on Thursday (vendor call). Could we push it
            > to later in the afternoon? Anything after 3pm works for me.
            >
            > Alex
            >
            > On Mon, Nov 16, 2026 at 9:30 AM Jordan Lee <jordan.lee@example.com> wrote:
            >> Jordan Lee has invited you to a meeting.
            >>
            >> Design review - onboarding flow
            >> When: Thursday, November 19, 2026, 2:00pm - 3:00pm (Pacific Time)
            >> Where: Maple conference room (3B), 4th floor
            """) + sig("Jordan Lee", "Product Design Lead, Example Corp", "+1 (555) 010-2231")),
    )

    # 12 ---- personal, ZH (mother), utf-8 base64
    mail(
        key="zh-mom-weather", when=datetime(2026, 11, 17, 20, 11, tzinfo=CST),
        sender=("林秀英", "lin.xiuying@example.net"),
        subject="天冷了，记得多穿点衣服",
        category="personal", lang="zh",
        body=text_part(t("""
            晓晓：

            最近降温了，你那边也冷了吧？记得多穿点衣服，别老是熬夜加班。

            你爸上周去医院复查，医生说血压控制得不错，让我们放心。他现在每天早上去公园打太极拳，精神很好。

            给你寄了一箱腊肠和你爱吃的桂花糕，估计下周能到。上次你问红烧肉的做法，我已经整理好了，照着做就行，记得用冰糖。

            圣诞节要是放假，就回来住几天吧，你爸嘴上不说，心里可想你了。

            妈妈
            """)),
    )

    # 13 ---- finance, EN, utility bill
    mail(
        key="cascade-power-bill", when=datetime(2026, 11, 18, 8, 0, tzinfo=PST),
        sender=("Cascade Power & Light", "billing@cascadepower.example.com"),
        subject="Your November bill is ready - $86.42 due Dec 8",
        category="finance", lang="en",
        body=text_part(t("""
            Hello Alex Chen,

            Your Cascade Power & Light bill for account ending in 4417 is ready.

              Service address:  1200 Maple Court Drive, Unit 4B, Riverside Heights
              Billing period:   Oct 15, 2026 - Nov 14, 2026 (31 days)
              Electricity used: 412 kWh
              Amount due:       $86.42
              Due date:         December 8, 2026

            You are not enrolled in AutoPay. Pay online at
            https://my.cascadepower.example.com/pay or call 1-800-555-0142.
            A late fee of $5.00 applies to payments received after the due date.

            Tip: Your usage was 9% lower than the same period last year.

            Cascade Power & Light Customer Care
            This is an automated message; replies to this address are not monitored.
            """)),
    )

    # 14 ---- newsletter, ZH, multipart/alternative utf-8 base64
    mail(
        key="zh-newsletter-148", when=datetime(2026, 11, 18, 9, 20, tzinfo=CST),
        sender=("效率周刊", "weekly@xiaolv.example.org"),
        subject="效率周刊 第148期｜本地优先的个人助理，真的能用了吗？",
        category="newsletter", lang="zh",
        headers=bulk_headers(
            "xiaolv weekly <weekly.xiaolv.example.org>",
            "unsubscribe@xiaolv.example.org?subject=unsubscribe-148-5d0e",
            "https://xiaolv.example.org/unsubscribe?t=5d0e91"),
        body=alternative("zhweekly148", t("""
            效率周刊 第148期 · 2026年11月18日
            在浏览器中查看：https://xiaolv.example.org/issues/148

            本期导读

            1. 本地优先的个人助理，真的能用了吗？
               我们在三台不同配置的笔记本上测试了四款离线邮件助手，结论是：分类和摘要已经可用，自动回复还差点意思。
               https://xiaolv.example.org/r/148-1

            2. 年底整理数字资料的 5 个小技巧
               从相册去重到邮箱归档，一个周末就能搞定。
               https://xiaolv.example.org/r/148-2

            3. 读者来信：用纯文本管理待办事项三年后的感受
               https://xiaolv.example.org/r/148-3

            本周推荐工具：一款开源的 Markdown 笔记应用，支持本地加密。

            感谢阅读，我们下周见！
            效率周刊编辑部

            ——
            您收到这封邮件是因为您订阅了《效率周刊》。
            退订：https://xiaolv.example.org/unsubscribe?t=5d0e91
            """), t("""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>效率周刊 第148期</title></head>
            <body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;max-width:640px;margin:auto">
            <p style="font-size:12px;color:#999">效率周刊 第148期 · 2026年11月18日 ·
            <a href="https://xiaolv.example.org/issues/148">在浏览器中查看</a></p>
            <h1>本地优先的个人助理，真的能用了吗？</h1>
            <p>我们在三台不同配置的笔记本上测试了四款离线邮件助手，结论是：分类和摘要已经可用，自动回复还差点意思。
            <a href="https://xiaolv.example.org/r/148-1">阅读全文</a></p>
            <h2>年底整理数字资料的 5 个小技巧</h2>
            <p>从相册去重到邮箱归档，一个周末就能搞定。<a href="https://xiaolv.example.org/r/148-2">阅读全文</a></p>
            <h2>读者来信</h2>
            <p><a href="https://xiaolv.example.org/r/148-3">用纯文本管理待办事项三年后的感受</a></p>
            <p><b>本周推荐工具：</b>一款开源的 Markdown 笔记应用，支持本地加密。</p>
            <p>感谢阅读，我们下周见！<br>效率周刊编辑部</p>
            <hr><p style="font-size:12px;color:#999">您收到这封邮件是因为您订阅了《效率周刊》。
            <a href="https://xiaolv.example.org/unsubscribe?t=5d0e91">退订</a></p>
            </body></html>
            """)),
    )

    # 15 ---- needs-reply, EN, landlord
    mail(
        key="lease-renewal", when=datetime(2026, 11, 18, 10, 45, tzinfo=PST),
        sender=("Dana Whitfield", "dana@maplecourt-apartments.example.com"),
        subject="Lease renewal for Unit 4B - please confirm by Dec 1",
        category="needs-reply", lang="en",
        body=text_part(t("""
            Hi Alex,

            Your lease for Unit 4B ends on November 30. I've attached the formal
            renewal letter in the resident portal, but here are the options in short:

              - 12 months (Dec 1, 2026 - Nov 30, 2027): $2,235/month
              - 6 months (Dec 1, 2026 - May 31, 2027):  $2,295/month
              - Month-to-month:                          $2,350/month

            Could you let me know which option you'd like by Tuesday, December 1?
            Also, do you want to keep parking space #17? We have a waitlist, so if
            you no longer need it please tell me and I'll release it.

            Thanks, and have a great Thanksgiving!

            Dana
            """) + sig("Dana Whitfield", "Property Manager, Maple Court Apartments",
                       "Leasing office: Mon-Fri 9am-5pm | (555) 010-7788")),
    )

    # 16 ---- fyi, EN, shipping notification
    mail(
        key="shopright-shipped", when=datetime(2026, 11, 18, 13, 30, tzinfo=UTC),
        sender=("ShopRight", "no-reply@shopright.example.com"),
        subject="Your ShopRight order #SR-58213-7721 has shipped",
        category="fyi", lang="en", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            Good news, Alex - your order is on its way!

            Order #SR-58213-7721 (placed November 16, 2026)

              Quiet Comfort Noise-Cancelling Headphones   x1   $129.99
              USB-C to USB-C cable, 2 m                   x2    $17.98
              Order total (incl. tax and free shipping):       $160.74

            Carrier: Example Parcel Service
            Tracking number: EPS 1Z 448 902 7731
            Track your package: https://track.example.com/eps/1Z4489027731
            Estimated delivery: Saturday, November 21, 2026

            Questions about your order? Visit https://shopright.example.com/help
            Please do not reply to this email.
            """)),
    )

    # 17 ---- personal, EN, reply in thread
    mail(
        key="sam-hiking", when=datetime(2026, 11, 18, 18, 22, tzinfo=PST),
        sender=("Sam Rivera", "sam.rivera@example.org"),
        subject="Re: hiking Saturday?",
        category="personal", lang="en",
        in_reply_to=ALEX_HIKING, references=[ALEX_HIKING],
        body=text_part(t("""
            Awesome, count me in! I'll pick you up at 7:15 so we're at the Cedar
            Falls trailhead by 8. I'll bring snacks and the good thermos - you're
            on sandwich duty :)

            Forecast says 48F and dry, but throw a rain shell in your pack just in case.

            Sam

            On Wed, Nov 18, 2026 at 5:51 PM Alex Chen <alex.chen@example.com> wrote:
            > Hey Sam, are you still up for Cedar Falls this Saturday (Nov 21)?
            > I'm free all day. Maybe start early to beat the crowds?
            >
            > -A
            """)),
    )

    # 18 ---- junk, ZH, 代开发票 spam, charset=gb2312 base64 (subject and name gb2312 too)
    mail(
        key="zh-fapiao-spam", when=datetime(2026, 11, 19, 2, 14, tzinfo=CST),
        sender=("王经理", "daikai8888@fapiao-service.example.net"), header_charset="gb2312",
        to=USER_ADDR,
        subject="代开各类正规发票（增值税专用/普通）点数优惠，可验证后付款",
        category=JUNK_LABEL, junk=True, lang="zh",
        body=text_part(t("""
            您好：

            本公司常年代开全国各地增值税专用发票、普通发票，
            项目齐全：餐饮、住宿、会议、广告、运输、建筑、咨询服务费等。
            点数优惠，量大从优，可先上网验证后再付款！

            联系人：王经理
            手机/微信：139-0000-0000
            QQ：800000000

            （如有打扰，敬请谅解）
            """), charset="gb2312", cte="base64"),
    )

    # 19 ---- newsletter, EN, plain text
    mail(
        key="pipeline-notes-88", when=datetime(2026, 11, 19, 9, 0, tzinfo=PST),
        sender=("Pipeline Notes", "hello@pipelinenotes.example.org"),
        subject="Pipeline Notes #88: Vector search on a laptop, and why your CSVs lie",
        category="newsletter", lang="en",
        headers=bulk_headers(
            "Pipeline Notes <notes.pipelinenotes.example.org>",
            "leave-88-3b7d@pipelinenotes.example.org",
            "https://pipelinenotes.example.org/unsubscribe/3b7d42"),
        body=text_part(t("""
            PIPELINE NOTES #88 - November 19, 2026
            A fortnightly letter about data engineering for small teams.

            IN THIS ISSUE

            * Vector search on a laptop. We indexed 2 million paragraphs with a
              quantised embedding model on a 16 GB machine. Build time: 41 minutes.
              Query latency p95: 18 ms. Full write-up:
              https://pipelinenotes.example.org/88/vectors

            * Why your CSVs lie. Three real-world encoding bugs (GBK vs UTF-8,
              BOMs, and Excel's date guessing) and how to catch them in CI.
              https://pipelinenotes.example.org/88/csv

            * Reader question: "Should I use Parquet for 50 MB of data?"
              Short answer: probably not. Long answer inside.

            EVENTS
            Pipeline Notes meetup (online), Thursday December 10, 17:00 UTC.
            RSVP: https://pipelinenotes.example.org/meetup

            See you in two weeks,
            Tomasz

            You're getting this because you signed up at pipelinenotes.example.org.
            Unsubscribe in one click: https://pipelinenotes.example.org/unsubscribe/3b7d42
            """)),
    )

    # 20 ---- finance, ZH, legitimate e-invoice notification, utf-8 base64
    mail(
        key="zh-einvoice", when=datetime(2026, 11, 19, 11, 30, tzinfo=CST),
        sender=("云票通电子发票", "invoice@fapiao.example.com"),
        subject="您收到一张电子发票【上海云栖科技有限公司】价税合计：￥1,280.00",
        category="finance", lang="zh", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            尊敬的客户：

            您好！上海云栖科技有限公司 已为您开具电子发票，详情如下：

            发票类型：增值税电子普通发票
            发票号码：26312000000081234567
            开票日期：2026年11月19日
            购买方名称：示例科技有限公司
            项目名称：*信息技术服务*软件订阅服务费（2026年12月-2027年11月）
            价税合计：￥1,280.00（壹仟贰佰捌拾元整）

            请点击以下链接下载发票 PDF / OFD 文件（30天内有效）：
            https://fapiao.example.com/d/7Kq2x9

            温馨提示：请在费用发生后30天内提交报销（即2026年12月19日前）。

            本邮件由系统自动发送，请勿直接回复。
            """)),
    )

    # 21 ---- needs-reply, EN, colleague question
    mail(
        key="marco-rate-limits", when=datetime(2026, 11, 19, 14, 50, tzinfo=PST),
        sender=MARCO, subject="Quick question: rate limits for the Fernwood integration",
        category="needs-reply", lang="en",
        body=text_part(t("""
            Hi Alex,

            Fernwood is asking what API rate limits we'll give their integration
            during the pilot. I see two options:

              A) 60 requests/minute per user (what we do for everyone today)
              B) 600 requests/minute per organisation, burst up to 1,000

            Which one should I put in the contract draft? Olivia wants it by Friday
            end of day, so I'd need your answer by Friday noon at the latest. If you
            think we need a third option, happy to jump on a quick call.

            Thanks!
            Marco
            """) + sig("Marco Bianchi", "Partner Engineering, Example Corp")),
    )

    # 22 ---- junk, EN, pills spam (with a bogus List-Unsubscribe, as real spam often has)
    mail(
        key="pills-spam", when=datetime(2026, 11, 19, 21, 3, tzinfo=UTC),
        sender=("Pharma Direct", "offers@rx-discount-meds.example.net"), to=USER_ADDR,
        subject="Re: your order - V1agra & C1alis 80% OFF, no prescription needed",
        category=JUNK_LABEL, junk=True, lang="en",
        headers=[("List-Unsubscribe",
                  "<mailto:remove@rx-discount-meds.example.net>, <https://rx-discount-meds.example.net/remove>")],
        body=text_part(t("""
            BEST PRICES ON THE NET!!!

            V1agra 100mg ......... $0.89 per pill
            C1alis 20mg .......... $1.09 per pill
            Weight-loss pills .... BUY 2 GET 1 FREE

            * NO PRESCRIPTION NEEDED
            * 100% discreet packaging
            * Worldwide shipping in 24h

            ORDER NOW: https://rx-discount-meds.example.net/shop?ref=77812

            Limited stock - offer expires TONIGHT!!!

            To stop receiving these messages click here: https://rx-discount-meds.example.net/remove
            """)),
    )

    # 23 ---- meeting, ZH, utf-8 quoted-printable
    mail(
        key="zh-infosec-training", when=datetime(2026, 11, 20, 8, 45, tzinfo=CST),
        sender=("人力资源部", "hr@example.com"),
        subject="【培训通知】11月26日（周四）信息安全必修培训",
        category="meeting", lang="zh",
        body=text_part(t("""
            各位同事：

            为提升全员信息安全意识，公司将组织2026年度信息安全必修培训，具体安排如下：

            培训时间：2026年11月26日（周四）09:30-11:30
            培训地点：总部大楼5楼 大会议室
            线上参加：https://meet.example.com/infosec-1126
            主讲人：IT安全组 孙浩
            培训内容：
              1. 钓鱼邮件与诈骗邮件识别（含“代开发票”类垃圾邮件案例）
              2. 账号与密码安全
              3. 客户数据与个人信息保护要求

            请于11月24日（周二）前在OA系统“培训报名”模块完成报名。本次培训为必修课程，无法参加的同事请提前向部门负责人说明并参加12月的补训。

            谢谢配合！
            人力资源部
            2026年11月20日
            """), charset="utf-8", cte="quoted-printable"),
    )

    # 24 ---- finance, EN, receipt
    mail(
        key="lumen-receipt", when=datetime(2026, 11, 20, 10, 10, tzinfo=PST),
        sender=("Lumen Cloud Billing", "billing@lumencloud.example.com"),
        subject="Receipt for your payment to Lumen Cloud ($49.00)",
        category="finance", lang="en", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            Receipt from Lumen Cloud

            Thanks for your payment, Alex. This is your receipt - no action is needed.

              Invoice number:   LC-2026-11-0042
              Receipt number:   2291-4471
              Date paid:        November 20, 2026
              Payment method:   Visa ending in 8812

              Personal plan (monthly), Nov 20 - Dec 19, 2026     $45.00
              Extra storage, 100 GB                                $4.00
              -------------------------------------------------------
              Amount paid                                         $49.00

            Your next payment of $49.00 is scheduled for December 20, 2026.
            Download a PDF copy: https://console.lumencloud.example.com/billing/LC-2026-11-0042

            Lumen Cloud, Inc. - billing@lumencloud.example.com
            """)),
    )

    # 25 ---- promotion, EN, plain text
    mail(
        key="beanleaf-code", when=datetime(2026, 11, 20, 13, 0, tzinfo=PST),
        sender=("Bean & Leaf Coffee", "hello@beanandleaf.example.com"),
        subject="Alex, your 20% off code expires Sunday",
        category="promotion", lang="en",
        headers=bulk_headers(
            "Bean & Leaf news <news.beanandleaf.example.com>",
            "unsubscribe@beanandleaf.example.com?subject=unsub-91aa",
            "https://beanandleaf.example.com/unsubscribe/91aa0c"),
        body=text_part(t("""
            Hi Alex,

            Just a friendly reminder: your 20% off code LEAF20 expires this Sunday,
            November 22 at midnight.

            New this month:
              * Winter Solstice Blend - notes of dark chocolate and orange peel
              * Hojicha latte kit - roasted green tea, perfect for cold evenings
              * Ceramic pour-over set, now $32 (was $40)

            Free shipping on subscriptions, always.
            Shop now: https://beanandleaf.example.com/shop?code=LEAF20

            Stay cozy,
            The Bean & Leaf team

            Don't want these emails? Unsubscribe: https://beanandleaf.example.com/unsubscribe/91aa0c
            Bean & Leaf Coffee Roasters, 7 Mill Lane, Harbor Town
            """)),
    )

    # 26 ---- fyi, EN, legitimate security notice (no action needed)
    mail(
        key="account-signin", when=datetime(2026, 11, 20, 16, 30, tzinfo=UTC),
        sender=("Example Accounts", "no-reply@accounts.example.com"),
        subject="New sign-in to your Example account",
        category="fyi", lang="en", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            Hi Alex,

            Your Example account (alex.chen@example.com) was just used to sign in on
            a new device.

              Device:   MacBook Air, Safari
              Location: Seattle, WA, United States (approximate)
              Time:     Friday, November 20, 2026, 8:29 AM PST

            If this was you, you don't need to do anything.

            If you don't recognise this activity, go to your account settings at
            https://myaccount.example.com/security (type the address yourself rather
            than clicking links in emails) and change your password.

            The Example Accounts team
            You received this email to let you know about important changes to your account.
            """)),
    )

    # 27 ---- needs-reply, ZH, reply in thread (Chinese quote header), signature
    mail(
        key="zh-wanglei-review", when=datetime(2026, 11, 23, 14, 30, tzinfo=CST),
        sender=("王磊", "wang.lei@example.com"),
        subject="回复：关于下周的项目评审",
        category="needs-reply", lang="zh",
        in_reply_to=ALEX_ZH_REVIEW, references=[ALEX_ZH_REVIEW],
        body=text_part(t("""
            Alex，

            收到，谢谢！有两件事想跟你确认一下：

            1. 评审材料能否在下周二（12月1日）之前发给我？我需要提前转给架构组看。
            2. 评审时间初定在12月2日（周三）下午2点（北京时间），对应你那边是周二晚上10点，你看可以吗？如果不方便，我们可以改到周四上午。

            麻烦尽快回复，我好发正式的会议邀请。

            王磊

            在 2026年11月23日 周一 上午10:15，Alex Chen <alex.chen@example.com> 写道：
            > 王磊你好，
            >
            > 下周的项目评审我这边会准备模型选型和性能测试部分的材料，
            > 大概20页左右。评审时间你来定就好。
            >
            > Alex
            """) + sig("王磊", "产品部 技术负责人 | 示例科技（上海）")),
    )

    # 28 ---- junk, EN, fake overdue invoice
    mail(
        key="fake-invoice", when=datetime(2026, 11, 21, 11, 0, tzinfo=EST),
        sender=("Accounts Receivable", "billing@quickpay-invoices.example.net"), to=USER_ADDR,
        subject="Invoice #INV-99821 is OVERDUE - final notice",
        category=JUNK_LABEL, junk=True, lang="en",
        body=text_part(t("""
            Dear Customer,

            Our records show that invoice INV-99821 for $1,947.60 is now 30 days
            overdue. This is your FINAL NOTICE.

            Download your invoice and payment instructions here:
            https://quickpay-invoices.example.net/docs/INV-99821.zip

            If payment is not received within 48 hours, your account will be
            referred to our collections agency and additional fees will apply.

            Regards,
            Accounts Receivable Department
            """)),
    )

    # 29 ---- newsletter, EN, plain text daily brief
    mail(
        key="civic-ledger-1122", when=datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        sender=("The Civic Ledger", "briefing@civicledger.example.org"),
        subject="Morning Brief: Sunday, November 22",
        category="newsletter", lang="en",
        headers=bulk_headers(
            "Civic Ledger Morning Brief <brief.civicledger.example.org>",
            "unsubscribe-brief@civicledger.example.org",
            "https://civicledger.example.org/newsletters/unsubscribe?id=e51c7a"),
        body=text_part(t("""
            MORNING BRIEF - Sunday, November 22, 2026

            Good morning. Here's what you need to know today.

            1. City council approves light-rail extension. The 6-mile line will add
               four stations and is expected to open in 2030.

            2. Holiday travel: record numbers expected. Airports advise arriving
               two hours early for domestic flights this week.

            3. Weather: rain clearing by afternoon, high of 51F. Dry and cold for
               Thanksgiving Day.

            4. Weekend read: Why small neighbourhood libraries are thriving again.
               https://civicledger.example.org/2026/11/22/libraries

            Have a good Sunday.
            - The Civic Ledger newsroom

            You are subscribed to the Morning Brief as alex.chen@example.com.
            Manage subscriptions or unsubscribe:
            https://civicledger.example.org/newsletters/unsubscribe?id=e51c7a
            """)),
    )

    # 30 ---- promotion, ZH, multipart/alternative utf-8 base64
    mail(
        key="zh-mall-promo", when=datetime(2026, 11, 22, 20, 40, tzinfo=CST),
        sender=("优选商城", "promo@youxuan-mall.example.com"),
        subject="双十二预热｜全场满300减50，会员再享95折，限时3天！",
        category="promotion", lang="zh",
        headers=bulk_headers(
            "youxuan promo <promo.youxuan-mall.example.com>",
            "unsubscribe@youxuan-mall.example.com?subject=TD-a3f1",
            "https://youxuan-mall.example.com/edm/unsubscribe?u=a3f1c8"),
        body=alternative("zhmallpromo", t("""
            亲爱的会员，您好！

            双十二预热狂欢提前开启！
            · 全场满300减50，满600减120
            · 会员再享95折，可与满减叠加
            · 冬季羽绒服低至5折，爆款保暖内衣买一送一
            活动时间：2026年11月23日 00:00 至 11月25日 23:59

            立即抢购：https://youxuan-mall.example.com/sale/1212-warmup

            优选商城
            如不希望再收到此类邮件，请点击退订：https://youxuan-mall.example.com/edm/unsubscribe?u=a3f1c8
            """), t("""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>双十二预热</title></head>
            <body style="margin:0;background:#fff0f0;font-family:'Microsoft YaHei',sans-serif">
            <div style="max-width:600px;margin:auto;background:#fff;text-align:center;padding:20px">
            <h1 style="color:#e4393c">双十二预热狂欢 提前开启！</h1>
            <p style="font-size:22px">全场 <b>满300减50</b>，满600减120</p>
            <p>会员再享 <b>95折</b>，可与满减叠加<br>冬季羽绒服低至5折，爆款保暖内衣买一送一</p>
            <p>活动时间：2026年11月23日 00:00 至 11月25日 23:59</p>
            <p><a href="https://youxuan-mall.example.com/sale/1212-warmup"
               style="background:#e4393c;color:#fff;padding:12px 30px;text-decoration:none">立即抢购</a></p>
            <p style="font-size:12px;color:#999">如不希望再收到此类邮件，请
            <a href="https://youxuan-mall.example.com/edm/unsubscribe?u=a3f1c8">点击退订</a></p>
            </div></body></html>
            """)),
    )

    # 31 ---- meeting, EN, company all-hands
    mail(
        key="all-hands-q4", when=datetime(2026, 11, 23, 9, 30, tzinfo=PST),
        sender=("Office of the CEO", "ceo-office@example.com"),
        to=formataddr(("All Staff", "all-staff@example.com")),
        subject="Invitation: Q4 All-Hands - Wed Dec 2, 10:00-11:30am PST (Atrium + livestream)",
        category="meeting", lang="en",
        body=text_part(t("""
            Hi everyone,

            Please join us for the Q4 All-Hands.

              When:  Wednesday, December 2, 2026, 10:00 - 11:30 AM PST
              Where: Main Atrium, Building A (ground floor)
              Remote: https://live.example.com/allhands-q4 (Q&A via the chat panel)

            Agenda
              10:00  Year in review - Helen Park, CEO
              10:25  Product update: the Sift beta - Alex Chen & Jordan Lee
              10:45  2027 priorities and budget
              11:05  Open Q&A

            Lunch will be served in the Atrium afterwards. Submit questions in
            advance at https://forms.example.com/allhands-q4-questions.

            See you there,
            Office of the CEO
            """)),
    )

    # 32 ---- needs-reply, EN, customer asking for a revised quote
    mail(
        key="olivia-quote", when=datetime(2026, 11, 24, 7, 55, tzinfo=EST),
        sender=("Olivia Grant", "olivia.grant@fernwood.example.org"), cc=[formataddr(MARCO)],
        subject="Revised quote for the Fernwood pilot?",
        category="needs-reply", lang="en",
        body=text_part(t("""
            Hi Alex,

            Thanks again for the demo last week - the team loved the daily digest.

            Two things before we can take this to our budget committee on
            December 4:

            1. Could you send a revised quote for 150 seats instead of 100? Ideally
               by Friday, November 27, so I have time to prepare the paperwork.
            2. Can your team support single sign-on (SAML) during the pilot, or
               only after general availability?

            Let me know if a short call would be easier. I'm free Wednesday
            afternoon Eastern time.

            Best,
            Olivia
            """) + sig("Olivia Grant", "Director of Operations, Fernwood Health",
                       "olivia.grant@fernwood.example.org | +1 (555) 010-9034")),
    )

    # 33 ---- junk, ZH, prize phishing, utf-8 base64
    mail(
        key="zh-prize-phishing", when=datetime(2026, 11, 24, 12, 0, tzinfo=CST),
        sender=("会员中心", "vip-center@shop-prize.example.net"), to=USER_ADDR,
        subject="恭喜！您已被抽中获得 iPhone 18 Pro 一台，请在24小时内领取",
        category=JUNK_LABEL, junk=True, lang="zh",
        body=text_part(t("""
            尊敬的会员：

            恭喜您在“年终感恩回馈”活动中被系统随机抽中，获得 iPhone 18 Pro（256G）一台！

            您只需支付 19.9 元运费即可领取奖品。请在24小时内点击以下链接，填写收货地址、身份证号及银行卡信息完成验证：

            https://shop-prize.example.net/claim?id=20261124-88321

            逾期未领取将视为自动放弃，奖品将转给下一位幸运用户。

            会员中心
            """)),
    )

    # 34 ---- finance, EN, credit card statement
    mail(
        key="harbor-statement", when=datetime(2026, 11, 24, 15, 20, tzinfo=PST),
        sender=("Harbor Credit Union", "statements@harborcu.example.org"),
        subject="Your Harbor Visa statement is ready",
        category="finance", lang="en", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            Hello Alex,

            Your monthly statement for your Harbor Visa Signature card ending in 8812
            is now available in online banking.

              Statement date:      November 24, 2026
              Statement balance:   $1,243.17
              Minimum payment due: $35.00
              Payment due date:    December 15, 2026

            To avoid interest charges, pay your statement balance in full by the due
            date. Sign in at https://online.harborcu.example.org to view your
            statement or set up automatic payments.

            For your security, we will never ask for your password or card number
            by email.

            Harbor Credit Union - Member Services
            """)),
    )

    # 35 ---- fyi, EN, scheduled maintenance notice
    mail(
        key="lumen-maintenance", when=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        sender=("Lumen Cloud Status", "status@lumencloud.example.com"),
        subject="[Scheduled maintenance] Lumen Cloud storage - Nov 28, 01:00-03:00 UTC",
        category="fyi", lang="en", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            Scheduled maintenance notification

            Service:  Object storage (all regions)
            Window:   Saturday, November 28, 2026, 01:00 - 03:00 UTC
            Impact:   Uploads may be delayed by up to 5 minutes. Reads are not affected.

            No action is required on your part. We will post updates at
            https://status.lumencloud.example.com during the window.

            You are receiving this because you are subscribed to maintenance
            notifications for your Lumen Cloud account.
            """)),
    )

    # 36 ---- personal, EN, reply in thread with nested quotes
    mail(
        key="mei-thanksgiving", when=datetime(2026, 11, 25, 18, 45, tzinfo=PST),
        sender=MEI, subject="Re: Thanksgiving dinner",
        category="personal", lang="en",
        in_reply_to=ALEX_THANKSGIVING, references=[MEI_THANKSGIVING, ALEX_THANKSGIVING],
        body=text_part(t("""
            Yay, so glad you can make it! Dinner is at 5, but come around 3 if you
            want to help fold dumplings (Grandma's recipe, obviously). Pumpkin pie
            is perfect - Ben is doing the turkey, so we're all set.

            Parking on our street is terrible on holidays, maybe take the light rail?

            Love,
            Mei

            On Tue, Nov 24, 2026 at 9:12 PM Alex Chen <alex.chen@example.com> wrote:
            > Count me in for Thursday! I'll bring a pumpkin pie and some wine.
            > What time should I come over?
            >
            > On Tue, Nov 24, 2026 at 11:03 AM Mei Chen <mei.chen@example.net> wrote:
            >> Are you coming for Thanksgiving dinner at our place? Ben insists on
            >> doing a whole turkey this year, so we need help eating it.
            """)),
    )

    # 37 ---- fyi, ZH, IT maintenance notice, utf-8 8bit (raw UTF-8 in the mbox)
    mail(
        key="zh-it-maintenance", when=datetime(2026, 11, 26, 10, 0, tzinfo=CST),
        sender=("IT服务台", "it-helpdesk@example.com"),
        subject="【系统维护通知】OA系统将于11月28日22:00-24:00停机升级",
        category="fyi", lang="zh", headers=[("Auto-Submitted", "auto-generated")],
        body=text_part(t("""
            各位同事：

            为提升系统性能，IT部将于2026年11月28日（周六）22:00-24:00对OA系统进行停机升级。

            影响范围：OA审批、费用报销、培训报名等功能在维护期间暂停使用；邮件系统不受影响。
            升级完成后无需任何操作，如遇登录问题请清除浏览器缓存后重试。

            如有疑问请联系IT服务台：分机 8000，或发送邮件至 it-helpdesk@example.com。

            给您带来的不便，敬请谅解。

            IT服务台
            """), charset="utf-8", cte="8bit"),
    )

    # 38 ---- promotion, EN, multipart/alternative
    mail(
        key="voltmart-cyber-monday", when=datetime(2026, 11, 27, 8, 30, tzinfo=PST),
        sender=("Voltmart", "offers@voltmart.example.com"),
        subject="Cyber Monday starts now: up to 60% off laptops",
        category="promotion", lang="en",
        headers=bulk_headers(
            "Voltmart offers <offers.voltmart.example.com>",
            "unsubscribe@voltmart.example.com?subject=unsubscribe&id=5f20",
            "https://voltmart.example.com/email/unsubscribe/5f20de"),
        body=alternative("voltmart", t("""
            CYBER MONDAY STARTS NOW

            Up to 60% off laptops, tablets and accessories - this weekend only.

              Aero 14 laptop (16 GB / 1 TB)       $1,199  ->  $699
              Pulse 11 tablet                     $499    ->  $279
              Wireless keyboard + mouse combo     $89     ->  $35

            Shop all deals: https://voltmart.example.com/cyber-monday
            Deals end Monday, November 30 at 11:59 PM.

            Voltmart, 900 Circuit Way, Example City
            Unsubscribe: https://voltmart.example.com/email/unsubscribe/5f20de
            """), t("""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Cyber Monday</title></head>
            <body style="font-family:Arial,sans-serif;background:#111;color:#fff;text-align:center">
            <h1 style="color:#ffd400">CYBER MONDAY STARTS NOW</h1>
            <p>Up to <b>60% off</b> laptops, tablets and accessories &ndash; this weekend only.</p>
            <table align="center" cellpadding="8" style="color:#fff">
            <tr><td>Aero 14 laptop (16 GB / 1 TB)</td><td><s>$1,199</s></td><td><b>$699</b></td></tr>
            <tr><td>Pulse 11 tablet</td><td><s>$499</s></td><td><b>$279</b></td></tr>
            <tr><td>Wireless keyboard + mouse combo</td><td><s>$89</s></td><td><b>$35</b></td></tr>
            </table>
            <p><a href="https://voltmart.example.com/cyber-monday" style="color:#ffd400">Shop all deals</a>
            &middot; Deals end Monday, November 30 at 11:59 PM.</p>
            <p style="font-size:11px;color:#aaa">Voltmart, 900 Circuit Way, Example City &middot;
            <a href="https://voltmart.example.com/email/unsubscribe/5f20de" style="color:#aaa">Unsubscribe</a></p>
            </body></html>
            """)),
    )

    # 39 ---- needs-reply, EN, reference request
    mail(
        key="reference-request", when=datetime(2026, 11, 30, 9, 10, tzinfo=PST),
        sender=("Hannah Brooks", "hannah.brooks@bluepeak.example.org"),
        subject="Reference request for Jamie Ortiz",
        category="needs-reply", lang="en",
        body=text_part(t("""
            Dear Alex,

            Jamie Ortiz has applied for a Senior Data Engineer position at Bluepeak
            Analytics and listed you as a reference from their time on your team
            (2023-2025).

            Would you have 15 minutes for a call this week? I'm available Tuesday
            or Wednesday between 1 and 4 PM Pacific. If email is easier, could you
            answer these questions by Thursday, December 3?

              1. In what capacity did you work with Jamie, and for how long?
              2. What were Jamie's main strengths?
              3. Is there an area where Jamie could grow?
              4. Would you hire Jamie again?

            Everything you share will be kept confidential.

            Kind regards,
            Hannah
            """) + sig("Hannah Brooks", "Talent Acquisition, Bluepeak Analytics",
                       "hannah.brooks@bluepeak.example.org")),
    )

    # 40 ---- personal, ZH, old classmate, utf-8 base64
    mail(
        key="zh-classmate-news", when=datetime(2026, 11, 29, 21, 30, tzinfo=CST),
        sender=("林嘉怡", "lin.jiayi@example.org"),
        subject="好久不见，分享个好消息～",
        category="personal", lang="zh",
        body=text_part(t("""
            晓晓：

            好久不见！最近好吗？

            跟你分享个好消息：我和阿杰上个月领证啦！婚礼打算明年五月在杭州办，到时候一定给你寄请柬，你可千万要来呀。

            另外我换工作了，现在在一家做儿童绘本的出版社当编辑，虽然忙，但每天都挺开心的。

            上周大学宿舍的几个人聚了一次，大家都说好想你，还翻出了我们毕业旅行在西湖边拍的照片，那时候真年轻啊哈哈。

            有空视频聊！

            嘉怡
            """)),
    )


# ---------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def from_line(sender_addr: str, when: datetime) -> str:
    u = when.astimezone(UTC)
    return (f"From {sender_addr} {_DAYS[u.weekday()]} {_MONTHS[u.month - 1]} "
            f"{u.day:2d} {u:%H:%M:%S} {u.year}")


def to_message(spec: dict) -> Message:
    name, addr = spec["sender"]
    hc = spec["header_charset"]
    msg = Message()
    msg["From"] = formataddr((name, addr), charset=header_charset(hc))
    msg["To"] = spec["to"]
    if spec["cc"]:
        msg["Cc"] = ", ".join(spec["cc"])
    if spec["reply_to"]:
        msg["Reply-To"] = spec["reply_to"]
    msg["Subject"] = encode_header(spec["subject"], hc)
    msg["Date"] = format_datetime(spec["when"])
    msg["Message-ID"] = msgid(spec["key"], domain_of(addr))
    if spec["in_reply_to"]:
        msg["In-Reply-To"] = spec["in_reply_to"]
    if spec["references"]:
        msg["References"] = " ".join(spec["references"])
    for k, v in spec["headers"]:
        msg[k] = v
    msg["MIME-Version"] = "1.0"
    body: Message = spec["body"]
    for k, v in body.items():
        msg[k] = v
    msg._payload = body._payload  # raw (keeps 8bit surrogate-escaped bytes intact)
    msg.preamble = body.preamble
    msg.epilogue = body.epilogue
    msg["X-Sift-Expected"] = spec["category"]
    msg["X-Sift-Junk"] = "yes" if spec["junk"] else "no"
    msg["X-Sift-Lang"] = spec["lang"]
    return msg


def render_mbox() -> bytes:
    build_messages()
    specs = sorted(MESSAGES, key=lambda s: s["when"].astimezone(UTC))
    out = io.BytesIO()
    for spec in specs:
        buf = io.BytesIO()
        BytesGenerator(buf, mangle_from_=True, maxheaderlen=76, policy=compat32).flatten(to_message(spec))
        data = buf.getvalue()
        if not data.endswith(b"\n"):
            data += b"\n"
        out.write(from_line(spec["sender"][1], spec["when"]).encode("ascii") + b"\n")
        out.write(data)
        out.write(b"\n")
    return out.getvalue()


def write_mbox(out_dir: Path) -> Path:
    path = out_dir / "inbox.mbox"
    path.write_bytes(render_mbox())
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(MESSAGES)} messages)")
    return path


# ---------------------------------------------------------------------------
# Documents (pdf / docx) - third-party imports happen only in here
# ---------------------------------------------------------------------------

def make_invoice_pdf(path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    ss = getSampleStyleSheet()
    normal = ss["Normal"]
    small = ParagraphStyle("small", parent=normal, fontSize=8.5, leading=11, textColor=colors.grey)
    doc = SimpleDocTemplate(
        str(path), pagesize=LETTER, invariant=1,
        title="Invoice INV-2026-1187", author="Kestrel Web Studio",
        subject="Invoice for website redesign", creator="Kestrel Web Studio billing",
        leftMargin=0.8 * inch, rightMargin=0.8 * inch, topMargin=0.8 * inch, bottomMargin=0.8 * inch,
    )
    story = [
        Table([[Paragraph("<b>Kestrel Web Studio</b><br/>88 Harbor Street, Suite 5<br/>Port Alder<br/>"
                          "billing@kestrelweb.example.com", normal),
                Paragraph("<font size=22><b>INVOICE</b></font>", ParagraphStyle("r", parent=normal, alignment=2))]],
              colWidths=[3.6 * inch, 3.3 * inch]),
        Spacer(1, 18),
        Table([
            [Paragraph("<b>Bill to</b><br/>Alex Chen<br/>Unit 4B, 1200 Maple Court Drive<br/>Riverside Heights<br/>"
                       "alex.chen@example.com", normal),
             Table([["Invoice number:", "INV-2026-1187"],
                    ["Invoice date:", "November 20, 2026"],
                    ["Due date:", "December 20, 2026"],
                    ["Terms:", "Net 30"]],
                   style=[("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 10)])],
        ], colWidths=[3.6 * inch, 3.3 * inch], style=[("VALIGN", (0, 0), (-1, -1), "TOP")]),
        Spacer(1, 22),
    ]
    rows = [
        ["Description", "Qty", "Unit price", "Amount"],
        ["Personal website redesign - visual design", "12 h", "$85.00", "$1,020.00"],
        ["Personal website redesign - development", "16 h", "$85.00", "$1,360.00"],
        ["Hosting setup and migration", "1", "$150.00", "$150.00"],
        ["Domain registration (1 year)", "1", "$18.00", "$18.00"],
        ["", "", "Subtotal", "$2,548.00"],
        ["", "", "Sales tax (8.5%)", "$216.58"],
        ["", "", "Total due", "$2,764.58"],
    ]
    tbl = Table(rows, colWidths=[3.7 * inch, 0.7 * inch, 1.3 * inch, 1.2 * inch])
    tbl.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 4), (-1, 4), 0.5, colors.grey),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("FONTNAME", (2, 7), (3, 7), "Helvetica-Bold"),
        ("LINEABOVE", (2, 7), (3, 7), 0.8, colors.black),
    ]))
    story += [
        tbl,
        Spacer(1, 24),
        Paragraph("<b>Payment</b>", normal),
        Paragraph("Please pay by December 20, 2026. Pay online at https://pay.kestrelweb.example.com/INV-2026-1187 "
                  "or by bank transfer to Kestrel Web Studio, account 000123456789 (Example Community Bank). "
                  "Please include the invoice number as the payment reference. A late fee of 1.5% per month "
                  "applies to overdue balances.", normal),
        Spacer(1, 18),
        Paragraph("Thank you for your business!", normal),
        Spacer(1, 30),
        Paragraph("Kestrel Web Studio is a fictional company. Sample document generated for Sift.", small),
    ]
    doc.build(story)


def make_rental_contract_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=18, wordWrap="CJK")
    title = ParagraphStyle("zh-title", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=12)
    head = ParagraphStyle("zh-head", parent=body, fontSize=12, leading=20, spaceBefore=8)

    doc = SimpleDocTemplate(
        str(path), pagesize=A4, invariant=1,
        title="房屋租赁合同", author="林秀英", subject="梧桐路88弄6号1202室 租赁合同",
        creator="Sift sample generator",
        leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
    )
    paras = [
        ("t", "房屋租赁合同"),
        ("p", "合同编号：ZL-2026-1128"),
        ("p", "出租方（甲方）：林秀英　　身份证号：310************028　　联系电话：139-0000-1234"),
        ("p", "承租方（乙方）：张磊　　身份证号：320************517　　联系电话：138-0000-5678"),
        ("p", "根据《中华人民共和国民法典》及有关规定，甲、乙双方在平等、自愿、协商一致的基础上，就乙方承租甲方房屋事宜，订立本合同。"),
        ("h", "第一条　房屋基本情况"),
        ("p", "甲方将位于上海市示例区梧桐路88弄6号1202室的房屋（建筑面积89.5平方米，两室一厅一卫）出租给乙方作居住使用。"
              "房屋内现有家具、家电清单详见附件一，乙方应合理使用并妥善保管。"),
        ("h", "第二条　租赁期限"),
        ("p", "租赁期自2027年1月1日起至2027年12月31日止，共计12个月。租赁期满，乙方如需续租，应提前30日书面通知甲方，双方另行签订续租合同。"),
        ("h", "第三条　租金及支付方式"),
        ("p", "1. 月租金为人民币陆仟捌佰元整（￥6,800.00）。"),
        ("p", "2. 租金按季度支付（押一付三），乙方应于每季度首月5日前支付当季租金人民币贰万零肆佰元整（￥20,400.00）。"),
        ("p", "3. 首期租金及押金应于2026年12月20日前付清。收款账户：林秀英，示例银行上海分行，账号6222 0000 0000 1234。"),
        ("h", "第四条　押金"),
        ("p", "乙方应于签订本合同时向甲方支付押金人民币陆仟捌佰元整（￥6,800.00）。租赁期满或合同解除后，乙方结清水、电、燃气、物业等费用且房屋及设施无人为损坏的，甲方应于7日内无息退还押金。"),
        ("h", "第五条　相关费用"),
        ("p", "租赁期间的水费、电费、燃气费、网络费由乙方承担；物业管理费及房屋维修基金由甲方承担。"),
        ("h", "第六条　房屋维修"),
        ("p", "房屋及附属设施因自然损耗出现故障的，由甲方负责维修；因乙方使用不当造成损坏的，由乙方负责修复或赔偿。"),
        ("h", "第七条　合同解除与违约责任"),
        ("p", "1. 租赁期内，任何一方提前解除合同，须提前30日书面通知对方，并向对方支付一个月租金作为违约金。"),
        ("p", "2. 乙方逾期支付租金超过15日的，甲方有权解除合同，并要求乙方支付逾期期间的租金。"),
        ("p", "3. 未经甲方书面同意，乙方不得将房屋转租或转借他人。"),
        ("h", "第八条　其他"),
        ("p", "本合同未尽事宜，由双方协商解决；协商不成的，可向房屋所在地人民法院提起诉讼。本合同一式两份，甲、乙双方各执一份，自双方签字之日起生效。"),
        ("p", "附件一：房屋家具、家电清单（略）"),
        ("s", ""),
        ("p", "甲方（签字）：林秀英　　　　　　乙方（签字）：张磊"),
        ("p", "签订日期：2026年11月28日　　　　签订日期：2026年11月28日"),
    ]
    story = []
    for kind, text in paras:
        if kind == "t":
            story.append(Paragraph(text, title))
        elif kind == "h":
            story.append(Paragraph(text, head))
        elif kind == "s":
            story.append(Spacer(1, 24))
        else:
            story.append(Paragraph(text, body))
    doc.build(story)


def _fixed_core_properties(document, *, title: str, author: str, subject: str, keywords: str) -> None:
    cp = document.core_properties
    fixed = datetime(2026, 11, 20, 9, 0, 0)
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.subject = subject
    cp.keywords = keywords
    cp.comments = "Sample document generated for Sift. All names are fictional."
    cp.created = fixed
    cp.modified = fixed
    cp.last_printed = fixed
    cp.revision = 1


def _save_docx_deterministic(document, path: Path) -> None:
    """Save, then rewrite the zip with fixed timestamps so output is byte-stable."""
    buf = io.BytesIO()
    document.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=DOCX_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


def make_itinerary_docx(path: Path) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    _fixed_core_properties(d, title="Travel itinerary - Tokyo, December 10-15, 2026", author="Alex Chen",
                           subject="Itinerary", keywords="travel, itinerary, Tokyo")
    d.styles["Normal"].font.size = Pt(10.5)
    d.add_heading("Travel Itinerary: Tokyo, Japan", 0)
    d.add_paragraph("Traveller: Alex Chen    Trip dates: Thursday, December 10 - Tuesday, December 15, 2026")
    d.add_paragraph("Purpose: Local-First Software Summit (speaker) + two days of vacation")

    d.add_heading("Flights", level=1)
    flights = [
        ("Date", "Flight", "From", "To", "Depart", "Arrive", "Confirmation"),
        ("Thu Dec 10", "PX 115", "Seattle (SEA)", "Tokyo Haneda (HND)", "12:35", "16:50 (+1 day)", "QK7R2M"),
        ("Tue Dec 15", "PX 116", "Tokyo Haneda (HND)", "Seattle (SEA)", "18:05", "10:40", "QK7R2M"),
    ]
    table = d.add_table(rows=0, cols=len(flights[0]))
    table.style = "Table Grid"
    for row in flights:
        cells = table.add_row().cells
        for c, v in zip(cells, row):
            c.text = v
    d.add_paragraph("Airline: Pacific Example Air. Seats 23A / 23A. One checked bag included.")

    d.add_heading("Hotel", level=1)
    d.add_paragraph("Hotel Sakura Example, 2-4-1 Example-cho, Minato-ku, Tokyo. "
                    "Check-in Friday Dec 11 (15:00), check-out Tuesday Dec 15 (11:00). 4 nights, "
                    "confirmation HS-448812, prepaid JPY 92,400 incl. breakfast.")

    d.add_heading("Day by day", level=1)
    days = [
        ("Fri, Dec 11", "Arrive HND 16:50. Airport limousine bus to hotel (about 50 min). Dinner near the hotel."),
        ("Sat, Dec 12", "Local-First Software Summit, day 1. Talk \"Private email triage on a laptop\" at 14:00, "
                        "Hall B. Speaker dinner 19:00."),
        ("Sun, Dec 13", "Summit day 2 (morning). Afternoon: Asakusa and Senso-ji, evening in Ueno."),
        ("Mon, Dec 14", "Day trip to Kamakura: JR Yokosuka Line from Tokyo Station 08:12. "
                        "Great Buddha, Hase-dera, dinner back in Tokyo with Kenji (former colleague)."),
        ("Tue, Dec 15", "Check out 11:00, leave luggage at hotel. Tsukiji outer market lunch. "
                        "Leave for HND by 15:00; flight PX 116 at 18:05."),
    ]
    for day, plan in days:
        p = d.add_paragraph(style="List Bullet")
        p.add_run(day + ": ").bold = True
        p.add_run(plan)

    d.add_heading("Notes", level=1)
    for note in ("Passport valid until 2031-04; no visa needed for stays under 90 days.",
                 "Load the transit card on arrival (JPY 5,000).",
                 "Conference contact: program@lfs-summit.example.org, +81 3 0000 0000.",
                 "Emergency contact: Mei Chen, mei.chen@example.net."):
        d.add_paragraph(note, style="List Bullet")
    _save_docx_deterministic(d, path)


def make_cv_docx(path: Path) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    _fixed_core_properties(d, title="李文 Li Wen - 个人简历 / CV", author="Li Wen",
                           subject="Curriculum vitae", keywords="CV, resume, 简历, machine learning")
    d.styles["Normal"].font.size = Pt(10.5)
    d.add_heading("李文 Li Wen", 0)
    d.add_paragraph("机器学习工程师 / Machine Learning Engineer")
    d.add_paragraph("邮箱 Email: li.wen@example.org　|　电话 Phone: +86 138 0000 2468　|　"
                    "主页: https://liwen.example.org　|　上海 Shanghai")

    d.add_heading("个人简介 Summary", level=1)
    d.add_paragraph("5年机器学习工程经验，专注于端侧（on-device）模型压缩与中文自然语言处理。"
                    "Five years of experience shipping NLP models on phones and laptops; led the quantisation "
                    "pipeline that cut model size by 4x with under 1 point of accuracy loss.")

    d.add_heading("工作经历 Experience", level=1)
    jobs = [
        ("2023.03 - 至今 Present", "高级机器学习工程师 Senior ML Engineer, 示例智能科技（Example AI Tech）, 上海",
         ["负责输入法端侧语言模型的量化与部署，模型体积减少75%，延迟降低40%。",
          "Built an evaluation harness for bilingual (zh/en) text classification used by 4 teams.",
          "带领3人小组完成中文垃圾短信识别模型，召回率由88%提升到95%。"]),
        ("2021.07 - 2023.02", "机器学习工程师 ML Engineer, 北辰数据（Beichen Data, fictional）, 杭州",
         ["开发客服工单自动分类系统，覆盖12个类别，准确率91%。",
          "Migrated training pipelines to a reproducible, config-driven setup."]),
    ]
    for when, role, bullets in jobs:
        p = d.add_paragraph()
        p.add_run(role).bold = True
        p.add_run("\n" + when)
        for b in bullets:
            d.add_paragraph(b, style="List Bullet")

    d.add_heading("教育背景 Education", level=1)
    d.add_paragraph("2018 - 2021　示例大学 计算机科学与技术 硕士 (M.Sc. Computer Science, Example University)")
    d.add_paragraph("2014 - 2018　示例大学 软件工程 学士 (B.Eng. Software Engineering)")

    d.add_heading("技能 Skills", level=1)
    d.add_paragraph("Python, PyTorch, ONNX, C++, 模型量化与蒸馏 (quantisation & distillation), "
                    "中文分词与文本分类, SQL, Docker")

    d.add_heading("语言 Languages", level=1)
    d.add_paragraph("中文（母语）Chinese (native)；英语（流利，IELTS 7.5）English (fluent)")

    d.add_heading("出版物 Publications", level=1)
    d.add_paragraph("Li W., Zhang H. \"Tiny but Bilingual: Distilling Chinese-English Classifiers for Mobile\", "
                    "Example Workshop on Efficient NLP, 2025.")
    _save_docx_deterministic(d, path)


GENERATED_DOCUMENTS = {
    "invoice_INV-2026-1187.pdf": make_invoice_pdf,
    "rental_contract_zh.pdf": make_rental_contract_pdf,
    "travel_itinerary_tokyo.docx": make_itinerary_docx,
    "cv_li_wen.docx": make_cv_docx,
}


def write_documents(out_dir: Path) -> None:
    import shutil

    docs = out_dir / "documents"
    docs.mkdir(parents=True, exist_ok=True)
    if docs.resolve() != (HERE / "documents").resolve():
        # Generating elsewhere (e.g. a test's tmp dir): bring the hand-written documents along.
        for name in EXPECTED_DOCUMENTS:
            if name not in GENERATED_DOCUMENTS:
                shutil.copyfile(HERE / "documents" / name, docs / name)
    for name, fn in GENERATED_DOCUMENTS.items():
        fn(docs / name)
        print(f"wrote {docs / name} ({(docs / name).stat().st_size} bytes)")
    assert set(EXPECTED_DOCUMENTS.values()) <= set(DOCUMENT_TYPES)
    present = {p.name for p in docs.iterdir() if p.is_file()}
    missing = set(EXPECTED_DOCUMENTS) - present
    unlabeled = present - set(EXPECTED_DOCUMENTS)
    if missing or unlabeled:
        raise SystemExit(f"documents/ mismatch: missing={sorted(missing)} unlabeled={sorted(unlabeled)}")
    exp = out_dir / "expected.json"
    exp.write_text(json.dumps(EXPECTED_DOCUMENTS, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                   encoding="utf-8")
    print(f"wrote {exp}")


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------

def _has_cjk(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def verify(out_dir: Path) -> None:
    import mailbox
    from email import policy
    from email.parser import BytesParser

    ok = True

    def fail(msg: str) -> None:
        nonlocal ok
        ok = False
        print("FAIL:", msg)

    mbox = mailbox.mbox(str(out_dir / "inbox.mbox"), create=False)
    parser = BytesParser(policy=policy.default)
    cats: Counter = Counter()
    langs: Counter = Counter()
    ids = set()
    print("== inbox.mbox ==")
    for i, key in enumerate(mbox.iterkeys(), 1):
        m = parser.parsebytes(mbox.get_bytes(key))
        subj = str(m["Subject"])
        cat, junk, lang = m["X-Sift-Expected"], m["X-Sift-Junk"], m["X-Sift-Lang"]
        cats[cat] += 1
        langs[lang] += 1
        mid = m["Message-ID"]
        if mid in ids:
            fail(f"duplicate Message-ID {mid}")
        ids.add(mid)
        for h in ("From", "To", "Date", "Subject", "Message-ID"):
            if not m[h]:
                fail(f"#{i} missing {h}")
        d = m["Date"].datetime
        if not (datetime(2026, 11, 16, tzinfo=UTC) - timedelta(hours=12) <= d
                <= datetime(2026, 12, 1, tzinfo=UTC)):
            fail(f"#{i} date out of range: {d}")
        part = m.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
        if not text.strip():
            fail(f"#{i} empty body")
        if lang == "zh" and not (_has_cjk(subj) and _has_cjk(text)):
            fail(f"#{i} Chinese did not decode: {subj!r}")
        if "\ufffd" in subj or "\ufffd" in text:
            fail(f"#{i} replacement characters in decoded text")
        charsets = sorted({p.get_content_charset() for p in m.walk() if p.get_content_maintype() == "text"})
        ctes = sorted({p.get("Content-Transfer-Encoding", "7bit") for p in m.walk() if not p.is_multipart()})
        print(f"{i:2d} {m['Date'].datetime:%m-%d %H:%M} {lang} {cat:15s} junk={junk:3s} "
              f"[{m.get_content_type()}; {','.join(charsets)}; {','.join(ctes)}] {subj}")
        if "gb" in ",".join(charsets):
            print("     body:", text.strip().splitlines()[0], "/", text.strip().splitlines()[-1])
    print("total:", sum(cats.values()), dict(sorted(cats.items())), dict(langs))

    docs = out_dir / "documents"
    if docs.is_dir():
        print("== documents ==")
        expected = json.loads((out_dir / "expected.json").read_text(encoding="utf-8"))
        for name in sorted(expected):
            p = docs / name
            if p.suffix == ".pdf":
                from pypdf import PdfReader
                r = PdfReader(str(p))
                text = "\n".join(pg.extract_text() or "" for pg in r.pages)
            elif p.suffix == ".docx":
                import docx
                dd = docx.Document(str(p))
                text = "\n".join(par.text for par in dd.paragraphs)
                text += "\n".join(c.text for tb in dd.tables for row in tb.rows for c in row.cells)
            else:
                text = p.read_text(encoding="utf-8")
            if len(text.strip()) < 200:
                fail(f"{name}: too little text extracted ({len(text)})")
            first = " ".join(text.split())[:70]
            print(f"{name:36s} {expected[name]:9s} {p.stat().st_size:7d} B  cjk={_has_cjk(text)!s:5s} {first}")
    total = sum(f.stat().st_size for f in out_dir.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
    print(f"total size of {out_dir.name}/: {total} bytes")
    if total >= 1_000_000:
        fail("sample data is larger than 1 MB")
    if not ok:
        raise SystemExit(1)
    print("OK")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mbox", action="store_true", help="generate inbox.mbox only")
    ap.add_argument("--docs", action="store_true", help="generate pdf/docx documents and expected.json only")
    ap.add_argument("--verify", action="store_true", help="read the generated files back and check them")
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: next to this script)")
    args = ap.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    generate_all = not (args.mbox or args.docs or args.verify)
    if args.mbox or generate_all:
        write_mbox(out)
    if args.docs or generate_all:
        write_documents(out)
    if args.verify:
        verify(out)


if __name__ == "__main__":
    main(sys.argv[1:])
