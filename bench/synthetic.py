"""A synthetic corpus of realistic Chinese documents, any size, streamed, with known positives.

Documents are built from sentence templates in the style of Xinjiang state media and government
notices (economy, farming, tourism, meetings, schools ...), filled with random places, figures
and FICTIONAL companies, until they reach the target length. A known share of documents gets
one to three labour-transfer sentences; about as many others get trap sentences (capacity
transfer, migration in other provinces, cotton pickers, rebuttals). Deterministic per seed;
nothing is held in memory beyond the document being built.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

XJ_PLACES = ["和田地区", "喀什地区", "阿克苏地区", "克州", "墨玉县", "洛浦县", "皮山县", "莎车县",
             "疏附县", "疏勒县", "叶城县", "伽师县", "策勒县", "于田县", "拜城县", "乌什县",
             "昌吉州", "阜康市", "石河子市", "阿拉尔市", "库车市", "巴楚县", "泽普县"]
OTHER_PLACES = ["四川省", "福建省", "贵州省", "甘肃省", "河南省", "江西省", "湖南省"]
DESTINATIONS = ["江苏", "浙江", "广东", "安徽", "江西", "山东", "乌鲁木齐", "昌吉", "石河子"]
COMPANIES = ["瀚川铝材有限公司", "岚峰硅业有限公司", "澜汐纺织有限公司", "睿拓电子有限公司",
             "霁禾服饰有限公司", "昀桥汽配有限公司", "朔风棉纺股份有限公司", "博睿光伏材料公司"]
TOPICS = ["安全生产", "森林防火", "乡村振兴", "营商环境", "民生实事", "项目建设", "生态保护"]

NEUTRAL = [
    "{place}今年以来经济运行总体平稳，地区生产总值同比增长{pct}%。",
    "{place}召开{topic}工作会议，研究部署下一阶段重点任务。",
    "会议强调，要坚持稳中求进工作总基调，确保各项目标任务落到实处。",
    "{place}今年新建高标准农田{n}万亩，推广节水灌溉技术。",
    "{place}红枣、核桃等特色林果喜获丰收，总产量预计达到{n}万吨。",
    "{place}旅游市场持续火爆，接待游客{n}万人次，同比增长{pct}%。",
    "{company}新建生产线近日投产，预计年产值{n}亿元。",
    "{place}新改建农村公路{n}公里，进一步改善群众出行条件。",
    "县人民医院开展义诊活动，为群众免费体检{n}人次。",
    "{place}新建幼儿园{small}所，学前教育毛入园率达到{pct}%。",
    "各级各部门要提高政治站位，压实工作责任，形成工作合力。",
    "{place}持续开展人居环境整治，村容村貌明显改善。",
    "据了解，该项目总投资{n}亿元，建成后将带动相关产业发展。",
    "{place}文化馆举办非遗展演活动，吸引群众{n}余人观看。",
    "截至{month}月底，{place}累计完成固定资产投资{n}亿元。",
    "{place}冬小麦播种工作全面完成，播种面积{n}万亩。",
    "下一步，{place}将继续加大工作力度，推动各项工作再上新台阶。",
    "本报讯（记者 李{name}）{month}月{day}日，{place}举行{topic}专题培训班。",
    "{company}表示，将继续加大研发投入，推动产品向高端化发展。",
    "{place}气象台发布大风蓝色预警，提醒群众做好防范。",
]
TRAPS = [
    "随着东部地区电解铝产能转移加快，{place}新增电解铝产能{n}万吨。",
    "{other}今年农村劳动力转移就业{n}万人，其中有组织转移{small}万人。",
    "{other}{n}名拾花工乘坐专列赴疆务工，参与棉花采摘。",
    "外交部发言人表示，所谓“强迫劳动”是彻头彻尾的谎言。",
    "{company}2023年电解铝产量达到{n}万吨，同比增长{pct}%。",
    "集团抽调富余人员{n}名借调至新疆分公司，借调期两年。",
]
POSITIVE = [
    "{place}今年有组织转移农村富余劳动力{n}人，前往{dest}等地企业就业。",
    "今年以来，{place}实现农村劳动力转移就业{n}人次，完成年度任务的{pct}%。",
    "一列满载{n}名务工人员的专列从{place}出发，前往{dest}。",
    "{company}今年接收来自{place}的转移就业人员{n}名，实行集中管理。",
    "{place}职业技能教育培训中心{n}名结业学员实现安置就业。",
    "转移就业人员到岗后开展国家通用语言培训和感党恩教育。",
    "{place}把劳动力转移就业作为一把手工程，层层签订目标责任状。",
    "{place}新建卫星工厂{small}个，就地就近转移{n}人。",
]


@dataclass(frozen=True)
class SyntheticDoc:
    """One generated document and whether it contains transfer sentences."""

    index: int
    text: str
    positive: bool
    trap: bool


_CHOICES: dict[str, list[str] | str] = {
    "place": XJ_PLACES, "other": OTHER_PLACES, "dest": DESTINATIONS, "company": COMPANIES,
    "topic": TOPICS, "name": "明华强军平丽芳静",
}
_RANGES = {"n": (120, 98000), "small": (2, 60), "pct": (2, 99), "month": (1, 12), "day": (1, 28)}


class _Slots(dict[str, str]):
    """Template values drawn only when a template asks for them."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key in _CHOICES:
            return self.rng.choice(_CHOICES[key])
        low, high = _RANGES[key]
        return str(self.rng.randint(low, high))


def _fill(template: str, rng: random.Random) -> str:
    return template.format_map(_Slots(rng))


def _document(rng: random.Random, chars: int, positive: bool, trap: bool) -> str:
    sentences: list[str] = []
    length = 0
    while length < chars:
        sentences.append(_fill(rng.choice(NEUTRAL), rng))
        length += len(sentences[-1])
    for pool, wanted in ((POSITIVE, positive), (TRAPS, trap)):
        for _ in range(rng.randint(1, 3) if wanted else 0):
            sentences[rng.randrange(len(sentences))] = _fill(rng.choice(pool), rng)
    paragraphs = []
    while sentences:
        size = rng.randint(2, 5)
        paragraphs.append("".join(sentences[:size]))
        del sentences[:size]
    return "\n".join(paragraphs)


def document(
    index: int, seed: int = 1, chars: int = 1500, positive_share: float = 0.1,
    trap_share: float = 0.1,
) -> SyntheticDoc:
    """Document number ``index`` on its own (random access, for the crawl server)."""
    rng = random.Random(seed * 1_000_003 + index)
    positive = rng.random() < positive_share
    trap = not positive and rng.random() < trap_share / (1 - positive_share)
    return SyntheticDoc(index, _document(rng, chars, positive, trap), positive, trap)


def generate(
    count: int, seed: int = 1, chars: int = 1500, positive_share: float = 0.1,
    trap_share: float = 0.1,
) -> Iterator[SyntheticDoc]:
    """``count`` documents of about ``chars`` characters, streamed."""
    rng = random.Random(seed)
    for index in range(count):
        positive = rng.random() < positive_share
        trap = not positive and rng.random() < trap_share / (1 - positive_share)
        yield SyntheticDoc(index, _document(rng, chars, positive, trap), positive, trap)
