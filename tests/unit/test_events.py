"""Transfer events on invented sentences modelled on real constructions (fictional companies)."""

import pytest

from pipelines.text.detect import Detector
from pipelines.text.english import expand
from pipelines.text.noise import compact
from pipelines.text.types import Detection


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _check(detector: Detector, text: str, region: str | None = None) -> Detection:
    detection = detector.detect(text, region=region)
    for hit in detection.hits:  # offsets always point into the text as printed
        assert hit.sentence == text[hit.start : hit.end]
    return detection


def _decision(detection: Detection) -> tuple[bool, float, tuple[dict[str, list[str]], ...]]:
    """Flag, score and the slots of each hit (head counts as printed are left out)."""
    slots = tuple({k: v for k, v in h.slot_dict().items() if k != "figure"} | {
        "figure": [str(len(h.slot_dict().get("figure", [])))]} for h in detection.hits)
    return detection.flagged, detection.score, slots


# The same passage in its variants must get the same decision, score and slots.
SAME_DECISION = [
    [
        "Local officials organised the transfer of surplus labour from Hotan to garment "
        "factories in Anhui, and 1,200 labourers were mobilised this spring.",
        "Local officials organized the transfer of surplus labor from Hotan to garment "
        "factories in Anhui, and 1,200 laborers were mobilized this spring.",
    ],
    [
        "和田地区组织富余劳动力1200人赴江苏务工，由县人社局统一输送到西域新材料公司。",
        "和田地區組織富餘勞動力1200人赴江蘇務工，由縣人社局統一輸送到西域新材料公司。",
        "和(hé)田(tián)地区组(zǔ)织(zhī)富余劳动力1200人赴江苏务(wù)工(gōng)，"
        "由县人社局统一输(shū)送(sòng)到西域新材料公司。",
        "和田地区组织富余劳 动力1200人赴江 苏务工，由县人社局统一输\n送到西域新材料公司。",
        "和田地区组织富余劳动力１２００人赴江苏务工，由县人社局统一输送到西域新材料公司。",
    ],
    [
        "喀什地区今年通过专列有组织转移农村富余劳动力2.1万人，前往内地企业就业。",
        "喀什地區今年通過專列有組織轉移農村富餘勞動力2.1萬人，前往內地企業就業。",
        "喀什地区今年通过专列有组织转移（zhuǎnyí）农村富余劳动力2.1万人，前往内地企业就业。",
    ],
]


@pytest.mark.parametrize("variants", SAME_DECISION, ids=["en-spelling", "zh-noise", "zh-script"])
def test_same_passage_same_decision(detector: Detector, variants: list[str]) -> None:
    decisions = [_decision(_check(detector, text)) for text in variants]
    assert decisions[0][0], "the passage describes a transfer"
    assert all(decision == decisions[0] for decision in decisions)


def test_english_verbs_with_distance_and_inflection(detector: Detector) -> None:
    text = ("Uyghur workers from Kashgar were bused in groups to a shoe factory in "
            "Fujian under a government programme.")
    (hit,) = _check(detector, text).hits
    assert hit.slot_dict()["move"] == ["bus"]
    assert set(hit.slot_dict()) >= {"who", "move", "origin", "destination", "organiser"}


def test_soft_official_wording(detector: Detector) -> None:
    text = "于田县为120名建档立卡贫困户联系了企业、找了大巴车，送他们到阿克苏的棉田采摘棉花。"
    assert _check(detector, text).flagged
    nearby = "墨玉县卫星工厂今年吸纳周边村民就近就业300余人。"
    assert _check(detector, nearby).flagged


@pytest.mark.parametrize("text", [
    # people moved INTO Xinjiang
    "甘肃省今年组织5000名拾花工乘坐专列赴新疆采棉，县人社局统一输送。",
    "Officials in Chongqing plan to send 20,000 farmers to Xinjiang to pick cotton this autumn.",
    "首批援疆干部120人今天抵达喀什，将在当地工作三年。",
    # people of another province moved
    "湖南省怀化市今年组织劳务输出12万人，开通返岗专列3趟。",
    "Tibet set quotas to transfer 500,000 rural labourers into jobs; officials cited "
    "Xinjiang as the model.",
    # capacity, not people; fiscal transfers
    "电解铝产能将加速向新疆、内蒙古等西部地区转移。",
    "中央财政加大对新疆的转移支付力度，今年下达资金120亿元。",
])
def test_direction_and_traps(detector: Detector, text: str) -> None:
    assert not _check(detector, text).flagged


def test_rebuttal_words_never_lower_a_concrete_transfer(detector: Detector) -> None:
    critical = ("Rights groups call it forced labour: in March, 600 Uyghur workers from Hotan "
                "were sent by train to electronics factories in Jiangxi under a state "
                "programme.")
    assert _check(detector, critical).flagged
    rebuttal = ("所谓新疆强迫劳动是彻头彻尾的谎言，是西方反华势力的抹黑。"
                "新疆各族群众外出务工完全出于自愿。")
    assert not _check(detector, rebuttal).flagged
    quoted = "该报告声称“南疆富余劳动力被成批输送到内地工厂”，纯属编造的谎言。"
    assert not _check(detector, quoted).flagged  # a claim quoted to deny it


def test_anchor_from_text_or_source_never_from_nothing(detector: Detector) -> None:
    text = "我县今年组织农村富余劳动力1500人赴内地企业务工，由乡镇干部带队。"
    assert not _check(detector, text).flagged
    assert _check(detector, text, region="墨玉县").flagged
    elsewhere = "贵州省组织农村富余劳动力1500人赴浙江企业务工，由乡镇干部带队。"
    assert not _check(detector, elsewhere, region="墨玉县").flagged


def test_control_sentences_beside_an_event_are_context_hits(detector: Detector) -> None:
    text = ("西域新材料公司今年接收来自疏勒县的300名务工人员。"
            "公司对他们实行军事化管理，每周开展国语培训。")
    first, second = _check(detector, text).hits
    assert "move" in first.slot_dict()
    assert second.slot_dict() == {"control": ["军事化管理", "国语培训"]}


def test_compact_maps_offsets_back() -> None:
    text = "转(zhuǎn)移(yí)就 业\u200b。"
    compacted = compact(text)
    assert compacted.text == "转移就业。"
    assert compacted.original_span(0, 4) == (0, text.index("业") + 1)
    assert compact("新疆东方希望（East Hope）").removed == ()  # English is not pinyin


def test_english_expansion() -> None:
    assert {"transferred", "transferring", "transfers"} <= set(expand("transfer", "verb"))
    assert "labour transfer programmes" in expand("labor transfer program", "noun")
    assert "labor-transfer" in expand("labour transfer", "")
    assert "mobilised" in expand("mobilize", "verb")
    assert "bussed" in expand("bus", "verb") and "sent" in expand("send", "verb")


def test_forced_labour_lowers_nothing_unless_in_scare_quotes(detector: Detector) -> None:
    critical = ("Rights groups say the programmes amount to forced labour: Uyghur workers were "
                "sent to factories in other provinces, where officials watch them.")
    assert _check(detector, critical).flagged
    rebuttal = ('西方炒作所谓新疆"强迫劳动"，新疆各族群众外出务工。')
    assert not _check(detector, rebuttal).flagged


def test_moved_into_camps_is_detention_not_work(detector: Detector) -> None:
    text = ("Authorities in Hotan detained thousands of Uyghurs and placed them in "
            "re-education camps.")
    assert not _check(detector, text).flagged
    to_work = ("Graduates of the re-education camps in Hotan were placed in factories in "
               "Anhui under a government programme.")
    assert _check(detector, to_work).flagged


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", "(", "（zhuǎn", "转(" + "a" * 500 + ")移", "转\u200b" * 2000,
    "转 " * 5000, "(zhuǎn)(yí)", "a(zhuǎn)b", "转（ＺＨＵＡＮ）移", "\ufeff\u00ad",
])
def test_compact_survives_odd_text(text: str) -> None:
    compacted = compact(text)
    assert len(compacted.text) <= len(text)
    if compacted.text:  # every kept char maps back to the same char of the original
        assert all(text[compacted.original(i)] == ch for i, ch in enumerate(compacted.text))


# Sentences with no move verb that still describe a placement (events-2), and their traps.
IMPLIED = [
    ("After nine months in an internment camp in Karakax, former detainees were made to work "
     "twelve-hour shifts at a glove factory in the county.", True),
    ("在墨玉县，从再教育营出来的被关押者被安排在园区的服装工厂劳动，每月工资600元。", True),
    ("Some 800 Uyghur workers from Kashgar now work at a toy factory in Guangdong on one-year "
     "contracts.", True),
    # the camp's own name is not the work: "labour camps used as factories" places nobody
    ("Reports say brands in Kashgar are using these labour camps as factories.", False),
    # a denied placement implies nothing
    ("In Hotan, trainees at the vocational skills education and training centers study in "
     "classrooms and are not sent to work in factories.", False),
    # natives of other provinces at work in Xinjiang: the wrong direction
    ("阿克陶县有395名四川、重庆籍务工人员在当地建筑工地和企业工作。", False),
]


@pytest.mark.parametrize(("text", "flagged"), IMPLIED)
def test_a_placement_without_a_move_verb(detector: Detector, text: str, flagged: bool) -> None:
    detection = _check(detector, text)
    assert detection.flagged is flagged, (detection.score, [h.slot_dict() for h in detection.hits])
    if flagged:
        moves = {m for h in detection.hits for m in h.slot_dict().get("move", [])}
        assert moves & {"camp to work", "works in another province"}


def test_non_farm_sectors_are_where_rural_labour_is_moved(detector: Detector) -> None:
    text = ("喀什地区今年组织农村富余劳动力向二三产业转移，各县人社部门统一安排。",
            "Kashgar moved its rural surplus labour into the secondary and tertiary sectors.")
    for passage in text:
        hits = _check(detector, passage).hits
        assert any("destination" in h.slot_dict() for h in hits), passage


def test_workers_of_other_provinces_going_home_are_not_moved_out(detector: Detector) -> None:
    text = ("阿克陶县开通农民工离疆返乡专列，县委、县政府组织395名务工人员乘车返回四川、重庆，"
            "途经喀什站、阿克苏站。")
    assert not _check(detector, text).flagged


def test_going_to_the_south_is_where_outsiders_go(detector: Detector) -> None:
    text = "三月以来，从内地经吐鲁番车站中转去南疆务工的农民工人数明显增多。"
    assert not _check(detector, text).flagged


def test_migrant_workers_who_left_home_fill_the_move(detector: Detector) -> None:
    hits = _check(detector, "和田地区墨玉县外出务工人员艾尼瓦尔·吐尔逊在天津一家工厂工作。").hits
    assert any("move" in h.slot_dict() and "origin" in h.slot_dict() for h in hits)


# events-3: constructions from the real development pages that events-2 missed (our own
# sentences, fictional companies), in British/American spelling and both scripts.
EVENTS_3 = [
    # a pronoun right before a passive move is who is moved
    ("Last spring she was recruited by Tarim Bright Textiles through a labour agreement her "
     "township in Kashgar signed with garment factories.", True),
    ("Last spring she was recruited by Tarim Bright Textiles through a labor agreement her "
     "township in Kashgar signed with garment factories.", True),
    # ... but plain hiring is not a placement
    ("In Kashgar, she was hired by a bakery near her home.", False),
    # a camp named again by its head noun: its detainees are who works there
    ("He was detained and taken to a re-education centre in Bortala. His family later learnt "
     "that he was employed in the centre's weaving factory for 600 yuan a month.", True),
    ("He was detained and taken to a re-education center in Bortala. His family later learned "
     "that he was employed in the center's weaving factory for 600 yuan a month.", True),
    # people from southern counties at work in a workshop the sentence names
    ("来自洛浦县和皮山县的两名青年，分别在金纬纺织公司的纺纱车间和包装车间工作。", True),
    ("來自洛浦縣和皮山縣的兩名青年，分別在金緯紡織公司的紡紗車間和包裝車間工作。", True),
    # Uyghurs at work in inland factories, no move verb
    ("报告称，三年间至少6万名维吾尔族人到内地的工厂劳动。", True),
    # Uyghur migrant workers from the south heading to coastal cities
    ("有学者追踪南疆维吾尔族农民工走向东部沿海城市的过程。", True),
    # natives of other provinces (川渝籍) working in Xinjiang: the wrong direction
    ("阿克陶县有395名川渝籍务工人员在当地建筑工地工作。", False),
    # cadres canvassing households door to door for a factory
    ("伊宁县的纺织产业园建成后，村干部挨家挨户宣传园区里的服装工厂。", True),
    ("伊寧縣的紡織產業園建成後，村幹部挨家挨戶宣傳園區裡的服裝工廠。", True),
    ("In Yining county, village cadres went door to door promoting the garment factory in the "
     "new industrial park.", True),
    # synonym-swapped mirrors (转移就业 -> 搬运作业, 劳动力 -> 劳作力)
    ("三年规划推进喀什、和田区域劳作力搬运作业8万人。", True),
    # a head count in quotes, "citizens"
    ("Official figures record the \"placement\" of 2,100,000 \"surplus\" citizens in farm and "
     "factory jobs in Xinjiang.", True),
    # relocated to manufacturing centres around the country
    ("One state programme in Xinjiang relocates Uyghur villagers from rural areas to "
     "manufacturing centres around the country.", True),
    # resuming work is not a move
    ("After the Spring Festival, 300 employees returned to work in a cotton mill in Korla, "
     "Xinjiang.", False),
    # students moved to schools are not labour
    ("新疆今年将招录3000名各族应届初中毕业生，进入内地中等职业学校免费学习专业技能。", False),
    ("The prefecture in Xinjiang sent 20,000 junior-high graduates from Hotan to vocational "
     "schools.", False),
    # ... but schoolchildren bused out of the school to a harvest stay a move (a guard)
    ("In Hotan, teachers lined up Uyghur pupils in front of the school and bused them to the "
     "cotton fields.", True),
    # employment policy with only "the government" as organiser
    ("新疆坚持劳动者自主就业、市场调节就业、政府促进就业相结合，千方百计稳定就业。", False),
    # forced to labour at a workplace, as critical reporting words it
    ("调查显示，喀什的维吾尔族人被迫在海产品加工厂劳动，工资微薄。", True),
    ("調查顯示，喀什的維吾爾族人被迫在海產品加工廠勞動，工資微薄。", True),
    # ... not when denied, nor where no workplace is named
    ("喀什的维吾尔族工人从未被迫在工厂劳动。", False),
    ("报道称，教培中心里的少数民族被迫在恶劣环境下工作，政府则否认。", False),
    # a placement verb with officials as organiser stays a placement (not employment policy)
    ("In Kashgar, officials assigned Uyghur villagers to jobs under quotas.", True),
    # stranded outsiders carried home (滞留人员返乡) are not Xinjiang people moved out
    ("专列、包机陆续运送新疆滞留人员返乡，野外工地的工人也在离疆途中。", False),
    # a move implied with no move word written (camp graduates taking up posts) is no "forced
    # labour with nowhere named": that rule needs 被迫…劳动 written
    ("日前，皮山县职业技能教育培训中心又有150名结业学员走上工作岗位。", True),
    ("日前，皮山縣職業技能教育培訓中心又有150名結業學員走上工作崗位。", True),
]


@pytest.mark.parametrize(("text", "flagged"), EVENTS_3)
def test_events_3_constructions(detector: Detector, text: str, flagged: bool) -> None:
    detection = _check(detector, text)
    assert detection.flagged is flagged, (detection.score, [h.slot_dict() for h in detection.hits])


def test_a_notice_sending_workers_to_the_south_is_inward(detector: Detector) -> None:
    # 向南疆, 库尔勒方向: the southern places are where the trains go, not who is moved
    text = ("某市关于做好秋季赴新疆务工人员有组织劳务输出工作的通知。今年全市向南疆组织输送务工人员"
            "8000人，共安排3个专列，其中库尔勒方向1个专列，阿克苏方向2个专列。")
    assert not _check(detector, text).flagged


def test_same_construction_same_decision_across_spellings_and_scripts(
        detector: Detector) -> None:
    pairs = [
        ("He was detained and taken to a re-education centre in Bortala. He was employed in "
         "the centre's weaving factory.",
         "He was detained and taken to a re-education center in Bortala. He was employed in "
         "the center's weaving factory."),
        ("来自洛浦县的青年在金纬纺织公司的纺纱车间工作。",
         "來自洛浦縣的青年在金緯紡織公司的紡紗車間工作。",),
    ]
    for variants in pairs:
        decisions = [_decision(_check(detector, text)) for text in variants]
        assert decisions[0][0], variants[0]
        assert all(decision == decisions[0] for decision in decisions)


def test_the_regions_name_names_no_people(detector: Detector) -> None:
    # 新疆维吾尔自治区 / "Xinjiang Uyghur Autonomous Region" is a name: on a page about builders
    # flown in, it does not make the page's convoys carry Xinjiang people
    text = ("各地建设者陆续进疆。包机、专列为新疆输送来自全国各地的务工人员。"
            "新疆维吾尔自治区工信厅说，今年有108个重点项目复工。"
            "务工专列缓解了企业用人难问题。")
    assert not _check(detector, text).flagged
