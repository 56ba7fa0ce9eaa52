"""The README's screenshots: real Swedish news sentences with what the real opus-mt-sv-en wrote for them, as handouts.

The sentences and the model's translations are lines 6-10 of tests/data/realdata/ (FLORES-101
devtest, a Wikinews article; CC BY-SA 4.0), checked by the real fidelity guard. No model runs.
Headless Chromium (Debian's chromium and chromium-driver, through Selenium) takes the pictures:

    .venv/bin/python docs/make_screenshots.py        # writes docs/handout-*.png and docs/page.png

docs/page.png is the page of `translate serve`, on a loopback port, with the same five sentences
pasted in and answered by the replay engine of the tests (tests/replay_engine.py: the recorded
opus-mt-sv-en outputs), one of them corrected in place.
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate import Document, HandoutOptions, PipelineOptions, render  # noqa: E402
from translate.document import Paragraph, Sentence, Summary  # noqa: E402
from translate.fidelity.guard import check  # noqa: E402

REALDATA = ROOT / "tests" / "data" / "realdata" / "flores101-devtest-first500.swe-eng.tsv"
SHOTS = {  # file: (layout, width)
    "handout-desktop.png": ("paragraphs", 1100),
    "handout-phone.png": ("paragraphs", 390),
    "handout-sentences.png": ("sentences", 1100),
    "handout-interlinear.png": ("interlinear", 700),
}


def article() -> Document:
    with REALDATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[5:10]
    sentences = [
        Sentence(r["source_swe"], r["opus-mt-sv-en"], check(r["source_swe"], r["opus-mt-sv-en"])) for r in rows
    ]
    for sentence in sentences:
        sentence.machine = sentence.translation
    paragraphs = [Paragraph(sentences[0:2]), Paragraph(sentences[2:4]), Paragraph(sentences[4:5])]
    title = Paragraph([Sentence("En dörrklocka med wifi", "A doorbell with wifi")], kind="heading")
    summary = Summary(" ".join(s.translation or "" for s in sentences[:2]), "extractive", "textrank")
    document = Document(input="ring.txt", title=title, paragraphs=paragraphs, summary=summary,
                        translation_model="opus-mt-sv-en", settings={"engine": "real outputs, replayed"})  # fmt: skip
    document.stats.sentences = len(document.all_sentences())
    return document


def main() -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name, (layout, width) in SHOTS.items():
                document = article()
                document.options = PipelineOptions(handout=HandoutOptions(layout=layout))
                page = Path(folder) / f"{layout}.html"
                page.write_text(str(render(document, "html")), encoding="utf-8")
                driver.set_window_size(width, 900)
                driver.get(page.as_uri())
                height = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(width, min(height + 160, 2600))
                driver.save_screenshot(str(ROOT / "docs" / name))
                print(f"docs/{name}: {layout} at {width} px")
        page_screenshot(driver)
    finally:
        driver.quit()


def page_screenshot(driver) -> None:  # type: ignore[no-untyped-def]
    """The web page of translate serve, with the replayed real outputs, one sentence corrected."""
    import socket
    import threading
    import time

    import uvicorn
    from selenium.webdriver.common.by import By

    sys.path.insert(0, str(ROOT / "tests"))
    from replay_engine import ReplayEngine, load_real_pairs

    from translate import ModelOptions
    from translate.models.external import ExternalGenerator
    from translate.options import MemoryOptions
    from translate.server import create_app
    from translate.service import ServiceOptions, TranslationService

    service = TranslationService(
        PipelineOptions(models=ModelOptions(summarizer="extractive")),
        ServiceOptions(memory=MemoryOptions(enabled=False)),
    )
    service.pipeline._translator = ExternalGenerator(ReplayEngine(load_real_pairs()), name="opus-mt-sv-en (replayed)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        with REALDATA.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[5:10]
        text = " ".join(r["source_swe"] for r in rows[:2]) + "\n\n" + " ".join(r["source_swe"] for r in rows[2:])
        driver.set_window_size(1100, 900)
        driver.get(f"http://127.0.0.1:{port}/")
        driver.find_element(By.ID, "post-text").send_keys(text)
        driver.find_element(By.ID, "translate").click()
        while driver.execute_script("return document.getElementById('result').hidden"):
            time.sleep(0.1)
        english = driver.find_elements(By.CSS_SELECTOR, '#pairs [lang="en"] .s')
        english[1].click()
        driver.execute_script("arguments[0].textContent = 'He built a WiFi doorbell, he said.'", english[1])
        english[1].send_keys(" ")
        driver.execute_script("document.getElementById('post-text').value = ''")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1100, min(height + 160, 2600))
        driver.save_screenshot(str(ROOT / "docs" / "page.png"))
        print("docs/page.png: the page of translate serve, one sentence corrected")
    finally:
        server.should_exit = True
        thread.join(10)


if __name__ == "__main__":
    main()
