"""Who wrote a page, from the ways pages say it without an 作者 label.

Chinese news names its reporters on a short line of their own ("本报记者 葛灵丹", "新京报记者 彭冲
山东冠县报道", "本报记者罗科苏盈发自北京") or after 文/ ("【文/观察者网专栏作者 王文】"); forums and
blogs say who posted ("本贴由大卫于2005年8月12日…发表", "ggjjzhzz 发表于 2005-9-15"); many
articles end with the writer's name in brackets ("（袁源）"); English pages print "By Jane Doe
and John Roe". A 责任编辑 or 编辑 is never the author.
"""

from __future__ import annotations

import re

MAX_BYLINE_CHARS = 40  # a reporter line is short and holds no sentence
MAX_NAMES = 6
_HAN_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_SENTENCE = re.compile(r"[，。；！？,;!?]")
# words that end a run of names: where and how the reporter filed, and what follows a name
_AFTER_NAMES = (
    "发自", "报道", "摄影", "摄", "整理", "采写", "通讯员", "实习生", "综合", "整合", "编译",
)  # fmt: skip
_NOT_NAMES = {
    "本报", "记者", "编辑", "责任编辑", "来源", "阅读", "评论", "发表", "时间", "日期", "作者",
    "待续", "未完", "完待续", "资料图", "组图", "图片", "视频", "原标题", "转载", "楼主",
    "沙发", "板凳", "地板", "网友", "游客", "匿名", "整合", "综合", "调查",
}  # fmt: skip
# 本报记者罗科苏盈 | □ 记者 刘涛 | 《棱镜》作者 周纯 — at a line's start the word needs a space
_REPORTER = re.compile(r"(?:(?<=\S)(?:记者|通讯员)\s*|(?:记者|通讯员|作者)[\s:：]+)(?P<rest>.+)$")
_SPACED_NAME = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[ \u3000]+([\u4e00-\u9fff])(?![\u4e00-\u9fff])"
)
_WRITTEN_BY = re.compile(r"(?<![\u4e00-\u9fff])文\s*[/／:：]\s*(?P<rest>[^】\]）)\n]+)")
_POSTED_BY = re.compile(r"由\s*(?P<name>[^\s于]{2,20})\s*于\s*\d{4}[^。\n]{0,50}?(?:发表|发布)")
_POSTER = re.compile(
    r"^\s*(?P<name>[^\s:：，。！？、]{2,20})\s+发表于\s*[:：]?\s*\d{4}", re.MULTILINE
)
_CLOSING = re.compile(r"[（(]\s*(?P<name>[\u4e00-\u9fff]{2,4})\s*[)）]\s*$")
CLOSING_LINES = 2  # lines ending the text, or right after it on the page, that may hold it
_LATIN_NAME = r"[A-Z][A-Za-z.'’-]+(?:\s+[A-Z][A-Za-z.'’-]+){0,3}"
_BY = re.compile(
    r"^\s*(?:By|BY|by)\s+(?P<names>" + _LATIN_NAME + r"(?:\s*(?:,|and|&)\s*" + _LATIN_NAME
    + r")*)\s*$"
)
ENGLISH_HEAD_LINES = 200  # a By-line is near the top of the page


def han_names(text: str) -> str | None:
    """The Chinese names a byline's remainder starts with ("彭冲 山东冠县报道" gives "彭冲")."""
    names: list[str] = []
    text = _SPACED_NAME.sub(r"\1\2", text.strip())  # 赵 培: one name typeset with a space
    for token in re.split(r"[\s、，,/／]+", text):
        for word in _AFTER_NAMES:
            if word in token:  # 罗科苏盈发自北京; but 彭冲 山东冠县报道 ends before 山东
                token = token.split(word, 1)[0]
                names += [token] if not names and _is_name(token) else []
                return " ".join(names[:MAX_NAMES]) or None
        if not _is_name(token):
            break
        names.append(token)
    return " ".join(names[:MAX_NAMES]) or None


def _is_name(token: str) -> bool:
    """Tell whether a token can be a Chinese personal name."""
    return bool(_HAN_NAME.fullmatch(token)) and token not in _NOT_NAMES


def reporter(lines: list[str]) -> str | None:
    """The reporters a short byline line names ("光明日报记者 王建宏 张文攀")."""
    for line in lines:
        line = line.strip()
        if len(line) > MAX_BYLINE_CHARS or _SENTENCE.search(line) or "编辑" in line:
            continue
        match = _REPORTER.search(line)
        found = han_names(match["rest"]) if match else None
        if found:
            return found
    return None


def written_by(lines: list[str]) -> str | None:
    """The writer after 文/ or 文：("【文/观察者网专栏作者 王文】" gives "王文")."""
    for line in lines:
        match = _WRITTEN_BY.search(line) if len(line) <= MAX_BYLINE_CHARS else None
        if match:
            tokens = match["rest"].split()
            found = han_names(tokens[-1]) if tokens else None  # "专栏作者 王文": the last word
            if found:
                return found
    return None


def posted_by(text: str) -> str | None:
    """The user a forum or blog says posted the page ("本贴由大卫于…发表", "X 发表于 2005-9-15")."""
    for pattern in (_POSTED_BY, _POSTER):
        for match in pattern.finditer(text):
            name = match["name"]
            if name not in _NOT_NAMES and not re.fullmatch(r"\d+楼|#\d+", name):
                return name
    return None


def closing_name(text: str, page_lines: list[str]) -> str | None:
    """The writer's name in brackets ending an article ("…（袁源）"): in the text's last lines,
    or on a line of its own right after the text on the page."""
    lines = [line for line in text.split("\n") if line.strip()]
    candidates = lines[-CLOSING_LINES:]
    if lines:
        end = next((i for i, line in enumerate(page_lines) if lines[-1][:20] in line), None)
        after = page_lines[end + 1 : end + 1 + CLOSING_LINES] if end is not None else []
        candidates += [line for line in after if _CLOSING.fullmatch(line.strip())]
    for line in reversed(candidates):
        match = _CLOSING.search(line)
        if match and match["name"] not in _NOT_NAMES:
            return match["name"]
    return None


def english_byline(lines: list[str]) -> str | None:
    """The names on a "By Jane Doe and John Roe" line near the top of the page."""
    for line in lines[:ENGLISH_HEAD_LINES]:
        match = _BY.match(line)
        if match:
            return " ".join(match["names"].split())
    return None
