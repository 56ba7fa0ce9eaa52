"""HTML handouts as a reader sees them: in headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium), at desktop and phone width, in every layout. CI installs the browser; elsewhere these tests skip."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from translate import Document, HandoutOptions, PipelineOptions, render
from translate.document import Paragraph, Sentence

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Chromium and its driver (Debian: apt-get install chromium chromium-driver); CI installs them",
)
DESKTOP, PHONE = 1100, 390
# Longer than a phone is wide: it has to break, not push the page sideways.
ADDRESS = "https://www.naturvardsverket.se/allemansratten"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _document(layout: str, hide_english: bool = False) -> Document:
    paragraphs = [
        Paragraph([
            Sentence("Vi gick till Naturvårdsverkets hemsida https://www.naturvardsverket.se/allemansratten idag.",
                     f"We went to the Environmental Protection Agency's site {ADDRESS} today."),
            Sentence("Där står det mycket om friluftslivets möjligheter.", "There is a lot there about outdoor life.",
                     flags=["length"]),
        ]),
        Paragraph([Sentence("Regler", "Rules")], kind="heading"),
        Paragraph([Sentence("Tälta en natt.", "Camp for one night.")], kind="list-item"),
    ]  # fmt: skip
    options = PipelineOptions(handout=HandoutOptions(layout=layout, hide_english=hide_english))
    title = Paragraph([Sentence("Allemansrätten", "The right of public access")], kind="heading")
    return Document(input="post.txt", title=title, paragraphs=paragraphs, options=options)


def _open(browser: Any, tmp_path: Path, document: Document, width: int) -> None:
    page = tmp_path / f"{document.handout.layout}-{document.handout.hide_english}.html"
    page.write_text(str(render(document, "html")), encoding="utf-8")
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())


def _box(browser: Any, selector: str) -> dict[str, float]:
    return browser.execute_script(
        "var r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, height: r.height};",
        selector,
    )


@pytest.mark.parametrize("layout", ["paragraphs", "sentences", "interlinear"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_each_layout_fits_the_screen_and_pairs_the_right_way(
    browser: Any, tmp_path: Path, layout: str, width: int
) -> None:
    _open(browser, tmp_path, _document(layout), width)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px wider than the {width}px screen"
    swedish, english = _box(browser, '[lang="sv"][data-n]'), _box(browser, 'main [lang="en"]')
    side_by_side = layout != "interlinear" and width == DESKTOP
    if side_by_side:
        assert abs(swedish["top"] - english["top"]) < 2 and english["left"] > swedish["left"]
    else:
        assert english["top"] >= swedish["bottom"] - 1  # stacked: the English under its Swedish
    number = browser.execute_script(
        "return getComputedStyle(document.querySelector('[lang=\"sv\"][data-n]'), '::before').content"
    )
    assert ("§1.1" if layout != "paragraphs" else "§1") in number
    # The address in the text is a link a reader can follow.
    assert (
        browser.execute_script("return document.querySelectorAll('a[href^=\"https://www.naturvardsverket\"]').length")
        >= 1
    )


def test_pointing_at_a_sentence_lights_its_counterpart(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    _open(browser, tmp_path, _document("paragraphs"), DESKTOP)
    swedish = browser.find_element(By.CSS_SELECTOR, '[lang="sv"] .s[data-s="p1-2"]')
    ActionChains(browser).move_to_element(swedish).perform()
    lit = browser.execute_script("return Array.from(document.querySelectorAll('.lit')).map(e => e.textContent)")
    assert lit == ["Där står det mycket om friluftslivets möjligheter.", "There is a lot there about outdoor life."]
    swedish.send_keys("")  # focus, as the keyboard gives it: the same
    reason = browser.find_element(By.CSS_SELECTOR, "main .flagged").get_attribute("title")
    assert "much shorter or longer" in reason


def test_an_exercise_sheet_leaves_room_to_write(browser: Any, tmp_path: Path) -> None:
    for width in (DESKTOP, PHONE):
        _open(browser, tmp_path, _document("sentences", hide_english=True), width)
        blank = _box(browser, "main .blank")
        assert blank["height"] >= 30  # two ruled lines
        assert "There is a lot" not in browser.find_element("tag name", "main").text
