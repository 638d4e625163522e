"""The desk in a real headless Chromium: search, facet, document, citation, review, hostile pages,
missed evidence.

Screenshots go to tests/web/screenshots/ (git-ignored) so a person can look at what the test saw.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from db.engine import open_database, session_scope
from db.measure import review_measures
from db.models import Capture, DocumentReview, Review, Version
from demo.tsa import openssl
from tests.review_db import Page, ids, store_pages
from tests.web.conftest import HOSTILE_TITLE, Beacon, Served, copy_db, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path(__file__).resolve().parent / "screenshots"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"):
    pytest.skip("Debian chromium + chromium-driver not installed (.ci/run installs them)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def desk(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = copy_db(demo_db, tmp_path_factory.mktemp("browser"))
    with serve(db, reviewer="Analyst A") as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    profile = tempfile.mkdtemp(prefix="desk-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={profile}", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    SHOTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: WebDriver, name: str) -> None:
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def search_for(driver: WebDriver, base: str, words: str) -> None:
    driver.get(base + "/")
    box = driver.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(words)
    box.submit()
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "total")))


def result_titles(driver: WebDriver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".result h2")]


def marks(driver: WebDriver) -> set[str]:
    return {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".result mark")}


def test_analyst_session(desk: Served, browser: WebDriver) -> None:
    """The issue's story: 南疆, 勞動力轉移, government notices, a document, copy, confirm."""
    search_for(browser, desk.url, "南疆")  # 8 demo documents and the hostile test page
    assert browser.find_element(By.ID, "total").text == "9 documents"
    assert "南疆" in marks(browser)
    shot(browser, "01-search-nanjiang")

    search_for(browser, desk.url, "勞動力轉移")
    assert browser.find_element(By.ID, "total").text == "9 documents"
    assert "劳动力转移" in marks(browser)  # Traditional query, Simplified text
    assert browser.find_element(By.ID, "order").text.startswith("Most relevant first")
    shot(browser, "02-search-traditional")

    browser.find_element(By.ID, "sort-newest").click()
    WebDriverWait(browser, 10).until(ec.url_contains("sort=newest"))
    assert browser.find_element(By.ID, "order").text.startswith("Newest first")
    assert browser.find_element(By.ID, "total").text == "9 documents"
    assert not browser.find_elements(By.CSS_SELECTOR, ".chip")  # an order is not a filter

    browser.find_element(By.CSS_SELECTOR, '#facet-kind a[data-value="government"]').click()
    WebDriverWait(browser, 10).until(ec.url_contains("kind=government"))
    kinds = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".result .meta .badge")
             if e.text in ("Government notices", "State media", "Company")}
    assert kinds == {"Government notices"}
    assert browser.find_element(By.ID, "total").text == "3 documents"
    shot(browser, "03-facet-government")

    browser.find_element(By.CSS_SELECTOR, ".result h2 a").click()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "doc-title")))
    assert browser.find_elements(By.CSS_SELECTOR, "#fulltext .inhit")
    assert browser.find_elements(By.CSS_SELECTOR, "#fulltext mark")
    shot(browser, "04-document")

    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": desk.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    button = browser.find_element(By.CSS_SELECTOR, ".hits button.copy")
    button.click()
    WebDriverWait(browser, 10).until(
        lambda d: "Citation copied" in d.find_element(By.CSS_SELECTOR, ".hits .copied").text)
    copied = browser.execute_async_script(
        "const done = arguments[0];"
        "navigator.clipboard.readText().then(done, e => done('ERR ' + e));")
    assert copied == button.get_attribute("data-citation")
    assert "archived copy sha256:" in copied and "Quote: “" in copied
    shot(browser, "05-citation-copied")

    hit_id = button.get_attribute("id").removeprefix("copy-")
    browser.find_element(By.CSS_SELECTOR, f'#hit-{hit_id} input[name="note"]').send_keys(
        "quota figure, official notice")
    browser.find_element(By.ID, f"confirm-{hit_id}").click()
    WebDriverWait(browser, 10).until(ec.url_contains(f"#hit-{hit_id}"))
    badge = browser.find_element(By.CSS_SELECTOR, f"#hit-{hit_id} .badge.review-confirmed")
    assert badge.text == "Confirmed"
    citation = browser.find_element(By.ID, f"citation-{hit_id}").text
    assert "[Review: confirmed by Analyst A," in citation
    shot(browser, "06-hit-confirmed")
    engine = open_database(str(desk.db), create=False)
    with session_scope(engine) as session:
        [row] = session.scalars(select(Review)).all()
        assert (row.hit_id, row.status, row.reviewer, row.note) == (
            int(hit_id), "confirmed", "Analyst A", "quota figure, official notice")
    engine.dispose()

    browser.get(desk.url + "/?review=confirmed")
    assert browser.find_element(By.ID, "total").text == "1 document"
    shot(browser, "07-facet-confirmed")


def no_payload_ran(driver: WebDriver, title: str) -> None:
    assert driver.title == title  # each payload would set it to PWNED...
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0


def test_hostile_page_is_inert(desk: Served, browser: WebDriver, beacon: Beacon) -> None:
    """Payloads in a crawled title and body show as text; the archived copy cannot run or call."""
    search_for(browser, desk.url, "示范测试")
    no_payload_ran(browser, "示范测试 — Evidence desk")
    title = browser.find_element(By.CSS_SELECTOR, ".result h2").text
    assert title == HOSTILE_TITLE
    shot(browser, "08-hostile-search")

    browser.find_element(By.CSS_SELECTOR, ".result h2 a").click()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "doc-title")))
    no_payload_ran(browser, HOSTILE_TITLE + " — Evidence desk")
    assert browser.find_element(By.ID, "doc-title").text == HOSTILE_TITLE
    assert "<script>" in browser.find_element(By.ID, "fulltext").text
    shot(browser, "09-hostile-document")

    archive = browser.find_element(By.CSS_SELECTOR, "a.archive").get_attribute("href")
    browser.get(archive)  # the banner page; the stored bytes are in its sandboxed frame
    browser.switch_to.frame(browser.find_element(By.ID, "archive-frame"))
    try:  # the page's own <title>, its script did not run
        assert browser.execute_script("return document.title") == HOSTILE_TITLE
        assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
    finally:
        browser.switch_to.default_content()
    shot(browser, "10-hostile-archived-copy")
    assert beacon.hits == []


def test_archived_copy_banner(desk: Served, browser: WebDriver, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The banner is shown above the archived copy, outside its sandboxed frame, and says
    exactly how far the copy's timestamp was checked."""
    monkeypatch.delenv("EVIDENCE_TSA_CA", raising=False)
    engine = open_database(str(desk.db), create=False)
    with session_scope(engine) as session:  # a page of the demo's first run (sealed, stamped)
        version, document = session.execute(
            select(Version.id, Version.document_id)
            .join(Capture, Capture.id == Version.first_capture_id)
            .where(Capture.run_id == 1, Capture.content_type.like("text/html%"))
            .order_by(Version.id).limit(1)).one()
    engine.dispose()
    browser.get(f"{desk.url}/doc/{document}?version={version}")
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "doc-title")))
    browser.get(browser.find_element(By.CSS_SELECTOR, "a.archive").get_attribute("href"))
    banner = browser.find_element(By.ID, "archive-banner")
    frame = browser.find_element(By.ID, "archive-frame")
    url = browser.find_element(By.ID, "banner-url").text
    assert banner.is_displayed() and frame.is_displayed()
    assert banner.text.startswith("Archived copy — captured 20") and f"from {url}," in banner.text
    assert re.search(r"SHA-256 [0-9a-f]{64},", banner.text)
    stamp = browser.find_element(By.ID, "banner-timestamp").text
    if openssl() is None:  # the demo could not timestamp its runs
        assert stamp == "not timestamped"
    else:  # no tsa_ca configured: the demo's token checked against the demo CA, and said so
        assert stamp == "timestamped by the demo TSA (not a trusted authority)"
    assert banner.rect["y"] == 0 and banner.rect["height"] > 0
    assert frame.rect["y"] >= banner.rect["y"] + banner.rect["height"]  # below, not over it
    browser.execute_script("window.scrollTo(0, 10000)")
    assert banner.rect["y"] == 0  # fixed: the page scrolls inside the frame
    artifact = tmp_path / "archived-copy-banner.png"
    browser.save_screenshot(str(artifact))
    shot(browser, "15-archived-copy-banner")
    assert artifact.stat().st_size > 0
    browser.switch_to.frame(frame)
    try:
        assert not browser.find_elements(By.ID, "archive-banner")  # not inside the copy
        assert browser.find_element(By.TAG_NAME, "body").text  # the copy is shown
    finally:
        browser.switch_to.default_content()
    if openssl() is not None:  # the demo CA configured as tsa_ca: its token checks out
        data = Path(desk.db).with_name(Path(desk.db).stem + "-data")
        monkeypatch.setenv("EVIDENCE_TSA_CA", str(data / "demo-tsa" / "ca.pem"))
        browser.refresh()
        assert browser.find_element(By.ID, "banner-timestamp").text == "timestamped"


def test_sql_metacharacters(desk: Served, browser: WebDriver) -> None:
    """Quotes, comment markers and FTS operators in a query are plain text."""
    browser.get(desk.url + "/?q=" + quote("'; DROP TABLE hits; -- \" OR 1=1 NEAR( *"))
    assert browser.find_element(By.ID, "total").text == "0 documents"
    assert "Nothing found" in browser.find_element(By.CSS_SELECTOR, ".results").text
    shot(browser, "11-sql-metacharacters")
    search_for(browser, desk.url, '"南疆')
    assert browser.find_element(By.ID, "total").text == "9 documents"


def test_mark_missed_evidence(desk: Served, browser: WebDriver) -> None:
    """An unflagged document found by search is marked as missed evidence, then withdrawn."""
    store_pages(str(desk.db), (UNFLAGGED,))
    doc_id = ids(str(desk.db))[0][UNFLAGGED.name]
    browser.get(f"{desk.url}/doc/{doc_id}")
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "mark-missed")))
    assert not browser.find_elements(By.CSS_SELECTOR, ".hits .hit")
    browser.find_element(By.ID, "mark-missed").click()  # the note is required: nothing sent
    assert not browser.find_elements(By.ID, "missed-state") and missed_marks(desk) == []
    browser.find_element(By.ID, "missed-note").send_keys("第二句：组织赴疆外务工")
    Select(browser.find_element(By.ID, "missed-category")).select_by_value("organised_transfer")
    shot(browser, "12-missed-evidence-form")
    browser.find_element(By.ID, "mark-missed").click()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "missed-state")))
    assert browser.current_url.endswith(f"/doc/{doc_id}#missed")
    state = browser.find_element(By.ID, "missed-state").text
    assert state.startswith("Marked as missed evidence by Analyst A") and "组织赴疆外务工" in state
    assert missed_marks(desk) == [(doc_id, "missed", "organised_transfer", "第二句：组织赴疆外务工",
                            "Analyst A")]
    engine = open_database(str(desk.db), create=False)
    with session_scope(engine) as session:
        assert review_measures(session).overall.missed == 1
    engine.dispose()
    shot(browser, "13-missed-evidence-marked")
    marked = browser.find_element(By.ID, "missed-state")
    browser.find_element(By.ID, "withdraw-missed").click()
    WebDriverWait(browser, 10).until(gone(marked))  # the page was loaded again
    WebDriverWait(browser, 10).until(
        ec.text_to_be_present_in_element((By.ID, "missed-state"), "withdrawn"))
    assert [m[1] for m in missed_marks(desk)] == ["missed", "not_missed"]
    shot(browser, "14-missed-evidence-withdrawn")


UNFLAGGED = Page("missed-test", "news", ("示范乡召开会议。", "会上安排村民组织赴外省工厂务工。"))


def gone(element: WebElement) -> Callable[[WebDriver], bool]:
    """A wait condition: the element left the document (Chromium may say so in two ways)."""
    def check(_: WebDriver) -> bool:
        try:
            element.is_enabled()
        except (StaleElementReferenceException, WebDriverException):
            return True  # "stale", or "node does not belong to the document" mid-navigation
        return False
    return check


def missed_marks(desk: Served) -> list[tuple[int, str, str | None, str, str]]:
    engine = open_database(str(desk.db), create=False)
    with session_scope(engine) as session:
        rows = [(r.document_id, r.status, r.category, r.note, r.reviewer)
                for r in session.scalars(select(DocumentReview).order_by(DocumentReview.id))]
    engine.dispose()
    return rows
