"""UI strings in English and Chinese: a small table looked up by ``tr``.

A table rather than Qt Linguist files: Sift has one extra language and a few
hundred strings, and a Python dict needs no build step (``lrelease``) and is
checked by the tests (every key used by the windows has a translation). The
language is a user preference (``Settings.ui_language``).

A change applies at once: ``set_language`` sends ``QEvent.LanguageChange`` to
every window, which Qt passes down to each child widget, and each widget that
shows text re-applies it in ``changeEvent`` (its ``retranslate`` method, the
pattern of Qt Designer's ``retranslateUi``). Objects that are not widgets
(the item model, the tray, the status line) listen to ``language_changed()``.
Engine-made text (reasons, clues, errors) is English in the store and shown
through ``engine_text``, which renders it from ``assistant.messages``.
"""

from __future__ import annotations

import locale
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtCore import QEvent
from PySide6.QtCore import QLibraryInfo
from PySide6.QtCore import QObject
from PySide6.QtCore import QTranslator
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication

from assistant.messages import localize

LANGUAGES = {"en": "English", "zh": "中文"}

ZH: dict[str, str] = {
    # main window
    "Title": "标题",
    "From/Path": "发件人/路径",
    "Category": "分类",
    "Junk": "垃圾",
    "Priority": "优先级",
    "Date": "日期",
    "Add source…": "添加来源…",
    "Add folder…": "添加文件夹…",
    "Add mail file…": "添加邮件文件…",
    "Add Maildir…": "添加 Maildir…",
    "Train": "训练",
    "Refresh": "刷新",
    "Settings…": "设置…",
    "Dashboard": "仪表盘",
    "Shortcuts": "快捷键",
    "Read next": "接下来读",
    "Undo": "撤销",
    "Quit": "退出",
    "&View": "视图(&V)",
    "&Edit": "编辑(&E)",
    "Follow up": "跟进",
    "Show Sift": "显示 Sift",
    "Search all items (/)": "搜索全部条目（/）",
    "Starting…": "正在启动…",
    "Ready": "就绪",
    "items": "条",
    "could not be read": "无法读取",
    "Read": "已读取",
    "with errors": "有错误",
    "● unread, ◆ open suggestions, ⚠ could not be read": "● 未读，◆ 待处理建议，⚠ 无法读取",
    "Could not read this item": "无法读取此条目",
    "read": "已读",
    "unread": "未读",
    "open suggestions": "待处理建议",
    "search results for": "搜索结果：",
    # sources pane
    "All items": "全部条目",
    "Unread": "未读",
    "Suggestions": "建议",
    "Read later": "稍后阅读",
    "Unsure": "不确定",
    "Errors": "错误",
    "Sources": "来源",
    "Categories": "分类",
    "Document types": "文档类型",
    "Views": "视图",
    "(paused)": "（已暂停）",
    # detail pane
    "Select an item to see its summary and suggestions.": "选择一个条目以查看摘要和建议。",
    "Summary": "摘要",
    "Summarize": "生成摘要",
    "Summarize again": "重新生成摘要",
    "Writing the summary…": "正在生成摘要…",
    "Key points": "要点",
    "To do": "待办",
    "Extracted": "提取的信息",
    "Attachments": "附件",
    "Show quoted text": "显示引用内容",
    "Hide quoted text": "隐藏引用内容",
    "No open suggestions.": "没有待处理的建议。",
    "Loading suggestions…": "正在加载建议…",
    "Set category…": "设置分类…",
    "Not junk": "不是垃圾",
    "Retry": "重试",
    "Junk filter": "垃圾过滤",
    "not classified yet": "尚未分类",
    "Accept": "接受",
    "Reject": "拒绝",
    "Correct…": "更正…",
    "Why": "原因",
    "high": "高",
    "medium": "中",
    "low": "低",
    "Archive": "归档",
    "File into": "归入",
    "Draft a reply": "起草回复",
    "Mark as junk": "标为垃圾",
    "Add to calendar": "加入日历",
    "Unsubscribe": "退订",
    "Record the bill": "记录账单",
    "Dates": "日期",
    "Amounts": "金额",
    "People": "人物",
    "Organisations": "机构",
    # shortcuts sheet
    "Keyboard shortcuts": "键盘快捷键",
    "Next item": "下一个条目",
    "Previous item": "上一个条目",
    "Accept the first open suggestion": "接受第一条建议",
    "Reject the first open suggestion": "拒绝第一条建议",
    "Archive the item": "归档此条目",
    "Undo the last action": "撤销上一步操作",
    "Search": "搜索",
    "Clear the search": "清除搜索",
    "Show this sheet": "显示此列表",
    "Key": "按键",
    "Action": "操作",
    "Close": "关闭",
    # settings
    "Settings": "设置",
    "Models": "模型",
    "Fine-tuning": "微调",
    "Privacy": "隐私",
    "Language": "语言",
    "Pause": "暂停",
    "Resume": "恢复",
    "Remove": "移除",
    "Add": "添加",
    "Rename…": "重命名…",
    "Describe…": "描述…",
    "Delete": "删除",
    "Language model": "语言模型",
    "Choose GGUF file…": "选择 GGUF 文件…",
    "Choose Hugging Face folder…": "选择 Hugging Face 文件夹…",
    "Embedding model": "嵌入模型",
    "Device": "设备",
    "Threads": "线程",
    "Loaded": "已加载",
    "Memory": "内存",
    "Retrain after this many new labels": "新增多少标签后重新训练",
    "Also retrain after this many hours (with new labels)": "有新标签时，每隔多少小时也重新训练",
    "Notify for items with priority at least": "通知优先级不低于此值的条目",
    "Clear all data…": "清除全部数据…",
    "Clear all data": "清除全部数据",
    "Interface language": "界面语言",
    "Save": "保存",
    "Cancel": "取消",
    "automatic": "自动",
    "Name": "名称",
    "Description": "描述",
    "Kind": "类型",
    "Path": "路径",
    "State": "状态",
    "paused": "已暂停",
    "watching": "监视中",
    # dashboard
    "Acceptance rate": "接受率",
    "Accuracy": "准确率",
    "Training history": "训练历史",
    "Roll back to this version": "回滚到此版本",
    "Queue": "队列",
    "Scan": "扫描",
    "Model load": "模型加载",
    "Training": "训练",
    "Version": "版本",
    "Task": "任务",
    "Created": "创建时间",
    "Active": "当前",
    "No data yet": "暂无数据",
    "Refresh now": "立即刷新",
    "Actions": "操作记录",
    "undone": "已撤销",
    "rejected": "未采用",
    "Digest": "每日摘要",
    "Show the daily digest": "显示每日摘要",
    "Done": "已完成",
    "How this summary was made": "摘要的生成方式",
    "Preview draft": "预览草稿",
    "Writing the draft…": "正在写草稿…",
    "Use this draft (your edits included)": "使用此草稿（包括你的修改）",
    "⚠ error": "⚠ 错误",
    "Sift: unexpected error": "Sift：意外错误",
    "Sift hit a bug. Your data is safe; you can keep working, or restart Sift.\n"
    "Please copy the report below when you tell us about it.": (
        "Sift 遇到了一个程序错误。你的数据是安全的；可以继续使用，或重新启动 Sift。\n"
        "报告问题时，请复制下面的报告。"
    ),
    "Copy report": "复制报告",
    "folder": "文件夹",
    "⊘ junk": "⊘ 垃圾",
    "junk?": "垃圾？",
    # live-switch additions: messages built with format fields
    "Set the category": "设置分类",
    "Read this file or message again": "重新读取此文件或邮件",
    "The item's text": "条目正文",
    "(untitled)": "（无标题）",
    "{category} ({p} sure)": "{category}（把握 {p}）",
    "deadline": "截止",
    "no archive suggestion for this item": "此条目没有归档建议",
    "{n} items": "{n} 条",
    "{n} search results for “{query}”": "“{query}”的搜索结果：{n} 条",
    "Read next: {n} items": "接下来读：{n} 条",
    "{n} items, {errors} could not be read": "{n} 条，其中 {errors} 条无法读取",
    "Read {n} items, {errors} with errors": "已读取 {n} 条，{errors} 条有错误",
    "Read {n} items": "已读取 {n} 条",
    "Reading {path}…": "正在读取 {path}…",
    "Deletes every item, summary, suggestion, feedback row and trained model. "
    "Your files and mailboxes are not touched.": (
        "删除所有条目、摘要、建议、反馈记录和训练过的模型。你的文件和邮箱不会被改动。"
    ),
    "Delete everything Sift has stored? This cannot be undone.": (
        "删除 Sift 保存的全部内容？此操作无法撤销。"
    ),
    "not loaded yet": "尚未加载",
    "Applies as soon as you save.": "保存后立即生效。",
    "unknown": "未知",
    "Embeddings": "嵌入",
    "promoted": "已启用新模型",
    "kept the current model": "保留当前模型",
    "Training ({n} examples): {verdict}.": "训练（{n} 个样本）：{verdict}。",
    "The right category for this item:": "此条目的正确分类：",
    "Reject, and give the right category": "拒绝，并给出正确的分类",
    "model {version}": "模型 {version}",
    "Built from the item's own sentences: the language model was unavailable": (
        "由条目自身的句子组成：语言模型不可用"
    ),
    "(extractive)": "（摘录）",
    "Written by {model}": "由 {model} 生成",
    "Sift — {unread} unread, {pending} suggestions": "Sift — {unread} 条未读，{pending} 条建议",
    "Add a folder, or an mbox / .eml mail file, to read": (
        "添加要读取的文件夹或 mbox / .eml 邮件文件"
    ),
    "Learn from your feedback (kept only if it measures better)": (
        "从你的反馈中学习（只有效果更好时才采用）"
    ),
    "Today's low-priority items with one-click actions (D)": "今天的低优先级条目，一键处理（D）",
    "Main toolbar": "主工具栏",
    "Rename": "重命名",
    "Suggestion accepted": "已接受建议",
    "Suggestion rejected": "已拒绝建议",
    "Suggestion open": "建议待处理",
    # progress stages and messages (``Progress`` from the engine)
    "Model": "模型",
    "Classify": "分类",
    "preparing the language model": "正在准备语言模型",
    "language model ready": "语言模型已就绪",
    "reading files and mail": "正在读取文件和邮件",
    "classifying": "正在分类",
    # model tasks (dashboard)
    "category": "分类",
    "encoder": "编码器",
    "junk": "垃圾过滤",
    "reply": "回复撰写",
}

# Suggestion kinds as people say them (``tr`` gives the Chinese).
KIND_TEXT = {
    "archive": "Archive",
    "file_into": "File into",
    "follow_up": "Follow up",
    "reply_draft": "Draft a reply",
    "mark_junk": "Mark as junk",
    "not_junk": "Not junk",
    "calendar_event": "Add to calendar",
    "unsubscribe": "Unsubscribe",
    "read_later": "Read later",
    "record_bill": "Record the bill",
    "rename": "Rename",
}

_language = "en"


class LanguageNotifier(QObject):
    """Tells objects that are not widgets that the UI language changed.

    Signals:
        changed(str): the new language code.
    """

    changed = Signal(str)


_notifier: LanguageNotifier | None = None


def language_changed() -> LanguageNotifier:
    """The process-wide notifier (created on first use, after the QApplication)."""
    global _notifier  # one notifier per process, like the language itself
    if _notifier is None:
        _notifier = LanguageNotifier()
    return _notifier


def system_language() -> str:
    """``zh`` when the system locale is Chinese, else ``en``."""
    name = locale.getlocale()[0] or ""
    return "zh" if name.lower().startswith("zh") else "en"


def set_language(language: str) -> str:
    """Use ``language`` (``en``, ``zh``; empty: the system's); returns the one chosen.

    When it differs from the language in use, every open window re-applies its
    texts at once (a ``LanguageChange`` event each), and ``language_changed()``
    emits ``changed``.
    """
    global _language  # one process-wide UI language
    chosen = language or system_language()
    chosen = chosen if chosen in LANGUAGES else "en"
    if chosen == _language:
        return _language
    _language = chosen
    if QCoreApplication.instance() is not None:
        _use_qt_translation(chosen)
        # Windows with a parent get the event from it: QWidget passes a
        # LanguageChange on to its children, child windows included.
        for window in QApplication.topLevelWidgets():
            if window.parentWidget() is None:
                QCoreApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))
        language_changed().changed.emit(chosen)
    return _language


_qt_translator: QTranslator | None = None


def _use_qt_translation(chosen: str) -> None:
    # Qt's own strings (OK / Cancel / Close of standard buttons, the file
    # dialogs) come from the ``qtbase`` catalog that ships with Qt.
    global _qt_translator  # the one installed, so a switch back can remove it
    app = QCoreApplication.instance()
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if chosen == "zh":
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load("qtbase_zh_CN", folder):
            app.installTranslator(translator)
            _qt_translator = translator


def language() -> str:
    """The UI language in use."""
    return _language


def is_language_change(event: QEvent) -> bool:
    """Whether ``event`` asks a widget to re-apply its texts."""
    return event.type() == QEvent.Type.LanguageChange


def tr(text: str) -> str:
    """``text`` in the UI language (itself when there is no translation)."""
    if _language == "zh":
        return ZH.get(text, text)
    return text


class Texts:
    """English texts bound to their setters, applied again in the UI language.

    For widgets with many labels (the settings tabs): ``bind`` sets a text now
    and remembers it; ``apply`` (from the widget's ``changeEvent``) sets them all
    again. ``hook`` adds a function to run on each ``apply`` (table headers).
    """

    def __init__(self) -> None:
        self._bound: list[tuple[Callable[[str], object], str]] = []
        self._hooks: list[Callable[[], object]] = []

    def bind(self, setter: Callable[[str], object], text: str) -> None:
        """Call ``setter`` with ``text`` in the UI language, now and on every change."""
        self._bound.append((setter, text))
        setter(tr(text))

    def hook(self, function: Callable[[], object]) -> None:
        """Call ``function`` now and on every change."""
        self._hooks.append(function)
        function()

    def apply(self) -> None:
        """Set every bound text again in the UI language."""
        for setter, text in self._bound:
            setter(tr(text))
        for function in self._hooks:
            function()


def colon() -> str:
    """The colon after a label: full-width in Chinese."""
    return "：" if _language == "zh" else ": "


def join_list(parts: list[str] | tuple[str, ...]) -> str:
    """Parts of a list of clues or reasons, joined as the UI language punctuates."""
    return ("；" if _language == "zh" else "; ").join(parts)


def kind_name(kind: str) -> str:
    """A suggestion kind (``file_into``) as people say it, in the UI language."""
    return tr(KIND_TEXT.get(str(kind), str(kind).replace("_", " ")))


def engine_text(text: str) -> str:
    """A sentence the engine made (a reason, a clue, an error) in the UI language."""
    return localize(text, _language)


def engine_texts(texts: tuple[str, ...] | list[str]) -> list[str]:
    """Each of ``texts`` in the UI language."""
    return [localize(text, _language) for text in texts]
