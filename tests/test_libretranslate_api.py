"""All of LibreTranslate's API against a real `translate serve` process on a loopback port: its own client
(libretranslatepy: translate, detect, languages), and /translate_file, /download_file, /frontend/settings,
/suggest, /health and /metrics as LibreTranslate's documentation shows them (multipart uploads as
`curl -F file=@post.txt -F source=sv -F target=en`)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest
from conftest import subprocess_env
from libretranslatepy import LibreTranslateAPI

FAKE_CLI = Path(__file__).parent / "fake_cli.py"
KEY = "class-key"
SWEDISH = "Det här är en text på svenska om skolan och biblioteket i vår lilla stad."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake_config: Path):  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("lt")
    log = folder / "server.log"
    command = [sys.executable, str(FAKE_CLI), "serve", "--config", str(fake_config), "-s", "none", "--port", str(port)]
    command += ["--api-key", KEY, "--suggestions", "--memory", str(folder / "memory.sqlite3")]
    env = subprocess_env(HANDOUT_CACHE_DIR=str(folder / "cache"))
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "health", timeout=2) as answer:  # no key: a probe's request
                if json.load(answer)["status"] == "ready":
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(log.read_text())
    yield base, log
    process.send_signal(signal.SIGINT)
    process.wait(30)


def test_libretranslates_own_client(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    client = LibreTranslateAPI(base, api_key=KEY)
    assert client.languages() == [{"code": "sv", "name": "Swedish", "targets": ["en"]}]
    assert client.translate("Hej världen.", source="sv", target="en").strip()
    detected = client.detect(SWEDISH)
    assert detected[0]["language"] == "sv" and 90 <= detected[0]["confidence"] <= 100
    assert client.detect("This is plainly an English sentence about the weather.")[0]["language"] == "en"
    with pytest.raises(urllib.error.HTTPError) as refused:
        LibreTranslateAPI(base).detect(SWEDISH)  # no key
    assert refused.value.code == 403


def test_detect_as_the_docs_show_it(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    answer = httpx.post(base + "detect", json={"q": SWEDISH, "api_key": KEY})
    assert answer.status_code == 200
    assert set(answer.json()[0]) == {"confidence", "language"}
    missing = httpx.post(base + "detect", json={"api_key": KEY})
    assert missing.status_code == 400 and missing.json() == {"error": "Invalid request: missing q parameter"}


def test_translate_file_and_download_it(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    post = "# Min rubrik\n\nFörsta stycket handlar om skolan.\n\n- 50 g jäst\n- 2 dl mjölk\n"
    answer = httpx.post(
        base + "translate_file",
        files={"file": ("recept.md", post.encode(), "text/markdown")},
        data={"source": "sv", "target": "en", "api_key": KEY},
    )
    assert answer.status_code == 200, answer.text
    url = answer.json()["translatedFileUrl"]
    assert url.startswith(base + "download_file/") and url.endswith(".recept.md")
    download = httpx.get(url, params={"api_key": KEY})
    assert download.status_code == 200 and 'filename="recept.md"' in download.headers["content-disposition"]
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(download.text)
    assert rendered.count("<li>") == 2 and "<h1>" in rendered  # the structure kept
    assert "skolan" not in download.text  # English only (the fake engine writes words backwards)
    unsupported = httpx.post(
        base + "translate_file",
        files={"file": ("bild.png", b"\x89PNG", "image/png")},
        data={"source": "sv", "target": "en", "api_key": KEY},
    )
    assert unsupported.status_code == 400 and "not supported" in unsupported.json()["error"]
    for name in ("../../etc/passwd", "0" * 32 + ".nope.txt"):
        assert httpx.get(base + "download_file/" + name, params={"api_key": KEY}).status_code == 404


def test_frontend_settings_need_no_key(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    settings = httpx.get(base + "frontend/settings").json()
    assert settings["keyRequired"] is True and settings["suggestions"] is True
    assert settings["language"]["source"]["code"] == "sv" and settings["language"]["target"]["code"] == "en"
    assert ".md" in settings["supportedFilesFormat"] and settings["charLimit"] > 0


def test_a_suggestion_is_kept_as_a_persons_translation(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    source = "Vi ses i morgon vid biblioteket."
    before = LibreTranslateAPI(base, api_key=KEY).translate(source, source="sv", target="en")
    answer = httpx.post(
        base + "suggest",
        data={"q": source, "s": "See you at the library tomorrow.", "source": "sv", "target": "en", "api_key": KEY},
    )
    assert answer.status_code == 200 and answer.json() == {"success": True}
    after = LibreTranslateAPI(base, api_key=KEY).translate(source, source="sv", target="en")
    assert after == "See you at the library tomorrow." != before


def test_metrics_in_prometheus_format(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    from prometheus_client.parser import text_string_to_metric_families

    httpx.post(base + "translate", json={"q": "Hej.", "target": "en", "api_key": KEY})
    text = httpx.get(base + "metrics", headers={"Authorization": f"Bearer {KEY}"}).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert {"sv2en_requests", "sv2en_request_seconds", "sv2en_sentences", "sv2en_memory_hits"} <= set(families)
    assert "sv2en_queue_length" in families
    translated = [s for s in families["sv2en_requests"].samples if s.labels.get("path") == "/translate"]
    assert translated and translated[0].labels["status"] == "200"


def test_libretranslates_documented_examples(server) -> None:  # type: ignore[no-untyped-def]
    """The request and answer shapes of LibreTranslate's README ("Simple", "Auto Detect Language", "HTML",
    "Alternatives"), with Swedish for its English and Italian: the same fields come back."""
    base, _ = server
    simple = httpx.post(base + "translate", json={"q": "Hej!", "source": "sv", "target": "en", "api_key": KEY})
    assert simple.status_code == 200 and set(simple.json()) == {"translatedText"}
    auto = httpx.post(
        base + "translate",
        json={"q": "Det här är en lång mening på svenska om vädret i dag.", "source": "auto", "target": "en",
              "api_key": KEY},
    ).json()  # fmt: skip
    assert set(auto) == {"translatedText", "detectedLanguage"}
    assert auto["detectedLanguage"]["language"] == "sv" and 0 < auto["detectedLanguage"]["confidence"] <= 100
    html = httpx.post(
        base + "translate",
        json={"q": '<p class="green">Hej!</p>', "source": "sv", "target": "en", "format": "html", "api_key": KEY},
    ).json()
    assert html["translatedText"].startswith('<p class="green">') and html["translatedText"].endswith("</p>")
    alternatives = httpx.post(
        base + "translate",
        json={"q": "Hej", "source": "sv", "target": "en", "format": "text", "alternatives": 3, "api_key": KEY},
    ).json()
    assert set(alternatives) == {"translatedText", "alternatives"} and alternatives["alternatives"] == []
    unsupported = httpx.post(base + "translate", json={"q": "Hello!", "source": "en", "target": "es", "api_key": KEY})
    assert unsupported.status_code == 400 and set(unsupported.json()) == {"error"}
