"""The categories and document types Sift starts with.

Descriptions matter: before any feedback exists, items are matched against
them (zero-shot), in English and Chinese, so each one says what typically
appears in such a mail or document in both languages.
"""

from __future__ import annotations

from assistant.types import Category
from assistant.types import ItemKind

MAIL = ItemKind.MAIL
DOC = ItemKind.DOCUMENT

DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category(
        "needs-reply",
        "A person writes to me directly and asks a question or asks me to do something, "
        "and waits for my answer. Can you, could you, please let me know, 请回复, 能否, 麻烦你",
        MAIL,
    ),
    Category(
        "meeting",
        "A meeting invitation or schedule change: date, time, room or video call link, agenda. "
        "会议通知, 开会时间和地点, 日程安排",
        MAIL,
    ),
    Category(
        "newsletter",
        "A newsletter or digest I subscribed to: weekly news, articles, blog posts, "
        "unsubscribe link. 每周简报, 订阅的资讯",
        MAIL,
    ),
    Category(
        "promotion",
        "A marketing or sales offer from a shop: discount, coupon, limited time deal, new "
        "products. 优惠, 促销, 打折, 限时活动",
        MAIL,
    ),
    Category(
        "finance",
        "An invoice, receipt, bill, payment confirmation, bank statement or amount due. "
        "发票, 账单, 付款, 收据, 银行对账单, 应付金额",
        MAIL,
    ),
    Category(
        "personal",
        "A personal message from family or friends about life, plans, photos, a dinner or a "
        "trip. 家人朋友的私人来信, 周末聚会",
        MAIL,
    ),
    Category(
        "fyi",
        "An automatic notification or announcement for information only, no action needed: "
        "shipping update, system notice, policy change. 系统通知, 仅供参考",
        MAIL,
    ),
    Category("invoice", "An invoice, bill or receipt with amounts. 发票, 账单, 收据", DOC),
    Category(
        "contract", "A contract or agreement with parties, terms and signatures. 合同, 协议", DOC
    ),
    Category("report", "A report on status, results or progress, with findings. 报告, 总结", DOC),
    Category("notes", "Meeting notes or minutes with attendees and decisions. 会议纪要, 笔记", DOC),
    Category("letter", "A letter written to someone. 信函", DOC),
    Category("cv", "A CV or résumé: experience, education, skills. 简历", DOC),
    Category(
        "article", "An article, paper or essay: abstract, sections, references. 文章, 论文", DOC
    ),
    Category("recipe", "A recipe: ingredients and cooking steps. 菜谱, 做法", DOC),
    Category("itinerary", "A travel itinerary: flights, hotels, dates. 行程, 旅行安排", DOC),
)
