"""Every source file validates; malformed files fail with the file and field named."""

from pathlib import Path

import pytest

from crawler.sources import SourceError, load_source, load_sources, source_files

GOOD = """
publisher: 示例新闻网
kind: state_media
language: zh
start_urls: ["http://127.0.0.1:9/news/index.html"]
links:
  article: {css: "ul.list a", pattern: "/news/\\\\d+\\\\.html$"}
expect: {min_items: 3}
"""


def write(tmp_path: Path, text: str, folder: str = "state_media", name: str = "x.yml") -> Path:
    path = tmp_path / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.stem)
def test_every_bundled_source_validates(path: Path) -> None:
    source = load_source(path)
    assert source.slug == path.stem
    assert source.kind == path.parent.name
    assert source.expect.min_items >= 1


def test_bundled_sources_cover_every_kind() -> None:
    kinds = {s.kind for s in load_sources().values()}
    assert kinds == {"state_media", "government", "company"}


def test_good_file_loads_with_defaults(tmp_path: Path) -> None:
    source = load_source(write(tmp_path, GOOD))
    assert source.slug == "x"
    assert source.politeness.download_maxsize == 20 * 1024 * 1024
    assert source.links.article.pattern == r"/news/\d+\.html$"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("kind: state_media", "kind: blog"), "field kind"),
        (("language: zh", "language: Chinese"), "field language"),
        (('start_urls: ["http://127.0.0.1:9/news/index.html"]', "start_urls: [ftp://x]"),
         "field start_urls"),
        (('article: {css: "ul.list a", pattern: "/news/\\\\d+\\\\.html$"}', "article: {}"),
         "field links.article"),
        (("expect: {min_items: 3}", "expect: {min_items: -1}"), "field expect.min_items"),
        (("publisher: 示例新闻网", "publisher: 示例新闻网\nfrobnicate: 1"), "field frobnicate"),
        (('pattern: "/news/', 'pattern: "(/news/'), "field links.article"),
        (("publisher: 示例新闻网", "publisher: 示例新闻网\nregion: 四川省凉山州"), "field region"),
        (("publisher: 示例新闻网", "publisher: 示例新闻网\nregion: ''"), "field region"),
    ],
)
def test_malformed_file_names_file_and_field(tmp_path: Path, change: tuple[str, str],
                                             field: str) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(SourceError) as info:
        load_source(path)
    assert str(path) in str(info.value)
    assert field in str(info.value)


@pytest.mark.parametrize("proxy", ["null", "http://10.0.0.1:3128", "http://proxy.example.org:80"])
def test_test_host_needs_a_loopback_proxy(tmp_path: Path, proxy: str) -> None:
    text = GOOD.replace("http://127.0.0.1:9", "http://demo.evidence.test")
    text += f"politeness: {{proxy: {proxy}}}\n"
    with pytest.raises(SourceError, match="field politeness|127.0.0.1"):
        load_source(write(tmp_path, text))


def test_test_host_through_a_loopback_proxy_loads(tmp_path: Path) -> None:
    text = GOOD.replace("http://127.0.0.1:9", "http://demo.evidence.test")
    text += "politeness: {proxy: 'http://127.0.0.1:8741'}\n"
    source = load_source(write(tmp_path, text))
    assert source.start_urls[0].startswith("http://demo.evidence.test/")


def test_kind_must_match_folder(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, folder="government")
    with pytest.raises(SourceError, match="field kind"):
        load_source(path)


def test_broken_yaml_is_one_line_error(tmp_path: Path) -> None:
    path = write(tmp_path, "publisher: [unclosed\n")
    with pytest.raises(SourceError) as info:
        load_source(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_env_reference_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = GOOD.replace("http://127.0.0.1:9", "${DEMO_BASE:-http://127.0.0.1:1}")
    path = write(tmp_path, text)
    assert load_source(path).start_urls[0].startswith("http://127.0.0.1:1/")
    monkeypatch.setenv("DEMO_BASE", "http://127.0.0.1:5555")
    assert load_source(path).start_urls[0] == "http://127.0.0.1:5555/news/index.html"


def test_duplicate_slug_rejected(tmp_path: Path) -> None:
    write(tmp_path, GOOD, name="a.yml")
    write(tmp_path, "slug: a\n" + GOOD, name="b.yml")
    with pytest.raises(SourceError, match="already used"):
        load_sources(tmp_path)
