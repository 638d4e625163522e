"""Who wrote a page, from the ways pages say it without an 作者 label.

Chinese news names its reporters on a short line of their own ("本报记者 葛灵丹", "新京报记者 彭冲
山东冠县报道", "本报记者罗科苏盈发自北京") or after 文/ ("【文/观察者网专栏作者 王文】"); forums and
blogs say who posted ("本贴由大卫于2005年8月12日…发表", "ggjjzhzz 发表于 2005-9-15"); many
articles end with the writer's name in brackets ("（袁源）"); essays and old portals print the
name alone on the line under the title ("胡平", "赵延东、风笑天") or in brackets before the source
("[ 黄宇 ] 来源：[ 国际金融报 ]"); English pages print "By Jane Doe and John Roe".

Who counts: the reporters (记者), correspondents (通讯员) and interns (实习生) a byline names all
wrote the report and are its authors ("本报记者 张三 通讯员 李四" gives both). A 责任编辑 or 编辑
edited it and is never the author, nor is a photographer (摄影, 摄); a page that names only its
editor has no author. A government document's issuing organ (发文机关) is its author when the
page names no person (metadata.py).
"""

from __future__ import annotations

import re

MAX_BYLINE_CHARS = 40  # a reporter line is short and holds no sentence
MAX_NAMES = 6
_HAN_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_SENTENCE = re.compile(r"[，。；！？,;!?]")
# words that end a run of names: where and how the reporter filed, and what follows a name
_AFTER_NAMES = ("发自", "报道", "摄影", "摄", "整理", "采写", "综合", "整合", "编译")
# a byline's other writers: "记者 张三 通讯员 李四", "本报实习生 刘某 周某"
_ROLE = re.compile(r"\S*?(?:记者|通讯员|实习生)(?P<rest>.*)")
_NOT_NAMES = {
    "本报", "记者", "编辑", "责任编辑", "来源", "阅读", "评论", "发表", "时间", "日期", "作者",
    "待续", "未完", "完待续", "资料图", "组图", "图片", "视频", "原标题", "转载", "楼主",
    "沙发", "板凳", "地板", "网友", "游客", "匿名", "整合", "综合", "调查",
    # words and places a line may hold alone that start like a surname (关, 文, 国, 江 …)
    "关闭", "关注", "简介", "全文", "原文", "文章", "文字", "文化", "国内", "国际", "时政", "时事",
    "高清", "公告", "公示", "公开", "方案", "通知", "宣传", "安全", "党建", "史料", "文号",
    "关键词", "时效", "时效性", "成文", "施行", "废止", "有效", "江苏",
    "江西", "云南", "安徽", "海南", "甘肃", "宁夏", "吉林", "武汉", "成都", "南京", "郑州",
    "石家庄", "南宁", "南昌", "贵阳", "海口", "温州", "常州", "金华", "台州", "宁波", "苏州",
    "丽水", "包头", "武威", "张掖", "和田", "喀什", "阿克苏", "阿勒泰", "伊犁", "昌吉", "哈密",
    "吐鲁番", "克拉玛依", "石河子", "和静", "于田", "洛浦", "墨玉", "皮山", "策勒", "民丰",
}  # fmt: skip
# 本报记者罗科苏盈 | □ 记者 刘涛 | 《棱镜》作者 周纯 — at a line's start the word needs a space
_REPORTER = re.compile(
    r"(?:(?<=\S)(?:记者|通讯员|实习生)\s*|(?:记者|通讯员|实习生|作者)[\s:：]+)(?P<rest>.+)$"
)
# 搜狐 2004–2005: "[ 黄宇 ] 来源：[ 国际金融报 ]" — the writer in brackets before the source
_BRACKETED = re.compile(
    r"^\s*[\[【]\s*(?P<names>[\u4e00-\u9fff· ]{2,20}?)\s*[\]】][^\u4e00-\u9fff]{0,3}(?:来源|稿源)"
)
# the most common surnames (about nine in ten people) and the compound ones: a line holding only
# names must start with one, so a column or section name ("要闻", "国内新闻") is not taken
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁"
    "胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰"
    "支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜"
    "印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
)  # fmt: skip
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容",
                      "令狐", "司徒", "夏侯", "端木", "长孙", "宇文", "轩辕", "澹台", "申屠")
NAME_LINES = 2  # lines under the title (or opening the text) that may hold the names alone
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
        role = _ROLE.fullmatch(token) if names else None
        if role:  # 张三 通讯员 李四 | 张三 本报通讯员李四
            token = role["rest"]
            if not token:
                continue
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
    """The reporters a short byline line names ("光明日报记者 王建宏 张文攀"), with those of the
    byline lines right under it ("本报实习生 刘某 周某" / "本报记者 王某")."""
    for i, line in enumerate(lines):
        found = _reporter_line(line)
        if found:
            names = found.split()
            for following in lines[i + 1 : i + 3]:
                more = _reporter_line(following)
                if not more:
                    break
                names += [name for name in more.split() if name not in names]
            return " ".join(names[:MAX_NAMES])
    return None


def _reporter_line(line: str) -> str | None:
    """The names one short reporter line gives, if it is one."""
    line = line.strip()
    if len(line) > MAX_BYLINE_CHARS or _SENTENCE.search(line) or "编辑" in line:
        return None
    bracketed = _BRACKETED.match(line)
    if bracketed:  # no role word: the names must look like names on their own
        return _names_only(bracketed["names"])
    match = _REPORTER.search(line)
    return han_names(match["rest"]) if match else None


def name_line(head: list[str], title: str | None = None) -> str | None:
    """The names printed alone on a line under the title or opening the text ("胡平",
    "赵延东、风笑天"): each 2–3 Han characters (4 with a compound surname), the first with a
    common surname, the line nothing else."""
    for line in head[:NAME_LINES]:
        line = line.strip()
        found = _names_only(line) if line and line != (title or "").strip() else None
        if found:
            return found
    return None


def _names_only(line: str) -> str | None:
    """The names a line holds if it holds nothing else, the first with a common surname."""
    tokens = [t for t in re.split(r"[ \u3000、，,]+", line.strip()) if t]
    if 0 < len(tokens) <= MAX_NAMES and all(_bare_name(t) for t in tokens) and (
        tokens[0][0] in _SURNAMES or tokens[0].startswith(_COMPOUND_SURNAMES)
    ):
        return " ".join(tokens)
    return None


def _bare_name(token: str) -> bool:
    """A token that looks like a personal name on its own: 2–3 Han characters, or 3–4 after a
    compound surname."""
    if token in _NOT_NAMES or not re.fullmatch(r"[\u4e00-\u9fff]+", token):
        return False
    if token.startswith(_COMPOUND_SURNAMES):
        return 3 <= len(token) <= 4
    return 2 <= len(token) <= 3


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


# English bylines as templates print them between the title and the text: "By" on a line of its
# own with the name under it ("By" / "Mike Wall"), "Posted by" / "Vortex", "By Tess Bonn - 11/19/19
# 06:56 AM EST", "by Regan December 6, 2017", "Written by Rachael Link, MS, RD on November 14",
# "By Eric Song, IGN Staff", "Monday November 18, 2019 7:45 am PST by Joe Rossignol",
# "October 15, 2018/0 Comments/in News /by jdadmin", "Analysis by Chris Cillizza, CNN"
_BY_WORD = re.compile(
    r"^\s*\|?\s*(?:(?:written|posted|analysis|words|story|text)\s+)?by\s*:?\s*$", re.IGNORECASE
)
_BY_START = re.compile(
    r"^\s*\|?\s*(?:(?:written|posted|analysis|words|story)\s+)?by\s*:?\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_BY_END = re.compile(r"(?:^|\s|/)by\s+(?P<rest>[^/|]{2,60})$")
# where the names end: a separator, a handle, a date or time, "on Monday", "updated"
_NAMES_END = re.compile(
    r"\s+[|•·—–-]\s*|\s*[|@•／]|\s+(?:on|at|in|for|updated|published|posted)\b|\s+\d|\s+(?:"
    + "|".join(sorted(_MONTHS_EN := (
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    ), key=len, reverse=True))
    + r")\b\.?",
    re.IGNORECASE,
)
# what follows a name in a byline and is not one: a role, a desk, an outlet
_ROLE_WORDS = re.compile(
    r"\b(?:staff|writer|editor|reporter|correspondent|contributor|columnist|senior|special|"
    r"associated|press|news|business|media|insider|bureau|journal|times|post|magazine|"
    r"editor-at-large|ms|md|phd|rd|rdn|ap|cnn|ign|nbc|cbs|fox|foxbusiness|futurism)\b",
    re.IGNORECASE,
)
_GLUED_ROLE = re.compile(r"(?<=[a-z])(?=(?:Staff|Senior|Contributing|Special|Contributor|"
                         r"Correspondent|Reporter|Writer|Editor|Columnist|Business|FOX|CNN|NBC|"
                         r"CBS))")
_DOMAIN = re.compile(r"\w\.(?:com|org|net|info|co|uk|in|ca|au)\b", re.IGNORECASE)
_NAME_PART = re.compile(r"[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,4}")
ENGLISH_HEAD = 14  # lines of a title's head searched for the byline
MAX_ENGLISH_BYLINE = 100  # a longer line is a sentence, not a byline
_PLACEHOLDERS = {"name", "email", "author", "username", "user", "unknown", "none", "null"}
_CREDIT = re.compile(  # "Photo by …", "Sponsored by …": not the writer
    r"\b(?:photo|photos|photograph|image|images|illustration|credit|video|graphic|edited|"
    r"reviewed|sponsored|supported|powered|produced|presented|hosted|caption|followed|read)\s+by",
    re.IGNORECASE,
)


def english_head_byline(head: list[str]) -> str | None:
    """The names a byline between the title and the text gives (see the forms above)."""
    head = [line.strip() for line in head[:ENGLISH_HEAD]]
    for i, line in enumerate(head):
        if len(line) > MAX_ENGLISH_BYLINE:  # a sentence ("… sacked by Manchester United in …")
            continue
        if _BY_WORD.match(line):  # "By" alone: the names are on the next lines
            found = clean_byline(" ".join(_name_lines(head[i + 1 : i + 6])))
        else:
            match = _BY_START.match(line)
            if not match:  # "… by Joe Rossignol" ends the line: nothing may follow the names
                match = _BY_END.search(line)
                match = match if match and not _NAMES_END.search(match["rest"]) else None
            credit = match and _CREDIT.search(line[: match.start("rest")])
            found = clean_byline(match["rest"]) if match and not credit else None
        if found:
            return found
    return None


def _name_lines(lines: list[str]) -> list[str]:
    """The lines after a lone "By": a name, and more after "," or "and" lines."""
    joins = {",", "and", "&"}
    names: list[str] = []
    for line in lines:
        if names and line not in joins and names[-1] not in joins:
            break
        names.append(line)
    return names


def is_desk(name: str) -> bool:
    """Tell whether a byline part names a role, desk or outlet ("AP Sports Writer")."""
    return bool(_ROLE_WORDS.search(name) or _DOMAIN.search(name))


def _is_person(name: str) -> bool:
    """A name as bylines print one: capitalised words ("Bruce Y. Lee", "DANICA KIRKA"), or one
    word (a user name, "jdadmin"); not a phrase ("the end of")."""
    if not _NAME_PART.fullmatch(name) or name.endswith(".."):
        return False
    words = name.split()
    return len(words) == 1 or all(not w[0].islower() for w in words)


def clean_byline(value: str) -> str | None:
    """The person (or agency) names of a byline's text: without "By", roles, outlets, handles,
    dates ("By Eric Song, IGN Staff" gives "Eric Song"; "Meg JamesStaff Writer" "Meg James";
    "HNN Staff" stays, being all there is)."""
    value = re.sub(r"^\s*(?:by|analysis by|written by|posted by)\s*:?\s*", "", value, flags=re.I)
    value = _GLUED_ROLE.split(value, 1)[0]
    stop = _NAMES_END.search(value)
    value = (value[: stop.start()] if stop else value).strip(" ,;:")
    if not value or len(value) > 80:
        return None
    parts = [part.strip() for part in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", value)]
    names = [part for part in parts if part and not _ROLE_WORDS.search(part)
             and not _DOMAIN.search(part)]  # "Troy L. Smith, Cleveland.com": the person
    if any(name.lower() in _PLACEHOLDERS for name in names):  # a template's "name, email"
        return None
    if not names:  # "HNN Staff", "Associated Press": the byline names a desk or an agency
        names = parts[:1]
    if not all(_is_person(name) for name in names) or len(names) > MAX_NAMES:
        return None
    return " and ".join(names) if len(names) > 1 else names[0]
