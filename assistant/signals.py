"""Structural signals that mail clients have always used for triage.

Embeddings see what a mail is *about*; these see how it was *sent*: an
unsubscribe header means bulk mail, a ``noreply`` sender means a robot, a
direct question to you means someone waits for an answer. Each fired signal
nudges the default categories' scores by a small amount (about one softmax
temperature, so it decides close calls and never overrides clear evidence)
and is shown as a clue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.fields import Fields
from assistant.messages import say

NUDGE = 0.015

_ROBOT = re.compile(r"no-?reply|notifications?@|mailer-daemon|do-?not-?reply|alerts?@", re.I)
_PROMO = re.compile(
    r"\b\d{1,2}\s?% off\b|\bcoupon\b|\bpromo code\b|\bsale\b|\bdeal[s]?\b|\bdiscount\b"
    r"|优惠|折扣|满\d+减|打折|促销|限时",
    re.I,
)
_UNSUBSCRIBE = re.compile(r"unsubscribe|退订|取消订阅", re.I)


@dataclass(frozen=True, slots=True)
class Signal:
    """One fired signal: its clue text and its nudges per category."""

    clue: str
    nudges: dict[str, float]


def mail_signals(title: str, text: str, metadata: dict[str, str], fields: Fields) -> list[Signal]:
    """The structural signals one mail shows.

    Requests, amounts and dates come from ``fields`` (``assistant.fields`` is
    the one place that finds them).
    """
    fired: list[Signal] = []
    sender = metadata.get("from", "")
    bulk = bool(metadata.get("list_unsubscribe")) or bool(_UNSUBSCRIBE.search(text[-1500:]))
    robot = bool(_ROBOT.search(sender))
    if bulk:
        fired.append(
            Signal(
                say("signal.list"),
                {
                    "newsletter": NUDGE,
                    "promotion": NUDGE,
                    "needs-reply": -NUDGE,
                    "personal": -NUDGE,
                },
            )
        )
    if robot:
        fired.append(
            Signal(
                say("signal.robot"),
                {"fyi": NUDGE, "needs-reply": -NUDGE, "personal": -NUDGE},
            )
        )
    if _PROMO.search(f"{title}\n{text[:2000]}"):
        fired.append(Signal(say("signal.deals"), {"promotion": NUDGE}))
    if not bulk and not robot and fields.requests:
        fired.append(Signal(say("signal.question"), {"needs-reply": NUDGE}))
    if fields.amounts:
        fired.append(Signal(say("signal.money"), {"finance": NUDGE / 2}))
    if fields.dates and not bulk:
        fired.append(Signal(say("signal.date"), {"meeting": NUDGE / 2}))
    return fired
