"""Near-duplicate fingerprints: reposts (also in Traditional script) match, other texts do not."""

from pipelines.text.fingerprint import (
    PERMUTATIONS,
    SAME_TEXT_THRESHOLD,
    band_keys,
    comparable_text,
    from_hex,
    minhash,
    similarity,
    to_hex,
)

ARTICLE = (
    "今年一季度，喀什地区有组织转移农村富余劳动力11.2万人，完成年度目标任务的38.6%。"
    "其中，转移到疆内其他地区就业4.1万人，转移到内地省市就业2.3万人。"
    "喀什地区各县市通过入户动员、集中培训、统一输送等方式，组织富余劳动力赴纺织、电子等企业务工。"
    "下一步，地区将继续加大转移就业工作力度，确保全年目标任务按期完成。"
)
REPOST = "来源：示范日报\n" + ARTICLE.replace("38.6%", "38.6％") + "\n责任编辑：李明"
TRADITIONAL = ("今年一季度，喀什地區有組織轉移農村富餘勞動力11.2萬人，完成年度目標任務的38.6%。"
               "其中，轉移到疆內其他地區就業4.1萬人，轉移到內地省市就業2.3萬人。"
               "喀什地區各縣市通過入戶動員、集中培訓、統一輸送等方式，組織富餘勞動力赴紡織、電子等企業務工。"
               "下一步，地區將繼續加大轉移就業工作力度，確保全年目標任務按期完成。")
OTHER = ("天河铝业有限公司召开2023年安全生产工作会议，总结上一年度安全生产工作，"
         "部署新一年重点任务，要求各分厂压实安全责任，开展隐患排查治理。")


def test_comparable_text_drops_punctuation_and_folds_script() -> None:
    assert comparable_text("喀什地區，ＡＢ 12！") == "喀什地区ab12"


def test_repost_with_source_lines_is_the_same_text() -> None:
    assert similarity(minhash(ARTICLE), minhash(REPOST)) >= SAME_TEXT_THRESHOLD


def test_traditional_copy_is_the_same_text() -> None:
    assert similarity(minhash(ARTICLE), minhash(TRADITIONAL)) == 1.0


def test_unrelated_text_is_not() -> None:
    assert similarity(minhash(ARTICLE), minhash(OTHER)) < 0.2


def test_signature_shape_and_round_trip() -> None:
    signature = minhash(ARTICLE)
    assert len(signature) == PERMUTATIONS
    assert from_hex(to_hex(signature)) == signature
    assert len(to_hex(signature)) == 16 * PERMUTATIONS
    assert len(band_keys(signature)) == 16
    assert minhash(ARTICLE) == signature  # deterministic across calls (and runs)


def test_empty_and_tiny_texts() -> None:
    assert minhash("，。！ ") == ()
    assert similarity((), ()) == 0.0
    assert len(minhash("转移")) == PERMUTATIONS
