"""The labelled evaluation corpus: coverage, validation, and the detector's quality floor."""

from collections import Counter
from pathlib import Path

import pytest

from evaluation.corpus import CorpusError, Passage, load_corpus
from evaluation.metrics import Counts, evaluate
from pipelines.text.detect import Detector
from pipelines.text.lexicon import LABOUR_CATEGORIES
from pipelines.text.sentences import split_sentences

TRAPS = {"capacity_transfer", "secondment", "migration_elsewhere", "into_xinjiang",
         "smelter_news", "sanctions", "rebuttal"}
NOISE = {"noise_menu", "noise_pinyin", "noise_mojibake", "noise_long", "noise_short"}


@pytest.fixture(scope="module")
def corpus() -> list[Passage]:
    return load_corpus()


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _script(passage: Passage) -> str:
    return "en" if passage.text.isascii() else ("hant" if "hant" in passage.id else "zh")


def test_size_and_unique_ids(corpus: list[Passage]) -> None:
    assert len(corpus) >= 150
    assert len({p.id for p in corpus}) == len(corpus)
    assert Counter(p.split for p in corpus).keys() == {"dev", "heldout"}


def test_every_family_in_simplified_traditional_and_english(corpus: list[Passage]) -> None:
    positives = [p for p in corpus if p.positive]
    for family in LABOUR_CATEGORIES:
        ids = [p.id for p in positives if p.category == family]
        assert any(i.startswith(("hans-", "ho-")) and "-en-" not in i for i in ids), family
        assert any("hant" in i for i in ids), family
        assert any(i.startswith("en-") or "-en-" in i for i in ids), family


def test_every_trap_noise_kind_and_plain_negatives(corpus: list[Passage]) -> None:
    categories = Counter(p.category for p in corpus)
    assert TRAPS | NOISE | {"plain"} <= categories.keys()
    assert all(not p.positive for p in corpus if p.category in TRAPS | {"plain"})
    assert categories["plain"] >= 20
    lengths = [len(p.text) for p in corpus]
    assert min(lengths) <= 10 and max(lengths) >= 5000


def test_evidence_marks_whole_sentences(corpus: list[Passage]) -> None:
    for passage in corpus:
        spans = set(split_sentences(passage.text))
        gold = passage.evidence_sentences()
        assert gold <= spans and len(gold) >= (1 if passage.positive else 0), passage.id


def test_document_floor_overall_and_on_dev(corpus: list[Passage], detector: Detector) -> None:
    report = evaluate(corpus, detector)
    assert report.meets_floor()
    dev = report.by_split["dev"]
    assert dev.precision is not None and dev.precision >= 0.90
    assert dev.recall is not None and dev.recall >= 0.95


def test_heldout_split_stays_usable(corpus: list[Passage], detector: Detector) -> None:
    """The held-out batches are never tuned on, so they score below dev (docs/detection.md
    reports the figures); this only catches a collapse."""
    counts = evaluate([p for p in corpus if p.split == "heldout"], detector).document
    assert counts.precision is not None and counts.precision >= 0.90
    assert counts.recall is not None and counts.recall >= 0.85


def test_hits_quote_one_whole_sentence_with_exact_offsets(
    corpus: list[Passage], detector: Detector
) -> None:
    for passage in corpus:
        spans = set(split_sentences(passage.text))
        for hit in detector.detect(passage.text).hits:
            assert hit.sentence == passage.text[hit.start : hit.end]
            assert (hit.start, hit.end) in spans, passage.id


def test_counts_arithmetic() -> None:
    counts = Counts()
    for predicted, actual in [(True, True)] * 8 + [(True, False)] * 2 + [(False, True)] * 2:
        counts.add(predicted, actual)
    counts.add(False, False)
    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (8, 2, 2, 1)
    assert (counts.precision, counts.recall, counts.f1) == (0.8, 0.8, 0.8000000000000002)
    assert Counts().precision is None and Counts().f1 is None


CORPUS = """passages:
- {id: a, split: dev, label: positive, category: transfer, genre: state_media,
   text: "无关的一句。和田地区有组织转移农村富余劳动力1200人到内地就业。", evidence: [有组织转移]}
- {id: b, split: heldout, label: negative, category: plain, genre: state_media,
   text: "新疆今年旅游接待人次创新高。"}
"""


def test_small_corpus_file(tmp_path: Path, detector: Detector) -> None:
    path = tmp_path / "c.yml"
    path.write_text(CORPUS, encoding="utf-8")
    report = evaluate(load_corpus(path), detector)
    assert (report.document.tp, report.document.fp, report.document.tn) == (1, 0, 1)
    assert (report.sentence.tp, report.sentence.fp, report.sentence.fn) == (1, 0, 0)
    assert report.by_category["transfer"].recall == 1.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("passages: 3", "must be a mapping with a list of passages"),
        ("passages:\n- {id: a, split: dev, label: maybe, category: x, genre: g, text: t}",
         "label 'maybe' is not one of positive, negative"),
        ("passages:\n- {id: a, split: dev, label: positive, category: x, genre: g, text: t}",
         "positives need evidence"),
        ("passages:\n- {id: a, split: dev, label: positive, category: x, genre: g, text: t,"
         " evidence: [zz]}", "evidence not in the text: 'zz'"),
        ("passages:\n- {id: a, split: dev, label: negative, category: x, genre: g, text: t,"
         " colour: red}", "unknown field(s) colour"),
    ],
)
def test_bad_corpus_files_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.yml") as error:
        load_corpus(path)
    assert message in str(error.value)


def test_duplicate_ids_and_missing_corpus(tmp_path: Path) -> None:
    entry = "- {id: a, split: dev, label: negative, category: x, genre: g, text: t}\n"
    (tmp_path / "one.yml").write_text("passages:\n" + entry, encoding="utf-8")
    (tmp_path / "two.yml").write_text("passages:\n" + entry, encoding="utf-8")
    with pytest.raises(CorpusError, match="duplicate passage id 'a'"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="no such corpus"):
        load_corpus(tmp_path / "missing")
