"""Boilerplate lines of Chinese and English pages, recognised by their wording and shape.

Extractors keep the lines around an article that a reader skips: ICP 备案, 许可证编号, 举报电话
and 版权所有 footers, 主办/承办 单位, 打印本页/关闭窗口, 分享到, 【字体：大 中 小】, 上一篇/下一篇,
the head's 发布时间 line, 责任编辑 and 来源 lines, bare dates and link lists flattened into one
line. Short lines that say so are dropped (footer licences and hotlines even in a long line); a
related-links heading (相关新闻, 相关报道, Related stories …) in the second half of the text ends
it. ``is_prose`` tells running text (a sentence) from such lines.
"""

from __future__ import annotations

import re

MAX_BOILERPLATE_CHARS = 60  # a longer line is text even if it names 版权所有 or 分享到
RELATED_FROM = 0.4  # a related-links heading ends the text only after this share of its lines
# footers, tools, navigation and metadata lines
_BOILERPLATE = re.compile(
    r"ICP[备证]|公网安备|网安备|网站标识码|版权所有|copyright|all rights reserved|"
    r"主办单位|承办单位|协办单位|技术支持|^主办[:：]|^承办[:：]|"
    r"打印本页|关闭窗口|打印本文|【打印】|【关闭】|返回顶部|返回页首|分享到|【字体|字号[:：]|"
    r"上一篇|下一篇|扫一扫|^【纠错】|^责任编辑|^【?责编|^[(（【\[]?\s*责任编辑|^\[?编辑[:：]|"
    r"^来源[:：]|^本文来源|^稿源|点击[数量][:：]|浏览次数|阅读次数|您当前的位置|当前位置[:：]|"
    r"您的位置|^首页\s*[>|»]|"
    r"网友评论仅供|^跟贴热词|人参与$|\d+人跟贴|^网友跟贴$",  # a news site's comment box
    re.IGNORECASE,
)
# footers that name a licence, a filing or a hotline: never in running text, so dropped even in a
# long line ("示例日报网 滇ICP备11000491号-1 经营许可证编号：… 互联网新闻信息服务许可证编号：…")
MAX_FOOTER_CHARS = 200
_FOOTER = re.compile(
    r"ICP[备证]\s*\d|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP|"
    r"公网安备\s*\d|许可证编号|新闻信息服务许可|不良信息举报|举报电话|举报邮箱|"
    r"^(?:发布时间|发布日期)[:：]\s*\d{4}[^。，]{0,40}$"  # the head's "发布时间：… 来源：…" line
)
_RELATED = re.compile(
    r"^[【\[]?(相关新闻|相关报道|相关链接|相关阅读|相关文章|推荐阅读|延伸阅读|热点推荐|热门推荐|重点推荐|"
    r"更多精彩|猜你喜欢|精彩推荐|图片新闻|新闻排行|热点新闻|最新新闻|related (stories|articles)|"
    r"more stories|read more)",
    re.IGNORECASE,
)
_DATE = r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_TIME = r"\s*\d{1,2}:\d{2}(?::\d{2})?"
# a dated link's date, "2019-09-08" or "2019年09月08日 10:15"; not a notice's 2023年5月8日
_BARE_DATE = re.compile(
    r"^[\s(（\[【]*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:" + _TIME + r")?|\d{4}年\d{1,2}月\d{1,2}日"
    + _TIME + r")[\s)）\]】]*$"
)
_ANY_DATE = re.compile(_DATE)
_ORIGINAL_TITLE = re.compile(r"^[（(【\[]?\s*(本文)?原标题[:：]")
_DATED_ITEM = re.compile(r"^\s*[-*·•]\s.*" + _DATE + r"\)?\s*$")  # "- 标题 2019-09-09 19:32"
MAX_DATES = 3  # a line holding this many dates is a flattened list of dated links
# prose: a sentence of running text
_HAN = re.compile(r"[\u3400-\u9fff]")
_CLAUSE = re.compile(r"[，。；,;]")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(\s|$)")
_ENUMERATED = re.compile(r"^[(（]?([0-9]{1,2}|[一二三四五六七八九十]{1,3})[、.．)）]\s*\S")
_NOT_PROSE = re.compile(
    r"侵权|著作权|信息网络传播权|网友评论|发表评论|评论区|跟帖|免责声明|版权声明|凡本网注明|"
    r"转载请注明|版权归|未经.{0,10}授权|不代表本网|本网站所刊|联系电话|all rights reserved|"
    r"copyright|©",
    re.IGNORECASE,
)
_LIST_MARK = ("- ", "* ", "· ", "·", "• ")
_ENDS_WITH_DATE = re.compile(_DATE + r"\)?$")


def clean_lines(text: str) -> str:
    """Drop boilerplate lines; cut the text at a related-links heading in its second half."""
    lines = text.split("\n")
    kept: list[str] = []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if _RELATED.match(stripped) and number >= len(lines) * RELATED_FROM:
            break
        if not is_boilerplate(stripped):
            kept.append(line)
    return "\n".join(kept)


def is_boilerplate(line: str) -> bool:
    """Tell whether a line is a footer, tool, navigation, metadata or link-list line."""
    if len(line) <= MAX_BOILERPLATE_CHARS and _BOILERPLATE.search(line):
        return True
    if len(line) <= MAX_FOOTER_CHARS and _FOOTER.search(line):
        return True
    return bool(
        _BARE_DATE.match(line) or _ORIGINAL_TITLE.match(line) or _DATED_ITEM.match(line)
        or len(_ANY_DATE.findall(line)) >= MAX_DATES
    )


def is_prose(line: str) -> bool:
    """Tell whether a line is running text: a Chinese clause or an English sentence."""
    line = line.strip()
    if _NOT_PROSE.search(line) or line.startswith(_LIST_MARK) or _ENDS_WITH_DATE.search(line):
        return False
    han = len(_HAN.findall(line))
    letters = sum(1 for ch in line if ch.isalnum())
    if letters and han >= 0.3 * letters:
        return han >= 40 or (han >= 15 and bool(_CLAUSE.search(line))) or bool(
            _ENUMERATED.match(line))
    return len(line.split()) >= 12 and bool(_SENTENCE_END.search(line))
