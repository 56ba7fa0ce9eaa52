"""translate serve as a real process on a loopback port, driven by libretranslatepy (a LibreTranslate client we did
not write)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import subprocess_env
from libretranslatepy import LibreTranslateAPI


def _start(*args: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "translate", "serve", *args]
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=subprocess_env())


def _wait_ready(process: subprocess.Popen, url: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if json.load(response)["status"] == "ready":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server was not ready within {seconds} s:\n{log.read_text()}")


def _error_of(call) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    with pytest.raises(urllib.error.HTTPError) as raised:
        call()
    return raised.value.code, json.loads(raised.value.read())


def test_libretranslate_client_against_two_worker_processes(
    tiny_marian: Path, tmp_path: Path, free_tcp_port: int
) -> None:
    log = tmp_path / "server.log"
    server = _start(
        "--port", str(free_tcp_port), "--workers", "2", "-m", str(tiny_marian), "-s", "extractive",
        "--api-key", "team-key", "--memory", str(tmp_path / "memory.sqlite3"),
        log=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{free_tcp_port}/"
    try:
        _wait_ready(server, base + "health?api_key=team-key", log)
        client = LibreTranslateAPI(base, api_key="team-key")
        translated = client.translate("Hej världen. Det snöar i dag.", source="sv", target="en")
        assert isinstance(translated, str) and translated.strip()
        assert client.languages() == [{"code": "sv", "name": "Swedish", "targets": ["en"]}]

        # Requests at once, spread over both processes: every one answered.
        texts = [f"Mening nummer {n} handlar om vintern." for n in range(12)]
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda t: client.translate(t, source="auto", target="en"), texts))
        assert all(isinstance(a, str) and a.strip() for a in answers)

        code, body = _error_of(lambda: LibreTranslateAPI(base).translate("Hej.", source="sv", target="en"))
        assert code == 403 and "API key" in body["error"]
        code, body = _error_of(lambda: client.translate("Hello.", source="en", target="es"))
        assert code == 400 and "Swedish (sv) to English (en)" in body["error"]
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    output = log.read_text()
    assert server.returncode == 0, output
    assert "POST /translate 200" in output
    # Neither the text nor the key reaches the log.
    assert "snöar" not in output and "team-key" not in output


def test_models_that_fail_to_load_stop_the_server(tmp_path: Path, free_tcp_port: int) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    log = tmp_path / "server.log"
    server = _start("--port", str(free_tcp_port), "-m", str(broken), "-s", "none", "--no-memory", log=log)
    try:
        server.wait(timeout=120)
    finally:
        server.kill()
    output = log.read_text()
    assert server.returncode == 4, output
    assert "failed to load" in output and "Traceback" not in output


def test_serve_help_documents_every_option(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--help")
    assert result.exit_code == 0
    for option in (
        "--host", "--port", "--workers", "--model", "--summarizer", "--api-key", "--api-keys-file",
        "--cors-origin", "--char-limit", "--max-body-mb", "--timeout", "--queue-size", "--batch-window-ms",
        "--batch-tokens", "--memory", "--no-memory", "--log-text",
    ):  # fmt: skip
        assert option in result.output, option


def test_serve_refuses_an_unknown_model_before_listening(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--model", "no-such-model", "--port", "9")
    assert result.exit_code == 3
    assert "no-such-model" in result.output
    assert "Warning" not in result.output
    exposed = cli("serve", "--host", "0.0.0.0", "--model", "no-such-model", "--port", "9")
    assert "Warning: listening on 0.0.0.0 without an API key" in exposed.output
