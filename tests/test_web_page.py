"""The page at / of `translate serve`, in a real headless browser (Debian's Chromium, driven by Selenium) against a
real server process on 127.0.0.1: paste a post, upload a file, correct a sentence in place, download the handout
with the correction; offline (nothing from a CDN), labelled, with lang attributes. Skipped where no browser is."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_POST, page_server, subprocess_env

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Chromium and its driver (Debian: apt-get install chromium chromium-driver); CI installs them",
)
FAKE_CLI = Path(__file__).parent / "fake_cli.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake_config: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("page")
    log = folder / "server.log"
    command = [sys.executable, str(FAKE_CLI), "serve", "--config", str(fake_config), "-s", "extractive"]
    command += ["--port", str(port), "--no-memory", "--fetch-urls", "any"]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=subprocess_env())
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as answer:
                if json.load(answer)["status"] == "ready":
                    break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(log.read_text())
    yield base
    process.terminate()
    process.wait(30)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.binary_location = str(CHROMIUM)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_window_size(1100, 900)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(browser: Any, script: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = browser.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    status = browser.execute_script("return document.getElementById('status').textContent")
    pytest.fail(f"timed out waiting for: {script} (status: {status})")


def _requested_hosts(browser: Any) -> set[str]:
    hosts = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith("http"):
                hosts.add(url.split("/")[2])
    return hosts


def test_paste_correct_and_download(browser: Any, server: str, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    text = SAMPLE_POST.read_text(encoding="utf-8")
    browser.find_element(By.ID, "post-text").send_keys(text)
    browser.find_element(By.ID, "translate").click()
    _wait(browser, "return !document.getElementById('result').hidden")
    assert browser.find_element(By.ID, "result-title").text == "Vintern i Norrland"
    swedish = browser.find_elements(By.CSS_SELECTOR, '#pairs [lang="sv"] .s')
    english = browser.find_elements(By.CSS_SELECTOR, '#pairs [lang="en"] .s')
    assert len(swedish) == len(english) >= 10
    assert not browser.find_element(By.ID, "summary").get_attribute("hidden")  # the extractive summary

    # Pointing at a Swedish sentence lights its English one.
    from selenium.webdriver import ActionChains

    ActionChains(browser).move_to_element(swedish[2]).perform()
    assert "lit" in english[2].get_attribute("class")

    # A correction, typed in place.
    english[0].click()
    browser.execute_script("arguments[0].textContent = ''", english[0])
    english[0].send_keys(
        "It has been snowing for three days now, and the whole village is under a thick white blanket."
    )
    assert "revised" in english[0].get_attribute("class")

    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "download-format")).select_by_value("html")
    browser.find_element(By.ID, "download").click()
    handout = downloads / "post.handout.html"
    deadline = time.monotonic() + 30
    while not handout.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    page = handout.read_text(encoding="utf-8")
    assert "the whole village is under a thick white blanket" in page
    assert "1 sentence revised by hand" in page or "revised" in page

    # Nothing came from anywhere but this server.
    assert _requested_hosts(browser) <= {server.split("/")[2]}


def test_upload_a_file(browser: Any, server: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    post = tmp_path / "inlagg.md"
    post.write_text("# Sommaren\n\nVi badade i sjön varje dag.\n\n- Glass\n- Bullar\n", encoding="utf-8")
    browser.find_element(By.ID, "post-file").send_keys(str(post))
    browser.find_element(By.ID, "translate").click()
    _wait(browser, "return !document.getElementById('result').hidden")
    assert browser.find_element(By.ID, "result-title").text == "Sommaren"
    kinds = [e.get_attribute("class") for e in browser.find_elements(By.CSS_SELECTOR, "#pairs .pair")]
    assert sum("list-item" in k for k in kinds) == 2


def test_the_page_is_labelled_and_says_its_languages(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    for control in browser.find_elements(By.CSS_SELECTOR, "textarea, input, select"):
        if control.get_attribute("type") == "hidden" or not control.is_displayed():
            continue
        labels = browser.find_elements(By.CSS_SELECTOR, f'label[for="{control.get_attribute("id")}"]')
        assert labels, f"no label for {control.get_attribute('id')}"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.ID, "post-text").get_attribute("lang") == "sv"
    # Tab order: the text, the address (this server fetches pages), the file, then the button.
    from selenium.webdriver import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.find_element(By.ID, "post-text").click()
    order = []
    for _ in range(4):
        order.append(browser.switch_to.active_element.get_attribute("id"))
        ActionChains(browser).send_keys(Keys.TAB).perform()  # to the page: a file input takes keys as a path
    assert order == ["post-text", "post-url", "post-file", "translate"]
    # An empty submit says what to do, where a screen reader hears it.
    browser.find_element(By.ID, "translate").click()
    assert "Paste a post" in browser.find_element(By.ID, "status").text
    assert browser.find_element(By.ID, "status").get_attribute("aria-live") == "polite"


def test_the_api_docs_work_offline(browser: Any, server: str) -> None:
    browser.get(server + "/docs")
    _wait(browser, "return document.querySelectorAll('.opblock').length > 5")
    assert _requested_hosts(browser) <= {server.split("/")[2]}


def test_a_post_by_its_address(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    page = (
        "<html><body><main><h1>Hösten</h1><p>Löven faller från träden i parken.</p>"
        "<p>Vi plockade svamp i skogen hela dagen.</p></main></body></html>"
    ).encode()
    with page_server(page) as site:
        browser.get(server + "/")
        _wait(browser, "return !document.getElementById('url-row').hidden")
        browser.find_element(By.ID, "post-url").send_keys(f"{site}/hosten/")
        browser.find_element(By.ID, "translate").click()
        _wait(browser, "return !document.getElementById('result').hidden")
        assert browser.find_element(By.ID, "result-title").text == "Hösten"
        assert len(browser.find_elements(By.CSS_SELECTOR, "#pairs .pair")) == 2
