"""translate serve: the LibreTranslate-compatible API and the native one, in-process with httpx (tiny models)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import SAMPLE_POST, SAMPLE_TITLE, page_server
from fastapi.testclient import TestClient

from translate.fidelity.memory import TranslationMemory
from translate.options import MemoryOptions, ModelOptions, PipelineOptions
from translate.server import ServerOptions, create_app, load_api_keys
from translate.service import ServiceOptions, TranslationService
from translate.text.snippets import parse_snippet

NO_MEMORY = MemoryOptions(enabled=False)

POST_TEXT = SAMPLE_POST.read_text(encoding="utf-8")


def client_for(service: TranslationService, **options: Any) -> TestClient:
    return TestClient(create_app(service, ServerOptions(**options), own_service=False))


@pytest.fixture
def client(service: TranslationService) -> TestClient:
    return client_for(service)


# --- LibreTranslate's API ---------------------------------------------------------------------


def test_translate_json_keeps_line_layout(client: TestClient) -> None:
    q = "Hej världen. Det snöar i dag.\n\nVi åker skidor i morgon.\n"
    response = client.post("/translate", json={"q": q, "source": "sv", "target": "en"})
    assert response.status_code == 200, response.text
    text = response.json()["translatedText"]
    assert isinstance(text, str)
    # Random weights decode nonsense, but every line comes back in its place, none empty.
    lines = text.split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""
    assert lines[0].strip() and lines[2].strip()
    assert "alternatives" not in response.json()


def test_translate_list_gives_a_list_in_order(client: TestClient) -> None:
    texts = ["Hej.", "Två katter.", "Vi åker skidor i morgon."]
    single = [client.post("/translate", json={"q": q, "source": "sv", "target": "en"}).json() for q in texts]
    singles = [answer["translatedText"] for answer in single]
    assert len(set(singles)) == 3  # distinct, so a swap would show
    listed = client.post(
        "/translate", json={"q": [texts[0], "", *texts[1:]], "source": "auto", "target": "en", "alternatives": 2}
    ).json()
    assert listed["translatedText"] == [singles[0], "", singles[1], singles[2]]
    assert listed["alternatives"] == [[], [], [], []]
    backwards = client.post("/translate", json={"q": texts[::-1], "source": "sv", "target": "en"}).json()
    assert backwards["translatedText"] == singles[::-1]


def test_translate_form_encoded_like_libretranslate_clients(client: TestClient) -> None:
    response = client.post("/translate", data={"q": "Hej världen.", "source": "sv", "target": "en"})
    assert response.status_code == 200
    assert isinstance(response.json()["translatedText"], str)
    repeated = client.post("/translate", data={"q": ["Ett.", "Två."], "source": "sv", "target": "en"})
    assert len(repeated.json()["translatedText"]) == 2


def test_translate_html_keeps_markup(client: TestClient) -> None:
    markup = '<p>Hej <a href="/x?a=1&amp;b=2">världen</a>.</p><pre>kod</pre>'
    response = client.post("/translate", json={"q": markup, "source": "sv", "target": "en", "format": "html"})
    out = response.json()["translatedText"]
    tags = re.compile(r"<[^>]+>")
    assert tags.findall(out) == tags.findall(markup)
    assert "<pre>kod</pre>" in out


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"q": "Hej", "source": "de", "target": "en"}, "Source language 'de' is not supported"),
        ({"q": "Hej", "source": "sv", "target": "fr"}, "Target language 'fr' is not supported"),
        ({"source": "sv", "target": "en"}, "q: Field required"),
        ({"q": "Hej", "format": "pdf"}, "format"),
        ({"q": 5}, "q"),
    ],
)
def test_translate_errors_have_libretranslate_shape(client: TestClient, body: dict, message: str) -> None:
    response = client.post("/translate", json=body)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert message in response.json()["error"]


def test_translate_rejects_bodies_it_cannot_read(client: TestClient) -> None:
    bad_json = client.post("/translate", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and "JSON" in bad_json.json()["error"]
    not_object = client.post("/translate", json=["Hej"])
    assert not_object.status_code == 400
    plain = client.post("/translate", content=b"Hej", headers={"content-type": "text/plain"})
    assert plain.status_code == 415 and "JSON" in plain.json()["error"]


def test_languages_and_unknown_routes(client: TestClient) -> None:
    assert client.get("/languages").json() == [{"code": "sv", "name": "Swedish", "targets": ["en"]}]
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "error" in missing.json()


# --- the native API ---------------------------------------------------------------------------


def _without_run_details(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("stats", "input")}


def test_handout_json_is_the_document_translate_run_writes(
    client: TestClient, cli, tiny_marian: Path, tiny_bart: Path, post: Path
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/handout", json={"text": POST_TEXT, "name": "post.txt"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    served = response.json()
    assert served["input"] == "post.txt"
    assert served["title"]["source"] == SAMPLE_TITLE
    assert served["summary"]["method"] == "abstractive"
    out = post.with_suffix(".json")
    result = cli("run", post, "-m", tiny_marian, "-s", tiny_bart, "-f", "json", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert _without_run_details(served) == _without_run_details(written)


@pytest.mark.parametrize(
    ("fmt", "media_type", "start"),
    [
        ("html", "text/html; charset=utf-8", b"<!doctype html>"),
        ("md", "text/markdown; charset=utf-8", b"# Vintern i Norrland"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("tmx", "application/x-tmx+xml", b"<?xml"),
        ("xliff", "application/xliff+xml", b"<?xml"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_handout_formats(client: TestClient, fmt: str, media_type: str, start: bytes) -> None:
    response = client.post(f"/v1/handout?format={fmt}", json={"text": POST_TEXT, "name": "vinter.txt"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.content.lower().startswith(start.lower())
    ext = "xlf" if fmt == "xliff" else fmt
    assert response.headers["content-disposition"] == f'inline; filename="vinter.handout.{ext}"'


def test_handout_file_name_with_swedish_letters(client: TestClient) -> None:
    # Found by the fuzzer: HTTP headers are Latin-1, so the name goes in RFC 6266's filename*.
    response = client.post("/v1/handout?format=md", json={"text": POST_TEXT, "name": "vinter-åäö Ā.txt"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        "inline; filename=\"vinter-___ _.handout.md\"; filename*=UTF-8''vinter-%C3%A5%C3%A4%C3%B6%20%C4%80.handout.md"
    )


@pytest.mark.parametrize("fmt", ["docx", "tmx", "xliff"])
def test_handout_of_text_with_control_characters(client: TestClient, fmt: str) -> None:
    # Found by the fuzzer: XML formats cannot hold an ESC, or a lone surrogate from JSON.
    body = rb'{"text": "Hej\u001b v\u00e4rlden.\ud800 Tv\u00e5\u0000 ord."}'  # JSON escapes, sent as they are
    response = client.post(f"/v1/handout?format={fmt}", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


def test_handout_from_an_uploaded_file_never_touches_paths(client: TestClient) -> None:
    response = client.post(
        "/v1/handout",
        files={"file": ("../../etc/passwd.txt", POST_TEXT.encode("cp1252"), "text/plain")},
        data={"keep_comments": "true"},
    )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["input"] == "passwd.txt"  # a label only: the directories are gone
    assert document["title"]["source"] == SAMPLE_TITLE  # cp1252 decoded
    # A path sent as text is text to translate, never a file to open.
    as_text = client.post("/v1/handout", json={"text": "/etc/hostname", "name": "/etc/hostname"}).json()
    assert as_text["input"] == "hostname"
    sources = [s["source"] for p in as_text["paragraphs"] for s in p["sentences"]]
    if as_text["title"]:
        sources.insert(0, as_text["title"]["source"])
    assert sources == ["/etc/hostname"]


@pytest.mark.parametrize(
    ("request_args", "message"),
    [
        ({"json": {"text": "   "}}, "empty"),
        ({"files": {"file": ("bild.png", bytes(range(256)) * 8, "image/png")}}, "uploaded file bild.png"),
        ({"data": {"file": "/etc/passwd"}}, "'file' must be an uploaded file"),
        ({"json": {"text": "Hej", "input_format": "pdf"}}, "input_format"),
    ],
)
def test_handout_input_errors(client: TestClient, request_args: dict, message: str) -> None:
    response = client.post("/v1/handout", **request_args)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


def test_summarize(client: TestClient) -> None:
    response = client.post("/v1/summarize", json={"text": POST_TEXT})
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["method"] == "abstractive" and summary["summary"]
    assert summary["sentences"] >= 12


def test_health_docs_and_schema(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ready" and "ctranslate2" in health.json()["engine"]
    schema = client.get("/openapi.json").json()
    assert {"/translate", "/languages", "/v1/handout", "/v1/summarize", "/health"} <= set(schema["paths"])
    body = schema["paths"]["/translate"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in docs.text.lower() and "/openapi.json" in docs.text


# --- throughput: batching, memory -------------------------------------------------------------


def test_concurrent_requests_share_rounds(service: TranslationService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service.options, "batch_window", 0.5)
    app = create_app(service, ServerOptions(), own_service=False)
    texts = [f"Det här är mening nummer {n} om snö och is." for n in range(8)]

    async def send_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(
                *(http.post("/translate", json={"q": t, "source": "sv", "target": "en"}) for t in texts)
            )

    rounds, requests = service.rounds, service.requests_done
    responses = asyncio.run(send_all())
    assert [r.status_code for r in responses] == [200] * 8
    assert service.requests_done - requests == 8
    assert service.rounds - rounds <= 2  # eight requests, one (or at most two) model rounds


def unstarted_service(model: Path, batch_window: float) -> TranslationService:
    """A service whose worker never runs: the test calls _next_round itself, to see what a round would take."""
    return TranslationService(
        PipelineOptions(models=ModelOptions(translation=str(model), summarizer="none")),
        ServiceOptions(batch_window=batch_window, memory=NO_MEMORY),
    )


def test_a_round_waits_for_clients_the_last_round_answered(tiny_marian: Path) -> None:
    # A request that queued through a long round must not start the next round alone: the clients
    # that round just answered get the window to send their next request (found by the load benchmark).
    service = unstarted_service(tiny_marian, batch_window=0.5)
    service.submit([parse_snippet("Ett.").document])
    service._pending[0].submitted -= 10  # it has waited through a ten-second round ...
    service._free_since = time.monotonic()  # ... which has just ended
    threading.Timer(0.1, lambda: service.submit([parse_snippet("Två.").document])).start()
    jobs = service._next_round()
    assert jobs is not None and len(jobs) == 2


def test_a_lone_client_is_not_kept_waiting(tiny_marian: Path) -> None:
    # One client sending one request after another: its next request comes only after this answer, so
    # waiting for company costs it the window on every request (benchmarks/peers.py, one client).
    service = unstarted_service(tiny_marian, batch_window=0.5)
    service._last_round_requests = 1  # its previous request, alone
    service._free_since = time.monotonic() - 0.01  # answered just now
    service.submit([parse_snippet("Ett.").document])
    started = time.monotonic()
    jobs = service._next_round()
    assert jobs is not None and len(jobs) == 1 and time.monotonic() - started < 0.25

    # After a round of several requests, the same lone request waits: the others' next ones are coming.
    service._last_round_requests = 3
    service._free_since = time.monotonic() - 0.01
    service.submit([parse_snippet("Tre.").document])
    threading.Timer(0.1, lambda: service.submit([parse_snippet("Fyra.").document])).start()
    jobs = service._next_round()
    assert jobs is not None and len(jobs) == 2


def test_the_window_ends_when_the_last_rounds_clients_are_back(tiny_marian: Path) -> None:
    # Sixteen clients answered by a round send their next requests within milliseconds; once all of them
    # wait, the rest of the window would only keep both cores idle.
    service = unstarted_service(tiny_marian, batch_window=1.0)
    service._last_round_requests = 3
    service._free_since = time.monotonic()
    for text in ("Ett.", "Två.", "Tre."):
        service.submit([parse_snippet(text).document])
    started = time.monotonic()
    jobs = service._next_round()
    assert jobs is not None and len(jobs) == 3 and time.monotonic() - started < 0.5


def test_translation_memory_serves_repeats(client: TestClient, service: TranslationService) -> None:
    q = {"q": "Minnet ska komma ihåg den här meningen.", "source": "sv", "target": "en"}
    first = client.post("/translate", json=q).json()
    reused = service.sentences_reused
    assert client.post("/translate", json=q).json() == first
    assert service.sentences_reused == reused + 1
    assert service.pipeline.memory is not None
    # The worker thread owns its connection; look from another one.
    assert len(TranslationMemory(service.pipeline.memory.path)) > 0


# --- limits: size, queue, timeout -------------------------------------------------------------


def test_size_limits_give_413(service: TranslationService) -> None:
    client = client_for(service, char_limit=40, max_body_bytes=2000)
    over = client.post("/translate", json={"q": "Det här är en mening som är längre än fyrtio tecken.", "target": "en"})
    assert over.status_code == 413 and "limit is 40" in over.json()["error"]
    assert client.post("/translate", json={"q": "Kort.", "target": "en"}).status_code == 200
    huge = client.post("/translate", json={"q": "a" * 5000})
    assert huge.status_code == 413 and "2,000 bytes" in huge.json()["error"]
    handout = client.post("/v1/handout", json={"text": POST_TEXT[:1500]})
    assert handout.status_code == 413


def test_full_queue_gives_503_and_a_timeout_504(tiny_marian: Path) -> None:
    # A service that was never started: requests queue and nothing takes them.
    idle = TranslationService(
        PipelineOptions(models=ModelOptions(translation=str(tiny_marian), summarizer="none")),
        ServiceOptions(queue_size=1, timeout=1.5, memory=NO_MEMORY),
    )
    client = TestClient(create_app(idle, ServerOptions(), own_service=False))
    first: dict[str, httpx.Response] = {}
    waiting = threading.Thread(
        target=lambda: first.update(r=client.post("/translate", json={"q": "Ett.", "target": "en"}))
    )
    waiting.start()
    deadline = time.monotonic() + 5
    while len(idle._pending) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    busy = client.post("/translate", json={"q": "Två.", "target": "en"})
    assert busy.status_code == 503
    assert int(busy.headers["retry-after"]) >= 1
    assert "busy" in busy.json()["error"]
    waiting.join()
    assert first["r"].status_code == 504 and "--timeout" in first["r"].json()["error"]
    assert len(idle._pending) == 0  # the timed-out request left the queue


def test_models_that_fail_to_load_make_health_503(tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    service = TranslationService(
        PipelineOptions(models=ModelOptions(translation=str(broken), summarizer="none")),
        ServiceOptions(memory=NO_MEMORY),
    )
    service.start()
    assert not service.wait_ready(60)
    client = TestClient(create_app(service, ServerOptions(), own_service=False))
    health = client.get("/health")
    assert health.status_code == 503 and health.json()["status"] == "failed" and health.json()["error"]
    refused = client.post("/translate", json={"q": "Hej.", "target": "en"})
    assert refused.status_code == 503 and "failed to load" in refused.json()["error"]


# --- security: keys, CORS, logs ---------------------------------------------------------------


def test_api_keys_are_required_everywhere(service: TranslationService) -> None:
    client = client_for(service, api_keys=frozenset({"k-one", "k-two"}))
    q = {"q": "Hej.", "source": "sv", "target": "en"}
    for path in ("/languages", "/openapi.json", "/docs", "/metrics"):
        assert client.get(path).status_code == 403, path
    # As LibreTranslate: a load balancer's probe and a front end's start-up need no key.
    for path in ("/health", "/frontend/settings"):
        assert client.get(path).status_code == 200, path
    missing = client.post("/translate", json=q)
    assert missing.status_code == 403 and "needs an API key" in missing.json()["error"]
    wrong = client.post("/translate", json={**q, "api_key": "nope"})
    assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key."}
    assert client.post("/translate", json={**q, "api_key": "k-one"}).status_code == 200
    assert client.post("/translate", data={**q, "api_key": "k-two"}).status_code == 200
    assert client.post("/translate", json=q, headers={"Authorization": "Bearer k-one"}).status_code == 200
    assert client.post("/translate", json=q, headers={"X-API-Key": "k-two"}).status_code == 200
    assert client.get("/health?api_key=k-one").status_code == 200
    # libretranslatepy sends its key as a form body, even on GET /languages.
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert client.request("GET", "/languages", content=b"api_key=k-two", headers=form).status_code == 200
    upload = client.post("/v1/summarize", files={"file": ("p.txt", POST_TEXT.encode())}, data={"api_key": "k-one"})
    assert upload.status_code == 200


def test_api_keys_from_options_environment_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# team keys\nfile-key\n\n", encoding="utf-8")
    monkeypatch.setenv("HANDOUT_API_KEY", "env-key")
    assert load_api_keys(["cli-key"], keys) == {"cli-key", "env-key", "file-key"}
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(Exception, match="holds no keys"):
        load_api_keys([], empty)


def test_cors_is_off_unless_configured(service: TranslationService) -> None:
    origin = {"Origin": "https://example.org"}
    closed = client_for(service).get("/languages", headers=origin)
    assert "access-control-allow-origin" not in closed.headers
    open_ = client_for(service, cors_origins=("https://example.org",), api_keys=frozenset({"k"}))
    preflight = open_.options(
        "/translate",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "X-API-Key"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://example.org"
    denied = open_.get("/languages", headers=origin)
    assert denied.status_code == 403 and denied.headers["access-control-allow-origin"] == "https://example.org"


def test_logs_hold_no_request_text_unless_asked(service: TranslationService, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="translate")
    secret = "Hemligt brev till farmor."
    client_for(service, api_keys=frozenset({"s3cret-key"})).post(
        "/translate?api_key=s3cret-key", json={"q": secret, "target": "en"}
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /translate 200" in logged
    assert "Hemligt" not in logged and "s3cret-key" not in logged
    caplog.clear()
    client_for(service, log_text=True).post("/translate", json={"q": secret, "target": "en"})
    assert "Hemligt" in "\n".join(r.getMessage() for r in caplog.records)


def test_a_post_by_url_is_fetched_only_when_allowed_and_never_from_a_private_address(
    service: TranslationService,
) -> None:
    """A server that fetched any address for its clients would let them reach into its own network."""
    page = (
        "<html><head><title>Vintern</title></head><body><article><h1>Vintern i Norrland</h1>"
        "<p>Det har snöat i tre dagar nu, och hela byn ligger under ett tjockt vitt täcke.</p></article></body></html>"
    ).encode()
    with page_server(page) as site:
        url = f"{site}/2024/vintern/"
        off = client_for(service).post("/v1/handout", json={"url": url})
        assert off.status_code == 403 and "--fetch-urls" in off.json()["error"]
        public = client_for(service, fetch_urls="public").post("/v1/handout", json={"url": url})
        assert public.status_code == 400 and "private, loopback or link-local" in public.json()["error"]
        trusted = client_for(service, fetch_urls="any").post("/v1/handout", json={"url": url})
        assert trusted.status_code == 200, trusted.text
        handout = trusted.json()
        assert handout["title"]["source"] == "Vintern i Norrland" and handout["origin"]["url"] == url
        assert client_for(service, fetch_urls="any").get("/frontend/settings").json()["fetchUrls"] is True
