"""End-to-end detection on invented sentences (fictional companies only)."""

import pytest

from pipelines.text.detect import Detector
from pipelines.text.score import THRESHOLD, UNANCHORED_FACTOR
from pipelines.text.types import Detection


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _detect(detector: Detector, text: str) -> Detection:
    detection = detector.detect(text)
    for hit in detection.hits:
        assert hit.sentence == text[hit.start : hit.end]
        assert hit.lexicon_version == detector.lexicon.version == detection.lexicon_version
    return detection


def test_organised_transfer_from_hotan_is_flagged(detector: Detector) -> None:
    text = "本报讯。和田地区有组织转移农村富余劳动力1200人到内地就业。天气晴。"
    detection = _detect(detector, text)
    # core 2 + origin 和田 1 + destination 内地 1 + organiser (有组织) 1 + figure 1
    assert detection.flagged and detection.score == 6.0
    assert (detection.language, detection.script) == ("zh", "hans")
    (hit,) = detection.hits
    assert (hit.start, hit.end) == (4, 31)
    assert hit.sentence == "和田地区有组织转移农村富余劳动力1200人到内地就业。"
    assert hit.terms == ("和田", "有组织转移", "农村富余劳动力", "内地就业")
    assert hit.categories == ("channel", "figure", "organised_transfer", "place", "surplus_labour")
    assert hit.companies == ()
    assert hit.score == 6.0
    assert hit.slot_dict() == {
        "who": ["农村富余劳动力"], "move": ["有组织转移", "内地就业"], "origin": ["和田"],
        "destination": ["内地就业"], "organiser": ["有组织转移"], "figure": ["1200人"]}


def test_traditional_script_is_flagged_with_original_text(detector: Detector) -> None:
    text = "喀什地區有組織轉移農村富餘勞動力3000人，實現轉移就業。"
    detection = _detect(detector, text)
    assert detection.flagged and detection.script == "hant"
    (hit,) = detection.hits
    assert hit.sentence == text
    assert hit.terms == ("喀什", "有组织转移", "农村富余劳动力", "转移就业")


def test_english_state_media_sentence_is_flagged(detector: Detector) -> None:
    text = (
        "Xinjiang news. Some 1,200 surplus laborers from Hotan were transferred to jobs "
        "in factories in eastern China this year."
    )
    detection = _detect(detector, text)
    assert detection.flagged and detection.language == "en" and detection.script == "latin"
    (hit,) = detection.hits
    assert hit.start == 15 and hit.end == len(text)
    assert hit.terms == (
        "surplus labor", "hotan", "transferred for employment", "factory", "other provinces")
    assert hit.categories == (
        "destination", "figure", "place", "surplus_labour", "transfer")
    assert dict(hit.slots)["figure"] == ("1,200 surplus laborers",)


def test_company_csr_paragraph_is_flagged(detector: Detector) -> None:
    text = (
        "西域新材料公司今年接收来自南疆的300名转移就业人员。"
        "公司对他们实行集中管理，并开展国语培训。"
    )
    detection = _detect(detector, text)
    assert detection.flagged
    first, second = detection.hits
    assert first.terms == ("接收", "南疆", "转移就业人员")
    assert second.terms == ("集中管理", "国语培训")  # context: how they are handled
    assert second.slot_dict() == {"control": ["集中管理", "国语培训"]}
    assert (second.start, second.end) == (27, 47)


def test_lexicon_company_is_reported(detector: Detector) -> None:
    text = "天山铝业阿拉尔基地今年有组织转移南疆富余劳动力500人。"
    (hit,) = _detect(detector, text).hits
    assert hit.companies == ("新疆生产建设兵团农八师天山铝业",)
    assert "company" in hit.categories


@pytest.mark.parametrize(
    "text",
    [
        "电解铝产能转移至新疆准东，天河铝业新建产能带动了当地经济发展。",
        "天河铝业将300名富余人员借调至新疆分公司，支援新项目投产。",
        "四川省农村劳动力转移就业2500万人次，劳务输出规模持续扩大。"
        "今年全省有组织转移农村富余劳动力50万人，乘坐专列前往沿海。",
        "福建省加快农村劳动力转移就业，全年新增转移就业12万人。",
        "甘肃省今年向新疆劳务输出拾花工5000人，乘坐专列赴疆务工。",
        "山东的建设工人进疆参与西域新材料电解铝项目建设。",
        "天山铝业2023年电解铝产量达到115万吨，同比增长5%。",
        "美国将新疆东方希望有色金属有限公司和天山铝业列入实体清单，指其涉及所谓“强迫劳动”。",
        "所谓新疆“强迫劳动”是西方反华势力编造的谎言。新疆各族群众的劳动就业权利受到法律保护。",
        "所谓“强迫劳动”纯属谎言，新疆劳动力转移就业完全尊重群众意愿。",
        "The so-called forced labor in Xinjiang is a lie, a smear fabricated by anti-China forces.",
        "市领导到喀什调研援疆工作。",
        "会议强调，要做好稳岗工作，确保新疆经济平稳运行。",
        "司机因疲劳转向失控，车辆冲出道路。",
    ],
)
def test_traps_are_not_flagged(detector: Detector, text: str) -> None:
    detection = _detect(detector, text)
    assert not detection.flagged
    assert detection.hits == ()
    assert detection.score < THRESHOLD


def test_people_of_another_province_are_no_event(detector: Detector) -> None:
    text = "四川省有组织转移农村富余劳动力50万人。"
    detection = _detect(detector, text)
    assert detection.score == 0.0 and not detection.flagged and detection.hits == ()


def test_unanchored_page_is_scored_but_never_flagged(detector: Detector) -> None:
    text = "我县今年有组织转移农村富余劳动力1200人到内地企业就业。"
    detection = _detect(detector, text)
    assert not detection.flagged and detection.score == 5.0 * UNANCHORED_FACTOR
    anchored = detector.detect(text, region="和田地区")  # a Hotan county portal's notice
    assert anchored.flagged and anchored.score == 5.0


def test_language_hint_and_empty_text(detector: Detector) -> None:
    assert detector.detect("和田地区转移就业", language="zh-CN").language == "zh"
    empty = detector.detect("")
    assert (empty.language, empty.script, empty.score, empty.flagged) == (
        "unknown",
        "other",
        0.0,
        False,
    )


def test_stages_compose(detector: Detector) -> None:
    text = "第一句无关。喀什地区有组织转移富余劳动力2000人。"
    prepared = detector.prepare(text)
    assert prepared.normalised == text and prepared.compacted.text == text
    assert prepared.sentences == ((0, 6), (6, 26))
    segmentation = detector.segment(prepared)
    detection = detector.flag(prepared, segmentation)
    assert detection == detector.detect(text)
    assert segmentation.segmented == ((6, 26),)
