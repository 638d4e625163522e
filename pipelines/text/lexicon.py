"""The term lexicon: YAML files under pipelines/lexicon/, validated on load into frozen records.

An overlay (``pipelines/lexicon/overlays/<name>.yml``, same schema, no ``version``) adds entries
for the sources that name it in their source file (``lexicon_overlay: <name>``), and only for
them: the demo's fictional companies are matched on the demo's pages, never on a real page
that happens to use the same words. Its entries take the version of the lexicon they join.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from pipelines.text.normalise import fold_for_matching

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "lexicon"
OVERLAYS = "overlays"  # the folder of overlays inside the lexicon folder

LABOUR_CATEGORIES = (
    "surplus_labour",
    "transfer",
    "organised_transfer",
    "channel",
    "dispatch",
    "targeted",
    "camp_to_work",
    "control",
    "political",
    "cadre",
    "soft",
)
# Slots of a transfer event that are not families of their own (pipelines/text/events.py)
SLOT_CATEGORIES = ("who", "move", "destination", "organiser", "programme", "inward", "trap")
SLOTS = ("who", "move", "origin", "destination", "organiser", "figure", "control", "programme")
INFLECTIONS = frozenset(("verb", "noun"))
# The slot each category fills by default (a term's ``slot:`` overrides it); categories not
# listed (counter, trap) fill none. ``inward`` marks movement INTO Xinjiang.
SLOT_OF = {
    "surplus_labour": "who", "targeted": "who", "camp_to_work": "who", "who": "who",
    "transfer": "move", "organised_transfer": "move", "channel": "move", "dispatch": "move",
    "soft": "move", "move": "move",
    "destination": "destination", "elsewhere": "destination", "company": "destination",
    "organiser": "organiser", "cadre": "organiser",
    "control": "control", "political": "control",
    "programme": "programme", "place": "origin", "inward": "inward",
}
# Xinjiang people named as such: they are who is moved as well as where from
ETHNONYMS = frozenset(("维吾尔族", "uyghur", "维吾尔族群众"))
# a move term this heavy makes an event with a head count alone (吸纳就业700多人); 就业 does not
COUNTED_MOVE = 1.5
# camps and their detainees: with a workplace and work in the same sentence, an event by
# themselves (detainees put to work: camp-to-work), though no move verb is written
DETENTION = frozenset(("再教育营", "re-education camp", "教培中心", "职业技能教育培训中心",
                       "vocational skills education and training center", "被关押者",
                       "detainee"))
# canvassing households (挨家挨户, "door to door"): with an organiser and a workplace in the
# sentence, the households are recruited into work though no move verb is written
DOOR_TO_DOOR = frozenset(("挨家挨户", "door to door"))
# Xinjiang's minorities named as such: on a Xinjiang page, Uyghurs and others
MINORITIES = frozenset(("少数民族", "minority"))
# where Xinjiang people at work are "away": inland / the east as a whole, other provinces
AWAY = frozenset(("疆外", "内地", "外省", "other provinces", "内地就业", "转移内地", "东部"))
# Families whose terms name the move AND who is moved (转移就业, 劳务输出, labor transfer)
COMPOUND_FAMILIES = frozenset(("transfer", "organised_transfer", "channel", "dispatch", "soft"))
PLACE = "place"
ELSEWHERE = "elsewhere"  # a place outside Xinjiang: labour migration there is not evidence
COMPANY = "company"
FIGURE = "figure"
COUNTER = "counter"
TERM_CATEGORIES = frozenset((*LABOUR_CATEGORIES, *SLOT_CATEGORIES, PLACE, ELSEWHERE, COUNTER))
CATEGORIES = (*LABOUR_CATEGORIES, *SLOT_CATEGORIES, PLACE, ELSEWHERE, COMPANY, FIGURE, COUNTER)
GAP = "…"  # in a spelling: up to a few words (English) or chars (Chinese) may stand here
LANGUAGES = frozenset(("zh", "en"))

_STOCK_CODE = re.compile(r"^\d{6}(\.(SZ|SH|BJ))?$")
_TERM_KEYS = frozenset(
    ("term", "variants", "category", "gloss", "weight", "language", "slot", "inflect"))
_COMPANY_KEYS = frozenset(
    ("name", "aliases", "stock_codes", "english", "tied_to_transfers", "note")
)


class LexiconError(ValueError):
    """A lexicon file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Term:
    """A lexicon term: canonical form, spelling variants, family and weight."""

    term: str
    variants: tuple[str, ...]
    category: str
    gloss: str
    weight: float
    language: str
    slot: str = ""  # the event slot it fills, when not its category's (events.SLOT_OF)
    inflect: str = ""  # English: "verb" (inflect the first word) or "noun" (plural of the last)


@dataclass(frozen=True)
class Company:
    """A company whose mention is context (and evidence of who receives workers)."""

    name: str
    aliases: tuple[str, ...]
    stock_codes: tuple[str, ...]
    english: tuple[str, ...]
    tied_to_transfers: bool


@dataclass(frozen=True)
class Lexicon:
    """All terms and companies, with the one version string their files share."""

    version: str
    terms: tuple[Term, ...]
    companies: tuple[Company, ...]


def _fail(where: str, message: str) -> LexiconError:
    """An error naming the file and field."""
    return LexiconError(f"{where}: {message}")


def _text(entry: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    """A required (or defaulted) non-empty string field."""
    value = entry.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}.{key}", "must be a non-empty string")
    return value.strip()


def _texts(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """An optional list of non-empty strings."""
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"{where}.{key}", "must be a list of non-empty strings (quote numbers)")
    return tuple(v.strip() for v in value)


def _check_keys(entry: object, allowed: frozenset[str], where: str) -> Mapping[str, Any]:
    """The entry as a mapping without unknown keys."""
    if not isinstance(entry, dict):
        raise _fail(where, "must be a mapping")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(map(str, unknown))}")
    return entry


def _parse_term(entry: object, where: str, language: str | None) -> Term:
    """One validated Term."""
    data = _check_keys(entry, _TERM_KEYS, where)
    category = _text(data, "category", where)
    if category not in TERM_CATEGORIES:
        raise _fail(f"{where}.category", f"{category!r} is not one of {sorted(TERM_CATEGORIES)}")
    weight = data.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise _fail(f"{where}.weight", "must be a number")
    if (category == COUNTER) != (weight < 0) or weight == 0:
        raise _fail(f"{where}.weight", "must be negative for counter terms, positive otherwise")
    lang = _text(data, "language", where, language)
    if lang not in LANGUAGES:
        raise _fail(f"{where}.language", f"{lang!r} is not one of {sorted(LANGUAGES)}")
    term = _text(data, "term", where)
    if lang == "en":
        term = term.lower()
    variants = _texts(data, "variants", where)
    for spelling in (term, *variants):
        sides = spelling.split(GAP)
        if len(sides) > 2 or not all(side.strip() for side in sides):
            raise _fail(f"{where}.variants", f"{spelling!r}: use one {GAP} between two words")
    slot = _optional_choice(data, "slot", SLOTS, where)
    inflect = _optional_choice(data, "inflect", INFLECTIONS, where)
    if inflect and lang != "en":
        raise _fail(f"{where}.inflect", "only English terms are inflected")
    return Term(term, variants, category, _text(data, "gloss", where), float(weight), lang,
                slot, inflect)


def _optional_choice(data: Mapping[str, Any], key: str, choices: Iterable[str], where: str) -> str:
    """An optional field that must be one of ``choices`` ("" when absent)."""
    if key not in data:
        return ""
    value = data[key]
    if value not in tuple(choices):
        raise _fail(f"{where}.{key}", f"{value!r} is not one of {sorted(choices)}")
    return str(value)


def _parse_company(entry: object, where: str) -> Company:
    """One validated Company."""
    data = _check_keys(entry, _COMPANY_KEYS, where)
    codes = _texts(data, "stock_codes", where)
    bad = [code for code in codes if not _STOCK_CODE.match(code)]
    if bad:
        raise _fail(f"{where}.stock_codes", f"{bad[0]!r} is not like 002532 or 002532.SZ")
    tied = data.get("tied_to_transfers")
    if not isinstance(tied, bool):
        raise _fail(f"{where}.tied_to_transfers", "must be true or false")
    if not isinstance(data.get("note", ""), str):
        raise _fail(f"{where}.note", "must be a string")
    return Company(
        _text(data, "name", where),
        _texts(data, "aliases", where),
        codes,
        _texts(data, "english", where),
        tied,
    )


def _read(path: Traversable, overlay: bool = False) -> Mapping[str, Any]:
    """One YAML file as a mapping with a version (an overlay: without one)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise _fail(str(path), f"cannot read: {error}") from error
    if not isinstance(data, dict):
        raise _fail(str(path), "must be a mapping with version and terms/companies")
    _check_keys(data, frozenset(("version", "language", "terms", "companies")), str(path))
    if overlay and "version" in data:
        raise _fail(f"{path}.version", "an overlay takes the version of the lexicon it joins")
    if not overlay:
        _text(data, "version", str(path))
    return data


def _add_entries(data: Mapping[str, Any], path: Traversable, terms: list[Term],
                 companies: list[Company]) -> None:
    """Append the validated terms and companies of one file."""
    language = data.get("language")
    terms += [_parse_term(e, where, language) for e, where in _entries(data, "terms", path)]
    companies += [_parse_company(e, where) for e, where in _entries(data, "companies", path)]


def _entries(
    data: Mapping[str, Any], key: str, path: Traversable
) -> Iterator[tuple[object, str]]:
    """The entries of a list field with their error location."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _fail(f"{path}: {key}", "must be a list")
    for index, entry in enumerate(value):
        yield entry, f"{path}: {key}[{index}]"


def _files(path: Traversable) -> list[Traversable]:
    """The lexicon files at ``path`` (a directory of *.yml or a single file)."""
    if path.is_file():
        return [path]
    files = sorted(
        (p for p in path.iterdir() if p.name.endswith((".yml", ".yaml"))), key=lambda p: p.name
    )
    if not files:
        raise LexiconError(f"{path}: no lexicon files (*.yml)")
    return files


def _check_unique(keys: Iterator[tuple[str, str, str]]) -> None:
    """Each folded spelling belongs to one entry only: (folded key, owner, location)."""
    owners: dict[str, tuple[str, str]] = {}
    for key, owner, where in keys:
        previous = owners.setdefault(key, (owner, where))
        if previous[0] != owner:
            raise _fail(where, f"{key!r} is also a spelling of {previous[0]!r} ({previous[1]})")


def _spellings(lexicon: Lexicon) -> Iterator[tuple[str, str, str]]:
    """Every folded spelling with its owning term/company, for the uniqueness check."""
    for term in lexicon.terms:
        for spelling in (term.term, *term.variants):
            yield fold_for_matching(spelling), f"{term.language}:{term.term}", term.term
    for company in lexicon.companies:
        for spelling in (company.name, *company.aliases, *company.english, *company.stock_codes):
            yield fold_for_matching(spelling), f"company:{company.name}", company.name


def _parse(files: list[Traversable], overlays: Iterable[Traversable] = ()) -> Lexicon:
    """Lexicon from the given files, plus the entries of the given overlays."""
    versions: dict[str, Traversable] = {}
    terms: list[Term] = []
    companies: list[Company] = []
    for path in files:
        data = _read(path)
        versions.setdefault(str(data["version"]).strip(), path)
        _add_entries(data, path, terms, companies)
    if len(versions) != 1:
        found = ", ".join(f"{v} ({p.name})" for v, p in versions.items())
        raise LexiconError(f"lexicon files disagree on version: {found}")
    for path in overlays:
        _add_entries(_read(path, overlay=True), path, terms, companies)
    lexicon = Lexicon(next(iter(versions)), tuple(terms), tuple(companies))
    _check_unique(_spellings(lexicon))
    return lexicon


@lru_cache(maxsize=8)
def _load(path: Path) -> Lexicon:
    """Cached load of one resolved path."""
    return _parse(_files(path))


@lru_cache(maxsize=1)
def _load_bundled() -> Lexicon:
    """The bundled lexicon: a folder in a checkout, or inside the zipped egg Scrapyd runs."""
    folder = resources.files("pipelines") / "lexicon"
    return _load(folder.resolve()) if isinstance(folder, Path) else _parse(_files(folder))


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load and validate the lexicon at ``path`` (default: the bundled pipelines/lexicon/)."""
    if path is None:
        return _load_bundled()
    target = path.resolve()
    if not target.exists():
        raise LexiconError(f"{target}: no such lexicon file or directory")
    return _load(target)


def _bundled_folder() -> Traversable:
    """The bundled lexicon folder (a directory, or inside the zipped egg Scrapyd runs)."""
    return resources.files("pipelines") / "lexicon"


def overlay_names() -> list[str]:
    """The names of the bundled overlays (pipelines/lexicon/overlays/<name>.yml)."""
    folder = _bundled_folder() / OVERLAYS
    if not folder.is_dir():
        return []
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".yml"))


@lru_cache(maxsize=4)
def load_overlaid(name: str) -> Lexicon:
    """The bundled lexicon with overlay ``name`` added (validated together, one version)."""
    if name not in overlay_names():
        raise LexiconError(f"no lexicon overlay {name!r} (pipelines/lexicon/{OVERLAYS}/)")
    folder = _bundled_folder()
    return _parse(_files(folder), [folder / OVERLAYS / f"{name}.yml"])


def lexicon_for(overlay: str | None) -> Lexicon:
    """The lexicon a source detects with: the bundled one, or it with the source's overlay."""
    return load_overlaid(overlay) if overlay else load_lexicon()


def is_xinjiang_region(name: str, lexicon: Lexicon | None = None) -> bool:
    """Whether ``name`` (e.g. 和田地区, 墨玉县, Hotan) contains a Xinjiang place of the lexicon."""
    folded = fold_for_matching(name.strip())
    places = [t for t in (lexicon or load_lexicon()).terms if t.category == PLACE]
    spellings = (fold_for_matching(s) for t in places for s in (t.term, *t.variants))
    return bool(folded) and any(spelling in folded for spelling in spellings)


def canonical_company(name: str, lexicon: Lexicon | None = None) -> str | None:
    """The canonical name of the company spelled ``name`` (alias, stock code, English name, any
    script or case), or None if the lexicon (default: the bundled one and its overlays) does not
    know it; for ``--company`` filters."""
    wanted = fold_for_matching(name.strip())
    known = [lexicon] if lexicon else [load_lexicon(), *map(load_overlaid, overlay_names())]
    for company in (company for lex in known for company in lex.companies):
        spellings = (company.name, *company.aliases, *company.stock_codes, *company.english)
        if wanted in {fold_for_matching(spelling) for spelling in spellings}:
            return company.name
    return None
