"""Capture what a reader copies from a page: Chromium's rendering of it, as document.body.innerText.

This is how the plain-text pages of tests/realpages/ were made (and how to add one): the page
is opened in headless Chromium, from a file or from a local server that serves a checkout
of its repository (`php -S 127.0.0.1:8765 -t CHECKOUT` for the PHP sites), and the text a
select-all and copy gives is written out. It needs Selenium and Debian's Chromium and its
driver, which are not dependencies of the project and not used by the tests:

    apt-get install -y chromium chromium-driver
    python3 -m venv /tmp/selenium && /tmp/selenium/bin/pip install selenium
    /tmp/selenium/bin/python benchmarks/capture_page_text.py http://127.0.0.1:8765/historia/ out.txt
    /tmp/selenium/bin/python benchmarks/capture_page_text.py tests/realpages/pages/PAGE.html out.txt

The same innerText, shown with line numbers, is what the expected bodies were labelled
from (tests/realpages/README.md says by which rules).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path


def capture(url: str, width: int = 1280, height: int = 2000) -> str:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    try:
        driver.set_page_load_timeout(30)
        driver.get(url)
        return driver.execute_script("return document.body.innerText")
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", help="an http(s) URL (127.0.0.1) or a saved page's file")
    parser.add_argument("out", type=Path, help="where the text goes (written atomically)")
    parser.add_argument("--width", type=int, default=1280, help="window width in CSS pixels (desktop: 1280)")
    args = parser.parse_args()
    url = args.page if "://" in args.page else Path(args.page).resolve().as_uri()
    text = capture(url, args.width)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=args.out.parent or ".", delete=False) as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    os.replace(handle.name, args.out)


if __name__ == "__main__":
    main()
