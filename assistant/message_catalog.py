"""The sentences the engine makes, in English and Chinese (``assistant.messages`` uses them).

One ``Template`` per sentence: a stable key, the English form (what the store
keeps) and the Chinese form. Add a sentence here and say it with
``assistant.messages.say``; ``tests/assistant/test_messages.py`` checks that
every key said has Chinese and reads back from its English.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from dataclasses import field

LANGUAGES = ("en", "zh")


@dataclass(frozen=True, slots=True)
class Template:
    """One sentence the engine makes.

    Attributes:
        key: a stable name (``suggest.junk``), used by the code that says it.
        en: the English form, a ``str.format`` template (fields may have a format spec).
        zh: the Chinese form, with the same field names (no format specs: the
            values come formatted from the English text).
        lists: fields holding a list of other messages, with their separator.
    """

    key: str
    en: str
    zh: str
    lists: dict[str, str] = field(default_factory=dict)

    def fields(self, language: str = "en") -> list[str]:
        """The field names of one form, in order."""
        text = self.en if language == "en" else self.zh
        return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def _t(key: str, en: str, zh: str, **lists: str) -> Template:
    return Template(key, en, zh, dict(lists))


# Percent fields (``:.0%``) and numbers (``:.2f``) match digits only, so a
# template with a percent cannot swallow an unrelated sentence.
_TEMPLATES = (
    # -- suggestion reasons (assistant.suggest) ----------------------------------
    _t(
        "suggest.junk",
        "Looks like junk ({p:.0%}): {clues}",
        "看起来像垃圾邮件（{p}）：{clues}",
        clues=", ",
    ),
    _t(
        "suggest.possibly_junk",
        "Possibly junk ({p:.0%}): {clues}",
        "可能是垃圾邮件（{p}）：{clues}",
        clues=", ",
    ),
    _t(
        "suggest.not_junk",
        "Only {p:.0%} junk-like: keep it if it is mail you want",
        "只有 {p} 像垃圾邮件：如果是你想要的邮件，就保留它",
    ),
    _t(
        "suggest.file_document",
        "{article} {label} document: file it under {folder}",
        "{label} 类文档：归档到 {folder}",
    ),
    _t(
        "suggest.rename",
        "The name {file_name} says nothing about it: rename it to {name}",
        "文件名 {file_name} 看不出内容：改名为 {name}",
    ),
    _t("suggest.unopened_document", "A document you have not opened yet", "一份你还没打开过的文档"),
    _t(
        "suggest.reply",
        "{sender} asks you something and waits for an answer",
        "{sender} 向你提了问题，正在等你回复",
    ),
    _t(
        "suggest.follow_up",
        "Follow up if this is still open in two days",
        "如果两天后仍未解决，就跟进一下",
    ),
    _t("suggest.meeting", "A meeting: add it to your calendar", "一个会议：加入日历"),
    _t(
        "suggest.meeting_when",
        "A meeting ({when}): add it to your calendar",
        "一个会议（{when}）：加入日历",
    ),
    _t("suggest.bill", "A bill or receipt: record it", "一张账单或收据：记下来"),
    _t(
        "suggest.bill_amount",
        "A bill or receipt of {amount}: record it",
        "一张 {amount} 的账单或收据：记下来",
    ),
    _t("suggest.finance_file", "Finance mail: file it under Finance", "财务邮件：归档到 Finance"),
    _t(
        "suggest.unsubscribe",
        "A {label} with an unsubscribe link, if you no longer want it",
        "带退订链接的 {label}：如果不想再收，可以退订",
    ),
    _t("suggest.nothing_now", "A {label}: nothing to act on now", "{label}：现在无需处理"),
    _t("suggest.fyi", "For information only: no action needed", "仅供参考：无需操作"),
    _t("suggest.personal", "A personal note from {sender}", "来自 {sender} 的私人消息"),
    _t(
        "suggest.unsure",
        "No clear category (unsure); archive it if it needs nothing from you: {title}",
        "分类不明确（不确定）；如果不需要你做什么，就归档：{title}",
    ),
    # -- category clues (assistant.triage, assistant.signals) ----------------------
    _t(
        "triage.like",
        "like \u201c{title}\u201d (you filed it as {name}, {similarity:.2f})",
        "类似\u201c{title}\u201d（你把它归为 {name}，相似度 {similarity}）",
    ),
    _t(
        "triage.words_quoted",
        "words of \u201c{name}\u201d: {words}",
        "\u201c{name}\u201d的特征词：{words}",
    ),
    _t("triage.words", "words of {name}: {words}", "{name} 的特征词：{words}"),
    _t(
        "triage.description",
        "closest to the description of \u201c{name}\u201d",
        "最接近\u201c{name}\u201d的描述",
    ),
    _t("triage.unsure", "unsure: {name} {p:.0%} vs {other}", "不确定：{name} {p}，其次是 {other}"),
    _t(
        "triage.best_guess",
        "best guess: {name} {p:.0%} (still learning your categories, not yet checked)",
        "最佳猜测：{name} {p}（仍在学习你的分类，尚未核验）",
    ),
    _t("signal.list", "sent to a list (unsubscribe link)", "发给邮件列表（有退订链接）"),
    _t("signal.robot", "sent by a robot (no-reply address)", "由机器发送（no-reply 地址）"),
    _t("signal.deals", "talks of discounts or deals", "谈到折扣或优惠"),
    _t("signal.question", "asks you a question", "向你提问"),
    _t("signal.money", "mentions an amount of money", "提到一笔金额"),
    _t("signal.date", "mentions a date or time", "提到日期或时间"),
    # -- junk filter clues (assistant.junk) ----------------------------------------
    _t("junk.token_junk", "\u2018{token}\u2019 {f:.2f} (junk)", "\u2018{token}\u2019 {f}（垃圾）"),
    _t(
        "junk.token_ham",
        "\u2018{token}\u2019 {f:.2f} (not junk)",
        "\u2018{token}\u2019 {f}（非垃圾）",
    ),
    _t("junk.documents", "documents are not junk-filtered", "文档不做垃圾过滤"),
    _t(
        "junk.no_words",
        "no words it has learned yet: unsure until you mark similar mail",
        "还没有学到的词：在你标记类似邮件之前无法确定",
    ),
    # -- verdicts as shown (assistant.report) --------------------------------------
    _t("report.not_filtered", "not filtered", "未过滤"),
    _t("report.junk_unsure", "junk? {p:.0%}", "垃圾？{p}"),
    _t("report.junk", "junk {p:.0%}", "垃圾 {p}"),
    _t("report.not_junk", "not junk {p:.0%}", "非垃圾 {p}"),
    _t("report.yours", "{name} (yours)", "{name}（你设定的）"),
    _t("report.unsure", "unsure", "不确定"),
    # -- priority reasons (assistant.priority) -------------------------------------
    _t("priority.category.up", "its category usually matters", "这个分类通常重要"),
    _t("priority.category.down", "its category rarely matters", "这个分类很少重要"),
    _t("priority.asks_you.up", "asks you something", "向你提了问题"),
    _t("priority.asks_you.down", "asks nothing of you", "没有要求你做什么"),
    _t("priority.deadline.up", "has a deadline", "有截止日期"),
    _t("priority.deadline.down", "no deadline", "没有截止日期"),
    _t("priority.date.up", "mentions a date", "提到日期"),
    _t("priority.date.down", "no date", "没有日期"),
    _t("priority.to_you.up", "sent to you directly", "直接发给你"),
    _t("priority.to_you.down", "not sent to you directly", "不是直接发给你"),
    _t("priority.cc.up", "you are in copy", "你在抄送中"),
    _t("priority.cc.down", "you are not in copy", "你不在抄送中"),
    _t("priority.list_mail.up", "list mail", "邮件列表"),
    _t("priority.list_mail.down", "sent to a list", "发给列表"),
    _t("priority.sender_acted.up", "a sender you often act on", "你常处理的发件人"),
    _t("priority.sender_acted.down", "a sender you rarely act on", "你很少处理的发件人"),
    _t("priority.sender_frequent.up", "a frequent sender", "常见发件人"),
    _t("priority.sender_frequent.down", "a rare sender", "少见发件人"),
    _t("priority.category_acted.up", "a category you often act on", "你常处理的分类"),
    _t("priority.category_acted.down", "a category you rarely act on", "你很少处理的分类"),
    _t("priority.replied.up", "you replied in this thread", "你在这个对话中回复过"),
    _t("priority.replied.down", "you have not replied in this thread", "你没有在这个对话中回复过"),
    _t("priority.long_thread.up", "a long conversation", "较长的对话"),
    _t("priority.long_thread.down", "a short conversation", "较短的对话"),
    _t("priority.junk.up", "looks like junk", "像垃圾邮件"),
    _t("priority.junk.down", "looks legitimate", "看起来正常"),
    _t("priority.baseline.up", "you act on most mail", "你会处理大多数邮件"),
    _t("priority.baseline.down", "you act on little mail", "你很少处理邮件"),
    # -- read next and related items (assistant.recommend) -------------------------
    _t("recommend.unread", "unread, from {date}", "未读，{date}"),
    _t("recommend.sender", "you usually read mail from {sender}", "你常读 {sender} 的邮件"),
    _t("recommend.category", "you often read {category} items", "你常读 {category} 类条目"),
    _t(
        "recommend.like_title",
        "like \u201c{title}\u201d, which you read",
        "类似你读过的\u201c{title}\u201d",
    ),
    _t("recommend.like_read", "like items you read", "类似你读过的条目"),
    _t("recommend.deadline", "high priority: deadline {deadline}", "高优先级：截止 {deadline}"),
    _t("recommend.priority", "high priority ({priority:.2f})", "高优先级（{priority}）"),
    _t("recommend.new", "new ({date})", "新（{date}）"),
    _t("related.similar", "similar content ({similarity:.2f})", "内容相似（{similarity}）"),
    _t("related.thread", "same conversation", "同一对话"),
    _t("related.sender", "also from {sender}", "同样来自 {sender}"),
    _t("related.category", "also {category}", "同样是 {category}"),
    # -- the digest page (assistant.digest) ------------------------------------------
    _t("digest.title", "Sift digest {day}", "Sift 每日摘要 {day}"),
    _t(
        "digest.heading_one",
        "Sift digest for {day}: 1 low-priority item",
        "{day} 的 Sift 每日摘要：1 个低优先级条目",
    ),
    _t(
        "digest.heading",
        "Sift digest for {day}: {count} low-priority items",
        "{day} 的 Sift 每日摘要：{count} 个低优先级条目",
    ),
    _t(
        "digest.help",
        "Each button is a <code>sift://accept/ID</code> link: the Sift app's Digest view asks "
        "you to confirm first; the command next to it accepts in a terminal.",
        "每个按钮都是一个 <code>sift://accept/ID</code> 链接：Sift 应用的每日摘要视图会先请你确认；"
        "旁边的命令可在终端中接受。",
    ),
    _t("digest.nothing", "Nothing low-priority today.", "今天没有低优先级条目。"),
    _t("digest.no_suggestions", "no open suggestions", "没有待处理的建议"),
    _t("digest.no_title", "(no title)", "（无标题）"),
    _t("digest.priority", "priority {priority:.2f}", "优先级 {priority}"),
    # -- suggestion kinds as the digest and the CLI name them ------------------------
    _t("kind.archive", "archive", "归档"),
    _t("kind.file_into", "file into", "归入"),
    _t("kind.follow_up", "follow up", "跟进"),
    _t("kind.reply_draft", "reply draft", "起草回复"),
    _t("kind.mark_junk", "mark junk", "标为垃圾"),
    _t("kind.not_junk", "not junk", "不是垃圾"),
    _t("kind.calendar_event", "calendar event", "加入日历"),
    _t("kind.unsubscribe", "unsubscribe", "退订"),
    _t("kind.read_later", "read later", "稍后阅读"),
    _t("kind.record_bill", "record bill", "记录账单"),
    _t("kind.rename", "rename", "重命名"),
    # -- what an accepted suggestion did (assistant.actions: ``ActionRecord.summary``);
    # matched from the stored text, which the action handlers make themselves.
    _t(
        "action.archived_inside",
        "archived inside Sift (the mailbox file itself is not rewritten)",
        "已在 Sift 中归档（邮箱文件本身不会改写）",
    ),
    _t(
        "action.filed_inside",
        "filed under {folder} inside Sift (the mailbox file itself is not rewritten)",
        "已在 Sift 中归入 {folder}（邮箱文件本身不会改写）",
    ),
    _t(
        "action.archived_moved",
        "archived: moved {source} to {target}",
        "已归档：{source} 移到了 {target}",
    ),
    _t(
        "action.filed_moved",
        "filed under {folder}: moved {source} to {target}",
        "已归入 {folder}：{source} 移到了 {target}",
    ),
    _t("action.renamed", "renamed {old} to {new}", "已将 {old} 改名为 {new}"),
    _t("action.bill", "bill recorded: {payee}, {amount}", "已记录账单：{payee}，{amount}"),
    _t(
        "action.bill_due",
        "bill recorded: {payee}, {amount}, due {due}",
        "已记录账单：{payee}，{amount}，{due} 到期",
    ),
    _t("action.read_later", "added to the read-later list", "已加入稍后阅读列表"),
    _t("action.reminder", "reminder set for {when}", "已设置提醒：{when}"),
    _t(
        "action.calendar",
        "calendar event on {day} saved as {path}",
        "{day} 的日历事件已保存为 {path}",
    ),
    _t(
        "action.calendar_place",
        "calendar event on {day} at {place} saved as {path}",
        "{day} 在 {place} 的日历事件已保存为 {path}",
    ),
    _t("action.reply_draft", "reply draft saved as {path}", "回复草稿已保存为 {path}"),
    _t(
        "action.unsubscribe_draft",
        "unsubscribe draft to {address} saved as {path}",
        "发给 {address} 的退订草稿已保存为 {path}",
    ),
    _t(
        "action.unsubscribe_link",
        "open this link to unsubscribe (Sift does not open it): {link}",
        "打开此链接即可退订（Sift 不会替你打开）：{link}",
    ),
    _t(
        "action.marked_junk",
        "marked as junk; the junk filter learned from it",
        "已标为垃圾；垃圾过滤器已从中学习",
    ),
    _t(
        "action.marked_not_junk",
        "marked as not junk; the junk filter learned from it",
        "已标为非垃圾；垃圾过滤器已从中学习",
    ),
    _t("action.no_amount", "no amount found", "未找到金额"),
    _t("action.reminder_removed", "reminder removed", "提醒已删除"),
    _t("action.bill_removed", "bill removed from the list", "账单已从列表中删除"),
    _t("action.read_later_removed", "removed from the read-later list", "已从稍后阅读列表中移除"),
    _t("action.nothing_to_undo", "nothing to undo", "没有可撤销的操作"),
    # -- why an item could not be read (assistant.extract, mailparse, office, ocr,
    # pipeline); matched from the stored text, which the readers make themselves.
    _t("error.empty_message", "empty message", "空邮件"),
    _t("error.unparseable", "unparseable message: {detail}", "无法解析的邮件：{detail}"),
    _t(
        "error.not_mail",
        "not a mail message (binary data without headers)",
        "不是邮件（没有邮件头的二进制数据）",
    ),
    _t(
        "error.no_content",
        "message has no subject, text or attachments",
        "邮件没有主题、正文或附件",
    ),
    _t("error.no_text", "no text found in {name}", "在 {name} 中没有找到文字"),
    _t(
        "error.pdf_no_text_ocr",
        "PDF has no text layer (scanned image?); install {tool} for OCR",
        "PDF 没有文字层（扫描图像？）；安装 {tool} 以进行文字识别",
    ),
    _t(
        "error.pdf_ocr_empty",
        "PDF has no text layer (scanned image?) and OCR found no text",
        "PDF 没有文字层（扫描图像？），文字识别也没有找到文字",
    ),
    _t("error.pdf_unreadable", "unreadable PDF: {detail}", "无法读取的 PDF：{detail}"),
    _t("error.pdf_encrypted", "PDF is encrypted", "PDF 已加密"),
    _t("error.docx_unreadable", "unreadable DOCX: {detail}", "无法读取的 DOCX：{detail}"),
    _t("error.odt_unreadable", "unreadable ODT: {detail}", "无法读取的 ODT：{detail}"),
    _t("error.odt_empty", "ODT has no text", "ODT 没有文字"),
    _t("error.msg_unreadable", "unreadable .msg: {detail}", "无法读取的 .msg：{detail}"),
    _t("error.unsupported", "unsupported format: {suffix}", "不支持的格式：{suffix}"),
    _t(
        "error.too_large",
        "file too large: {size} bytes (limit {limit})",
        "文件太大：{size} 字节（上限 {limit}）",
    ),
    _t(
        "error.too_large_more",
        "file too large: more than {limit} bytes",
        "文件太大：超过 {limit} 字节",
    ),
    _t("error.cannot_read", "cannot read {name}: {detail}", "无法读取 {name}：{detail}"),
    _t("error.ocr_failed", "OCR failed ({detail})", "文字识别失败（{detail}）"),
    _t("error.ocr_needs", "OCR needs {tools}", "文字识别需要 {tools}"),
    _t("error.classification", "classification failed: {detail}", "分类失败：{detail}"),
    _t("error.unknown", "unknown reason", "原因不明"),
)

CATALOG: dict[str, Template] = {t.key: t for t in _TEMPLATES}
if len(CATALOG) != len(_TEMPLATES):  # a repeated key would silently shadow a sentence
    raise RuntimeError("assistant.messages: duplicate template keys")
