"""Count a page's expected hits: its sentences, their DOMAIN.md term families, its script.

``expected_hits`` counts the body sentences that describe a transfer event (a move-family term,
or a surplus-labour / targeted term next to a move verb) or, in a flagged page, control,
political or cadre indicators (titles excluded; Traditional text is counted on its simplified
original). Sentences naming only who (富余劳动力, 建档立卡) or 援疆 are not hits.
"""

from __future__ import annotations

import re
from typing import Any

from demo.content import Doc

# DOMAIN.md term families (simplified script), used only to count expected hits.
FAMILIES: dict[str, list[str]] = {
    "surplus_labour": ["富余劳动力", "剩余劳动力", "富裕劳动力"],
    "transfer": ["转移就业", "劳动力转移", "劳转"],
    "organised_transfer": [
        "有组织转移",
        "成规模转移",
        "组织化转移",
        "集中输送",
        "整建制输出",
        "专列",
        "包机",
        "集中送岗",
    ],
    "channel": [
        "疆内跨地区转移",
        "转移内地",
        "转移兵团就业",
        "就地就近转移",
        "卫星工厂",
        "扶贫车间",
    ],
    "dispatch": ["援疆", "劳务输出", "劳务派遣", "劳务合作对接", "北调", "两地三年10万人就业计划"],
    "moving": ["劳务输出", "劳务派遣", "劳务合作对接", "北调", "两地三年10万人就业计划"],
    "targeted": ["南疆四地州", "南疆三地州", "深度贫困县", "建档立卡", "贫困劳动力"],
    "camp_to_work": ["职业技能教育培训中心", "教培中心", "结业学员", "安置就业"],
    "control": [
        "集中培训",
        "集中管理",
        "统一管理",
        "军事化管理",
        "跟踪管理",
        "服务管理工作站",
        "政治审查",
    ],
    "political": ["国家通用语言", "国语培训", "感党恩", "爱党爱国", "去极端化", "三股势力"],
    "cadre": ["目标责任状", "一把手工程", "入户动员", "访惠聚"],
    "soft": ["稳岗", "就地就近就业", "监测预警"],
}
EN_FAMILIES: dict[str, list[str]] = {
    "surplus_labour": ["surplus labor", "surplus labour"],
    "transfer": ["labor transfer", "transferred worker", "transfer of rural"],
    "organised_transfer": ["special train", "organized transfer"],
    "camp_to_work": ["vocational skills education"],
    "dispatch": ["poverty alleviation through employment"],
}
# Families that make a sentence a hit on their own (events or context); the others need a move.
HIT_FAMILIES = frozenset(("transfer", "organised_transfer", "channel", "camp_to_work", "control",
                          "political", "cadre", "soft", "moving"))
MOVE_VERBS = ("转移", "输送", "输出", "送岗", "上岗", "安置", "前往", "大巴", "外出务工",
              "transferred", "sent", "found")


def split_sentences(text: str, script: str) -> list[str]:
    """Split a paragraph into sentences (zh: after 。！？; en: after . ! ? and a space)."""
    if script == "latin":
        parts = re.split(r"(?<=[.!?])\s+", text)
    else:
        parts = re.split(r"(?<=[。！？])", text)
    return [p.strip() for p in parts if p.strip()]


def is_hit(sentence: str, script: str) -> bool:
    """Whether the detector should quote this sentence of a flagged page."""
    sentence = re.sub(r"《[^》]*》", "", sentence)  # a document's title is not an event
    fams = set(families_in(sentence, script)) - {"soft"} | (
        {"soft"} if "就地就近就业" in sentence else set())  # 稳岗, 监测预警: no move
    probe = sentence.lower() if script == "latin" else sentence
    return bool(fams & HIT_FAMILIES) or bool(fams) and any(v in probe for v in MOVE_VERBS)


def families_in(sentence: str, script: str) -> list[str]:
    """Return the term families a sentence contains."""
    table = EN_FAMILIES if script == "latin" else FAMILIES
    probe = sentence.lower() if script == "latin" else sentence
    return [fam for fam, terms in table.items() if any(t in probe for t in terms)]


_converters: dict[str, Any] = {}


def to_script(text: str, doc: Doc) -> str:
    """Convert simplified text to Traditional for hant docs; identity otherwise."""
    if doc.script != "hant":
        return text
    if doc.opencc not in _converters:
        import opencc  # dev-only dependency of the generator

        _converters[doc.opencc] = opencc.OpenCC(doc.opencc)
    return str(_converters[doc.opencc].convert(text))


def analyse(paras: list[str], doc: Doc) -> tuple[list[str], list[str], int]:
    """Return (evidence sentences as displayed, categories, lexicon sentence count)."""
    hits: list[str] = []
    cats: list[str] = []
    for para in paras:
        for sent in split_sentences(para, doc.script):
            fams = families_in(sent, doc.script)
            if fams and (not doc.flagged or is_hit(sent, doc.script)):
                hits.append(to_script(sent, doc))
                cats.extend(f for f in fams if f not in cats)
    return hits, cats, len(hits)
