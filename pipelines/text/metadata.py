"""Read the metadata lines Chinese pages print around an article (来源, 责任编辑, 文号, ...)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from pipelines.text.authors import han_names
from pipelines.text.dates import find_labelled_date
from pipelines.text.markup import html_text
from pipelines.text.normalise import to_simplified

_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "origin": ("文章来源", "信息来源", "新闻来源", "稿件来源", "稿源", "来源"),
    "editor": ("责任编辑", "责编", "编辑"),
    "author": ("作者", "记者", "撰稿", "撰文", "执笔人", "执笔"),
    "doc_number": ("发文字号", "文号"),
    "organ": ("发文机关",),  # a government document's issuing organ: its author (authors.py)
}
_FIELD_OF = {label: field for field, labels in _FIELD_LABELS.items() for label in labels}
MAX_NAME_CHARS = 30  # an author value longer than this is not a name
MAX_HAN_NAME = 6  # nor is one of more Han characters without a space (a user name may have 6)
MAX_ORGAN_CHARS = 40  # 发文机关: one or a few organs ("吉林省人民政府", "省发展改革委 省财政厅")
_NEXT_LINE_FIELDS = ("author", "organ")  # "作者：" ending a table cell, the name in the next
# Other labels that end a value: 来源：新华社 发布时间：2023-05-10 | 索引号：0001/2023-00012
_OTHER_LABELS = (
    "发布时间", "发布日期", "成文日期", "发文日期", "时间", "日期", "索引号",
    "发布机构", "主题分类", "浏览次数", "点击数", "字号", "字体", "分享到",
)  # fmt: skip
_ALL_LABELS = sorted([*_FIELD_OF, *_OTHER_LABELS], key=len, reverse=True)
# 【责任编辑：王某】 | 来源: 新华社 — a label not preceded by a Han character, then a colon
_LABEL = re.compile(r"(?<![\u4e00-\u9fff])(" + "|".join(_ALL_LABELS) + r")[ \t]*:[ \t]*")
# 新人社发〔2023〕12号 | 喀署办发[2022]5号 | 沙政发【2021】3号
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,10}\s*[〔\[【]\s*(?:19|20)\d{2}\s*[〕\]】]\s*第?\s*\d{1,5}\s*号"
)
# 新华社乌鲁木齐3月18日电（记者 李某 王某）
_BYLINE = re.compile(r"[(（]\s*记者\s*([^()（）:\n]{1,30}?)\s*[)）]")
# A value ends at two spaces, a tab or line end, a bracket or separator, or a lone space
# that is not between two Latin letters ("来源：China Daily" keeps its space).
_VALUE_END = re.compile(
    r"\s{2,}|[\t\n\r]|[|｜/【】\[\]()（）,，;；。]|(?<![A-Za-z]) | (?![A-Za-z])"
)
_DOC_VALUE_END = re.compile(r"\s{2,}|[\t\n\r|｜,，;；。]| (?![\d〔\[【〕\]】])")


@dataclass(frozen=True)
class PageMeta:
    """Metadata printed on a page around its main text; ``None`` when absent."""

    origin: str | None = None  # 来源 / 稿源 / 文章来源
    editor: str | None = None  # 责任编辑 / 编辑
    author: str | None = None  # 作者 / 记者
    doc_number: str | None = None  # 文号, e.g. 新人社发〔2023〕12号
    published_at: date | None = None
    organ: str | None = None  # 发文机关: the organ issuing a government document


def find_metadata(text: str) -> PageMeta:
    """Find 来源/责任编辑/作者/文号 values and the labelled date in page text or HTML."""
    if re.search(r"<(?:html|body|div|p|span|meta|br)\b", text, re.IGNORECASE):
        text = _html_to_text(text)
    text = unicodedata.normalize("NFKC", text)
    # labels are matched in Simplified (來源 -> 来源); values are cut from the original
    simplified = to_simplified(text)
    values = _labelled_values(simplified, text)
    return PageMeta(
        origin=values.get("origin"),
        editor=values.get("editor"),
        author=values.get("author") or _byline_author(text),
        doc_number=values.get("doc_number") or _standalone_doc_number(text),
        published_at=find_labelled_date(simplified, bare_fallback=False),
        organ=values.get("organ"),
    )


def _labelled_values(simplified: str, text: str) -> dict[str, str]:
    """Return the first non-empty value of each field label, cut at the next label."""
    values: dict[str, str] = {}
    labels = list(_LABEL.finditer(simplified))
    for i, label in enumerate(labels):
        field = _FIELD_OF.get(label.group(1))
        if field is None or field in values:
            continue
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        raw = text[label.end() : end]
        next_line = field in _NEXT_LINE_FIELDS and bool(re.match(r"[ \t]*[\r\n]", raw))
        if next_line:  # "作者：" ends its table cell: the value is the next line
            raw = raw.lstrip(" \t\r\n")
        value = _cut_value(raw, field == "doc_number")
        if value and field == "author":  # 作者：宋怡 杨志华: one name per space
            first = raw.strip().split("\n", 1)[0]
            value = han_names(first) or (_latin_name(first) if next_line else _plain_name(value))
        elif value and field == "organ":
            value = _organ(raw.strip().split("\n", 1)[0])
        if value:
            values[field] = value
    return values


def _latin_name(line: str) -> str | None:
    """A line that is a Latin-script name or user name and nothing else ("duscha", "Joel S.")."""
    return line.strip() if re.fullmatch(r"\s*[A-Za-z][\w .'’-]{1,29}\s*", line) else None


def _organ(line: str) -> str | None:
    """A 发文机关 value: the organs' names (Han characters, spaces between several)."""
    value = " ".join(line.split())
    if len(value) > MAX_ORGAN_CHARS or not re.fullmatch(r"[\u4e00-\u9fff（）() 、]+", value):
        return None
    return value


def _cut_value(raw: str, is_doc_number: bool) -> str | None:
    """Cut a raw value at its end marker; return None when nothing is left."""
    stop = (_DOC_VALUE_END if is_doc_number else _VALUE_END).search(raw)
    value = (raw[: stop.start()] if stop else raw).strip()
    if not value or (is_doc_number and value in {"无", "-", "/"}):
        return None
    return re.sub(r"\s+", "", value) if is_doc_number else value


def _plain_name(value: str) -> str | None:
    """A labelled author value that can be a name or user name, not a sentence (an interview's
    "记者：首先欢迎你来到…" is a question)."""
    if len(value) > MAX_NAME_CHARS or re.search(r"[。！？!?]", value):
        return None
    han_only = re.fullmatch(r"[\u4e00-\u9fff]+", value)
    return None if han_only and len(value) > MAX_HAN_NAME else value


def _byline_author(text: str) -> str | None:
    """Return the reporters named in a news-agency byline, e.g. （记者 李某）."""
    match = _BYLINE.search(text)
    return (han_names(match.group(1)) or " ".join(match.group(1).split())) if match else None


def _standalone_doc_number(text: str) -> str | None:
    """Return a document number printed on a line of its own, as under a notice's title."""
    for line in text.splitlines():
        line = line.strip().strip("()（）").strip()
        if _DOC_NUMBER.fullmatch(line):
            return re.sub(r"\s+", "", line)
    return None


def _html_to_text(html: str) -> str:
    """Return the visible text of an HTML page, one block per line."""
    return html_text(html)
