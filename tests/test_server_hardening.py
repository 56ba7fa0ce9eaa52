"""The server under abuse: work nobody waits for is given up, malformed bodies in key mode are 4xx, never 500,
and per-request work is bounded (issue 17's sweep, kept as tests)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from translate.models.external import ExternalGenerator
from translate.options import MemoryOptions, ModelOptions, PipelineOptions
from translate.pipeline import prepare_document
from translate.server import ServerOptions, create_app
from translate.service import ClientGone, ServiceOptions, TranslationService

KEY = "s3cret"
PARAGRAPH = "Det här är en mening om skolan. Här är en till om biblioteket."


def _slow_service(fake_config: Path, seconds_per_call: float, timeout: float) -> tuple[TranslationService, list]:
    """A service whose translator takes its time over every four sentences, and records each call."""
    calls: list[int] = []

    def slow(texts: list[str]) -> list[str]:
        calls.append(len(texts))
        time.sleep(seconds_per_call)
        return [f"EN {text}" for text in texts]

    service = TranslationService(
        PipelineOptions(models=ModelOptions(summarizer="none", config=fake_config)),
        ServiceOptions(timeout=timeout, batch_window=0.0, memory=MemoryOptions(enabled=False)),
    )
    service.pipeline._translator = ExternalGenerator(slow, name="slow", batch_size=4)
    service.start()
    assert service.wait_ready(30)
    return service, calls


def test_a_request_that_timed_out_gives_up_its_work_and_the_next_one_is_served(fake_config: Path) -> None:
    """Before: the worker went on translating the timed-out request for its whole length, and every request
    behind it got 504 too. Now its round stops at the next batch."""
    service, calls = _slow_service(fake_config, seconds_per_call=0.2, timeout=1.0)
    try:
        client = TestClient(create_app(service, ServerOptions(), own_service=False))
        long_text = " ".join(f"Mening nummer {i} handlar om skolan." for i in range(200))  # 50 calls: 10 s
        started = time.monotonic()
        slow = client.post("/translate", json={"q": long_text, "target": "en"})
        assert slow.status_code == 504 and "--timeout" in slow.json()["error"]
        timed_out = time.monotonic()
        quick = client.post("/translate", json={"q": "Hej.", "target": "en"})
        assert quick.status_code == 200 and quick.json()["translatedText"] == "EN Hej."
        assert time.monotonic() - timed_out < 2.5, "the next request waited for the abandoned one"
        assert sum(calls) < 200 // 2  # the abandoned request was not translated to its end
        assert service.rounds_abandoned == 1
        assert time.monotonic() - started < 5
    finally:
        service.close()


def test_a_client_that_went_away_gives_up_its_work(fake_config: Path) -> None:
    service, calls = _slow_service(fake_config, seconds_per_call=0.2, timeout=30)
    try:
        document = prepare_document(" ".join(f"Mening {i} om skolan." for i in range(200)).encode(), "lang.txt")
        asked = {"n": 0}

        async def disconnected() -> bool:
            asked["n"] += 1
            return asked["n"] >= 2  # gone by the second look, about a second in

        started = time.monotonic()
        with pytest.raises(ClientGone):
            asyncio.run(service.process([document], disconnected=disconnected))
        deadline = time.monotonic() + 5
        while service.rounds_abandoned == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.rounds_abandoned == 1 and time.monotonic() - started < 4
        assert sum(calls) < 100
    finally:
        service.close()


def test_a_round_with_one_abandoned_request_still_answers_the_others(fake_config: Path) -> None:
    """Only a round nobody waits for is stopped: the other request of the same round gets its result."""
    service, _ = _slow_service(fake_config, seconds_per_call=0.05, timeout=30)
    try:
        first = service._submit([prepare_document(PARAGRAPH.encode(), "a.txt")], False)
        second = service._submit([prepare_document(PARAGRAPH.encode(), "b.txt")], False)
        service._abandon(first)
        documents = second.future.result(timeout=10)
        assert documents[0].paragraphs[0].translation.startswith("EN ")
    finally:
        service.close()


@pytest.fixture(scope="module")
def keyed(service: TranslationService) -> TestClient:
    return TestClient(create_app(service, ServerOptions(api_keys=frozenset({KEY})), own_service=False))


@pytest.fixture(scope="module")
def open_client(service: TranslationService) -> TestClient:
    return TestClient(create_app(service, ServerOptions(), own_service=False))


MALFORMED_BODIES = {
    "multipart without a boundary": ("multipart/form-data", b"--x\r\nContent-Disposition: form-data\r\n\r\nq\r\n--x--"),
    "multipart garbage": ("multipart/form-data; boundary=x", b"\x00\xff garbage \r\n--y"),
    "multipart with an unnamed part": (
        "multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data\r\n\r\nHej\r\n--x--\r\n",
    ),
    "multipart with 1,001 fields": (
        "multipart/form-data; boundary=x",
        b"".join(b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(1001))
        + b"--x--\r\n",
    ),
    "multipart with a 1.1 MB field": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="q"\r\n\r\n' + b"a" * 1_100_000 + b"\r\n--x--\r\n",
    ),
    "JSON nested 100,000 levels": ("application/json", b"[" * 100_000 + b"]" * 100_000),
    "JSON object nested 100,000 levels": ("application/json", b'{"q":' * 100_000 + b"1" + b"}" * 100_000),
    "form of bad UTF-8": ("application/x-www-form-urlencoded", b"q=%ff%fe&target=en"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_BODIES))
@pytest.mark.parametrize("mode", ["with a key required", "open"])
def test_malformed_bodies_are_the_clients_error_never_500(
    case: str, mode: str, keyed: TestClient, open_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    content_type, body = MALFORMED_BODIES[case]
    client = keyed if mode != "open" else open_client
    for path in ("/translate", "/v1/handout"):
        with caplog.at_level("INFO", logger="translate.server"):
            answer = client.post(path, content=body, headers={"content-type": content_type})
        assert answer.status_code < 500, (path, answer.status_code, answer.text[:200])
        if mode != "open":
            assert answer.status_code == 403 and "API key" in answer.json()["error"]  # no key offered
        elif answer.status_code != 200:  # bad UTF-8 in a form is decoded with replacements, and answered
            assert 400 <= answer.status_code < 500 and "error" in answer.json()
        # The access log has the status the client got (it said 0 when the app raised).
        logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"POST {path} ")]
        assert logged and f" {answer.status_code} " in logged[-1]
        caplog.clear()


def test_a_valid_key_with_a_malformed_body_is_400(keyed: TestClient) -> None:
    content_type, body = MALFORMED_BODIES["JSON nested 100,000 levels"]
    answer = keyed.post("/translate", content=body, headers={"content-type": content_type, "x-api-key": KEY})
    assert answer.status_code == 400 and "nested" in answer.json()["error"]


def test_work_per_request_is_bounded_by_items_as_well_as_characters(open_client: TestClient) -> None:
    """A million empty q items are no characters, but each cost parsing and a place in the batch."""
    started = time.monotonic()
    answer = open_client.post("/translate", json={"q": [""] * 100_000, "target": "en"})
    assert answer.status_code == 413 and "1,000" in answer.json()["error"]
    assert time.monotonic() - started < 10
    fine = open_client.post("/translate", json={"q": ["", "Hej."], "target": "en"})
    assert fine.status_code == 200 and len(fine.json()["translatedText"]) == 2


def test_a_body_that_never_finishes_arriving_gets_408(service: TranslationService, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import translate.server as server

    monkeypatch.setattr(server, "BODY_SECONDS", 0.5)
    app = create_app(service, ServerOptions(), own_service=False)
    sent: list[dict] = []

    async def trickle() -> dict:
        if not sent:
            sent.append({})
            return {"type": "http.request", "body": b'{"q": "He', "more_body": True}
        await asyncio.sleep(3600)  # the rest never comes
        return {"type": "http.disconnect"}

    answers: list[dict] = []

    async def send(message: dict) -> None:
        answers.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/translate", "raw_path": b"/translate", "query_string": b"",
        "headers": [(b"content-type", b"application/json")], "http_version": "1.1", "scheme": "http",
        "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000), "root_path": "",
    }  # fmt: skip
    started = time.monotonic()
    asyncio.run(asyncio.wait_for(app(scope, trickle, send), 10))
    assert answers[0]["status"] == 408 and time.monotonic() - started < 5
    assert "did not arrive" in json.loads(answers[1]["body"])["error"]


def test_the_server_is_told_to_close_idle_and_surplus_connections(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """uvicorn's own settings, as serve() passes them (what the README's reliability section lists)."""
    import uvicorn

    import translate.server as server

    seen: dict = {}

    class Stop(Exception):
        pass

    def config(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        raise Stop()

    monkeypatch.setattr(uvicorn, "Config", config)
    with pytest.raises(Stop):
        server.serve(ServerOptions(pipeline=PipelineOptions(models=ModelOptions(summarizer="none"))))
    assert seen["timeout_keep_alive"] == server.IDLE_CONNECTION_SECONDS
    assert seen["limit_concurrency"] == server.MAX_CONNECTIONS


def test_the_markdown_handout_over_http_escapes_the_posts_markup(open_client: TestClient) -> None:
    from markdown_it import MarkdownIt

    text = "Rubrik\n\nSkriv <img src=x onerror=alert(1)> i fältet och <script>alert(2)</script> sedan.\n"
    answer = open_client.post("/v1/handout?format=md", json={"text": text})
    assert answer.status_code == 200, answer.text
    rendered = MarkdownIt("commonmark").render(answer.text)
    assert "<img" not in rendered and "<script" not in rendered and "&lt;img src=x onerror=alert(1)&gt;" in rendered
