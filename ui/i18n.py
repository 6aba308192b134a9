"""UI strings in English and Chinese: a small table looked up by ``tr``.

A table rather than Qt Linguist files: Sift has one extra language and a few
hundred strings, and a Python dict needs no build step (``lrelease``) and is
checked by the tests (every key used by the windows has a translation). The
language is a user preference (``Settings.ui_language``); the windows build
their labels with ``tr`` when they are created, so a change takes effect on
the next start (the settings dialog says so).
"""

from __future__ import annotations

import locale

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
    "Takes effect the next time Sift starts.": "下次启动 Sift 时生效。",
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
}

_language = "en"


def system_language() -> str:
    """``zh`` when the system locale is Chinese, else ``en``."""
    name = locale.getlocale()[0] or ""
    return "zh" if name.lower().startswith("zh") else "en"


def set_language(language: str) -> str:
    """Use ``language`` (``en``, ``zh``; empty: the system's) for new strings; returns it."""
    global _language  # one process-wide UI language, set at start
    chosen = language or system_language()
    _language = chosen if chosen in LANGUAGES else "en"
    return _language


def language() -> str:
    """The UI language in use."""
    return _language


def tr(text: str) -> str:
    """``text`` in the UI language (itself when there is no translation)."""
    if _language == "zh":
        return ZH.get(text, text)
    return text
