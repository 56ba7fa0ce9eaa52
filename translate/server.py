"""The HTTP API: LibreTranslate's /translate and /languages, plus handouts, summaries and health, over the service.

FastAPI routes parse a request, hand its documents to the TranslationService (which batches
concurrent requests together) and render the answer. An ASGI guard in front of every route
enforces the body size limit and the API keys, and writes the access log, which never holds
request text (or query strings, which may carry keys) unless --log-text asks for text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from translate.document import Document, Origin
from translate.errors import ConfigError, HandoutError, InputError, ModelLoadError
from translate.http_api import (
    ERRORS,
    check_pair,
    check_size,
    describe_validation,
    form_schema,
    handout_response,
    inline_schema,
    read_fields,
    safe_name,
    validated,
)
from translate.options import CleanOptions, MemoryOptions, PipelineOptions, ReadOptions
from translate.pipeline import prepare_document, require_text
from translate.render import HANDOUT_FORMATS, HandoutFormat
from translate.service import (
    ClientGone,
    ServiceBusy,
    ServiceOptions,
    ServiceTimeout,
    ServiceUnavailable,
    State,
    TranslationService,
)
from translate.text.feeds import slug_of
from translate.text.fetching import PAGE_TYPES, fetch, format_of
from translate.text.language import likeliest_language
from translate.text.snippets import parse_snippet
from translate.version import __version__

log = logging.getLogger(__name__)

API_KEY_ENV = "HANDOUT_API_KEY"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OPTIONS_ENV = "HANDOUT_SERVE_OPTIONS"  # how `--workers N` hands the options to each worker process


@dataclass
class ServerOptions:
    """Everything `translate serve` is told: where to listen, who may call, limits, and the service and models."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1  # server processes, each with its own copy of the models
    api_keys: frozenset[str] = frozenset()  # empty: no key needed
    cors_origins: tuple[str, ...] = ()  # empty: no CORS headers, so browsers on other origins are refused
    char_limit: int = 50_000  # characters to translate per request (413 beyond)
    # Texts per /translate request (413 beyond): a million empty q items are no characters, but
    # each costs parsing and a place in the batch.
    item_limit: int = 1_000
    max_body_bytes: int = 4 * 1024 * 1024  # raw request body (413 beyond), uploads included
    log_text: bool = False  # log the text of requests (off: only sizes and timings)
    suggestions: bool = False  # /suggest stores suggested translations in the memory, as a person's
    # Posts by URL (/v1/handout's url): off; public (addresses on the internet only, so that a client cannot
    # make the server reach into its own network); any (a trusted intranet).
    fetch_urls: Literal["off", "public", "any"] = "off"
    # Where /translate_file keeps its translated files; None: translated-files in the cache folder, which every
    # --workers process shares.
    files_dir: Path | None = None
    service: ServiceOptions = field(default_factory=ServiceOptions)
    pipeline: PipelineOptions = field(default_factory=PipelineOptions)


def load_api_keys(keys: Iterable[str] = (), keys_file: Path | None = None, environ: bool = True) -> frozenset[str]:
    """Keys from --api-key options, $HANDOUT_API_KEY, and a file of one key per line (# comments)."""
    found = {k.strip() for k in keys if k.strip()}
    if environ and os.environ.get(API_KEY_ENV, "").strip():
        found.add(os.environ[API_KEY_ENV].strip())
    if keys_file is not None:
        try:
            lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigError(f"The API keys file {keys_file} cannot be read: {error.strerror or error}.") from error
        file_keys = {line.strip() for line in lines if line.strip() and not line.strip().startswith("#")}
        if not file_keys:
            raise ConfigError(f"The API keys file {keys_file} holds no keys (one per line; # starts a comment).")
        found |= file_keys
    return frozenset(found)


# --- request and response bodies -------------------------------------------------------------


class TranslateRequest(BaseModel):
    """LibreTranslate's /translate request."""

    q: str | list[str] = Field(description="The Swedish text, or a list of texts (answered by a list).")
    # Typed as any string, so that another language gets a message saying what is supported;
    # the schema lists the accepted values.
    source: str = Field(
        "auto",
        description="'sv', or 'auto' (taken as Swedish: the only source language).",
        json_schema_extra={"enum": ["sv", "auto"]},
    )
    target: str = Field("en", description="'en': the only target language.", json_schema_extra={"enum": ["en"]})
    format: Literal["text", "html"] = Field(
        "text",
        description="text: line breaks are kept; html: tags are kept and only the text between them is translated.",
    )
    alternatives: int = Field(0, ge=0, le=10, description="Accepted for compatibility; no alternatives are offered.")
    api_key: str | None = Field(None, description="Needed when the server was started with API keys.")


class Detected(BaseModel):
    confidence: float
    language: str


class TranslateResponse(BaseModel):
    translatedText: str | list[str]  # noqa: N815 - LibreTranslate's name
    alternatives: list[str] | list[list[str]] | None = None
    # With source "auto", as LibreTranslate: what the text was taken to be (this server translates it as Swedish).
    detectedLanguage: Detected | list[Detected] | None = None  # noqa: N815


class Language(BaseModel):
    code: str
    name: str
    targets: list[str]


class HandoutRequest(BaseModel):
    """A post to turn into a handout (or to summarize), sent as JSON."""

    text: str = Field("", description="The post: plain text, Markdown or HTML (or give url).")
    url: str | None = Field(
        None, description="The post's address instead of its text (only when the server was started with --fetch-urls)."
    )
    name: str = Field(
        "post.txt", description="A name for the post (shown in the handout); its extension sets the format."
    )
    input_format: Literal["auto", "txt", "md", "html"] = "auto"
    keep_comments: bool = False
    keep_all: bool = False
    api_key: str | None = None


class SummaryResponse(BaseModel):
    input: str
    summary: str | None
    method: str | None
    model: str | None
    sentences: int


LANGUAGES = [Language(code="sv", name="Swedish", targets=["en"])]

_TRANSLATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(TranslateRequest)},
            "application/x-www-form-urlencoded": {"schema": form_schema(TranslateRequest)},
        },
    }
}
_UPLOAD_FIELD = {
    "file": {"type": "string", "format": "binary", "description": "The post as a file (.txt, .md, .html)."}
}
_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(HandoutRequest)},
            "multipart/form-data": {
                "schema": {
                    **form_schema(HandoutRequest, drop=("text",), extra=_UPLOAD_FIELD),
                    "required": ["file"],
                }
            },
        },
    }
}


# --- the guard: size limit, API keys, access log -----------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


# Seconds a request's body may take to arrive (408 beyond), an idle keep-alive connection may
# stay open, and how many connections one server process holds at once (503 beyond).
BODY_SECONDS = 30
IDLE_CONNECTION_SECONDS = 5
MAX_CONNECTIONS = 256


# Answered without a key, as LibreTranslate does: a load balancer's probe, and the settings a
# front end reads before it knows whether it needs a key.
PUBLIC_PATHS = frozenset({"/health", "/frontend/settings", "/"})


# A text this short says too little of its language; it is taken as Swedish, the only source there is.
MIN_DETECT_CHARS = 20


def _detected(text: str) -> dict[str, Any]:
    if len(text.strip()) < MIN_DETECT_CHARS:
        return {"confidence": 100.0, "language": "sv"}
    best = likeliest_language(text)
    return {"confidence": best.confidence, "language": best.language}


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith("/static/")


class _SlowBody(Exception):
    """The request body did not arrive in time."""


class RequestGuard:
    """ASGI middleware in front of every route: 413 for oversized bodies, 403 without a valid key, one log line."""

    def __init__(self, app: Callable[..., Awaitable[None]], options: ServerOptions, metrics: Any = None) -> None:
        self.app = app
        self.options = options
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        refusal: tuple[int, str] | None = None
        try:
            body = await self._read_body(scope, receive)
        except _SlowBody:
            body = b""
            refusal = 408, f"The request body did not arrive within {BODY_SECONDS} s."
        else:
            if body is None:
                refusal = 413, f"The request body is over the limit of {self.options.max_body_bytes:,} bytes."
            elif self.options.api_keys and scope["method"] != "OPTIONS" and not _public(scope.get("path", "")):
                refusal = await self._check_key(scope, body)
        try:
            if refusal is not None:
                await JSONResponse({"error": refusal[1]}, status_code=refusal[0])(scope, receive, send_logged)
            else:
                await self.app(scope, _replay(body or b"", receive), send_logged)
        except BaseException:
            # What escapes the app becomes Starlette's 500 outside this middleware: log it as that.
            status["code"] = status["code"] or 500
            raise
        finally:
            seconds = time.perf_counter() - started
            self._log(scope, status["code"], seconds, body or b"")
            if self.metrics is not None:
                self.metrics.observe(scope.get("path", ""), status["code"], seconds)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is over the limit (the rest is not read).

        _SlowBody when it does not arrive within BODY_SECONDS: a client sending a byte a minute
        would otherwise hold its connection, and a place in the server, for ever.
        """
        limit = self.options.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                return None
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + BODY_SECONDS
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise _SlowBody() from None
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _check_key(self, scope: Scope, body: bytes) -> tuple[int, str] | None:
        offered = await _offered_key(scope, body)
        if offered is None:
            return 403, "This server needs an API key: send it as api_key, or in an 'Authorization: Bearer' header."
        # Compare against every key without stopping early, so timing says nothing about which is close.
        matches = [hmac.compare_digest(offered.encode(), key.encode()) for key in self.options.api_keys]
        return None if any(matches) else (403, "Invalid API key.")

    def _log(self, scope: Scope, status: int, seconds: float, body: bytes) -> None:
        # The path only: a query string may hold a key or text.
        line = f"{scope.get('method', '?')} {scope.get('path', '?')} {status} {seconds * 1000:.0f} ms {len(body)} bytes"
        if self.options.log_text and body:
            line += f" body={body[:2000].decode('utf-8', 'replace')!r}"
        log.info(line)


def _replay(body: bytes, receive: Receive | None = None) -> Receive:
    """A receive channel that gives the buffered body, then whatever the real one says (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if receive is not None:
            return await receive()
        return {"type": "http.disconnect"}

    return replayed


async def _offered_key(scope: Scope, body: bytes) -> str | None:
    """The key a request offers: Authorization Bearer, X-API-Key, ?api_key=, or an api_key field in its body."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    if headers.get("x-api-key"):
        return headers["x-api-key"].strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("api_key"):
        return query["api_key"][0]
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/json" and body:
            data = json.loads(body)
            key = data.get("api_key") if isinstance(data, dict) else None
            return key if isinstance(key, str) else None
        if content_type == "application/x-www-form-urlencoded" or (not content_type and body):
            # libretranslatepy sends its key as a form body even on GET /languages.
            values = parse_qs(body.decode("utf-8", "replace")).get("api_key")
            return values[0] if values else None
        if content_type == "multipart/form-data":
            form = await Request(scope, _replay(body)).form()
            key = form.get("api_key")
            return key if isinstance(key, str) else None
    except Exception:  # noqa: BLE001 - any body the parsers refuse (no boundary, 1,000 fields, 100,000 levels of
        # JSON) offers no key: 403 here, and without a key the route would say 400 for the same body.
        return None
    return None


# --- parsing request bodies ----------------------------------------------------------------


async def _post_document(request: Request, char_limit: int, fetch_urls: str = "off") -> Document:
    """The post a /v1/handout or /v1/summarize request sends, read, cleaned and segmented."""
    from starlette.datastructures import UploadFile

    fields = await read_fields(request)
    upload = fields.pop("file", None)
    content: str | bytes
    where: str | None = None
    if isinstance(upload, list):
        raise HTTPException(400, "Send one file per request.")
    if isinstance(upload, UploadFile):
        uploaded = safe_name(upload.filename or "", "upload.txt")
        fields.setdefault("name", uploaded)
        fields["text"] = ""  # the upload is the text; the other fields are validated below
        content = await upload.read()
        where = f"The uploaded file {uploaded}"
    elif upload is not None:
        raise HTTPException(400, "'file' must be an uploaded file (multipart/form-data); send text as 'text'.")
    post = validated(HandoutRequest, fields)
    name = post.name
    origin: Origin | None = None
    input_format: str | None = None
    charset: str | None = None
    if upload is None and post.url:
        if fetch_urls == "off":
            raise HTTPException(403, "This server does not fetch pages (it was started without --fetch-urls).")
        page = await run_in_threadpool(fetch, post.url, PAGE_TYPES, None, fetch_urls != "any")
        content, where, origin = page.content, post.url, Origin(page.url)
        input_format, charset = format_of(page), page.charset
        name = fields.get("name") or f"{slug_of(page.url)}.html"
    elif upload is None:
        if not post.text.strip():
            raise InputError("The post is empty: there is nothing to translate.")
        content = post.text
    read = ReadOptions(
        input_format=None if post.input_format == "auto" else post.input_format,
        clean=CleanOptions(keep_comments=post.keep_comments, keep_all=post.keep_all),
    )
    # The same bytes -> Document path as `translate run` and `translate batch`.
    document = await run_in_threadpool(
        prepare_document, content, safe_name(name), read, where, origin, input_format, charset
    )
    require_text(document)
    check_size(document.source_characters(), char_limit)
    return document


# --- the application -----------------------------------------------------------------------


def create_app(service: TranslationService, options: ServerOptions | None = None, own_service: bool = True) -> FastAPI:
    """The FastAPI application over a service; with own_service, it starts the service and closes it at shutdown."""
    options = options or ServerOptions()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        service.start()
        yield
        if own_service:
            await run_in_threadpool(service.close)

    app = FastAPI(
        title="sv2en-handout",
        version=__version__,
        docs_url=None,  # served from local files by translate.web, not from a CDN
        redoc_url=None,
        summary="Swedish to English translation: LibreTranslate-compatible /translate, plus bilingual handouts.",
        lifespan=lifespan,
    )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": describe_validation(error.errors())}, status_code=400)

    @app.exception_handler(HandoutError)
    async def handout_error(request: Request, error: HandoutError) -> JSONResponse:
        if isinstance(error, ServiceBusy):
            return JSONResponse({"error": str(error)}, status_code=503, headers={"Retry-After": str(error.retry_after)})
        status = 400
        if isinstance(error, ServiceTimeout):
            status = 504
        elif isinstance(error, ClientGone):
            status = 499  # nginx's "client closed request": for the log, since nobody reads the answer
        elif isinstance(error, (ServiceUnavailable, ModelLoadError)):
            status = 503
        elif isinstance(error, ConfigError):
            status = 501  # a feature this server lacks, such as PDF without WeasyPrint
        return JSONResponse({"error": str(error)}, status_code=status)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return JSONResponse({"error": f"Internal error: {type(error).__name__}. The server log has details."}, 500)

    @app.post(
        "/translate",
        response_model=TranslateResponse,
        response_model_exclude_none=True,
        responses=ERRORS,
        openapi_extra=_TRANSLATE_BODY,
        tags=["LibreTranslate"],
    )
    async def translate_text(request: Request) -> dict[str, Any]:
        """Translate text (LibreTranslate's API): JSON or form-encoded; q is a string or a list of strings."""
        body = validated(TranslateRequest, await read_fields(request))
        check_pair(body.source, body.target)
        texts = body.q if isinstance(body.q, list) else [body.q]
        if len(texts) > options.item_limit:
            raise HTTPException(
                413, f"The request has {len(texts):,} texts in q; this server's limit is {options.item_limit:,}."
            )
        # Before parsing, which costs time in proportion: markup does not count, so this is an upper bound.
        check_size(sum(len(text) for text in texts) // 2, options.char_limit)
        snippets = await run_in_threadpool(
            lambda: [parse_snippet(text, body.format, f"q[{i}]") for i, text in enumerate(texts)]
        )
        check_size(sum(s.document.source_characters() for s in snippets), options.char_limit)
        documents = [s.document for s in snippets if s.document.paragraphs]
        if documents:
            await service.process(documents, handout=False, disconnected=request.is_disconnected)
        translated = [s.translated() for s in snippets]
        answer: dict[str, Any] = {"translatedText": translated if isinstance(body.q, list) else translated[0]}
        if body.alternatives:
            answer["alternatives"] = [[] for _ in texts] if isinstance(body.q, list) else []
        if body.source.lower() == "auto":
            found = await run_in_threadpool(lambda: [_detected(text) for text in texts])
            answer["detectedLanguage"] = found if isinstance(body.q, list) else found[0]
        return answer

    @app.get("/languages", response_model=list[Language], responses={403: ERRORS[403]}, tags=["LibreTranslate"])
    async def languages() -> list[Language]:
        """The languages this server translates: Swedish to English."""
        return LANGUAGES

    @app.post(
        "/v1/handout",
        responses={
            **ERRORS,
            200: {"content": {f.media_type: {} for f in HANDOUT_FORMATS.values()}, "description": "The handout."},
        },
        openapi_extra=_POST_BODY,
        tags=["Handouts"],
    )
    async def handout(
        request: Request,
        format: Annotated[
            HandoutFormat, Query(description="json: the document, as 'translate run -f json'.")
        ] = HandoutFormat.json,
    ) -> Response:
        """A bilingual handout of a post (text or an uploaded file): cleaned, translated, summarized, rendered."""
        document = await _post_document(request, options.char_limit, options.fetch_urls)
        await service.process([document], handout=True, disconnected=request.is_disconnected)
        return await handout_response(document, format.value)

    @app.post(
        "/v1/summarize", response_model=SummaryResponse, responses=ERRORS, openapi_extra=_POST_BODY, tags=["Handouts"]
    )
    async def summarize_post(request: Request) -> SummaryResponse:
        """An English summary of a Swedish post (the post is cleaned and translated first)."""
        document = await _post_document(request, options.char_limit, options.fetch_urls)
        await service.process([document], handout=True, disconnected=request.is_disconnected)
        summary = document.summary
        return SummaryResponse(
            input=document.input,
            summary=summary.text if summary else None,
            method=summary.method if summary else None,
            model=summary.model if summary else None,
            sentences=document.stats.sentences,
        )

    @app.get(
        "/health",
        responses={503: {"description": "Models still loading, or they failed to load."}, 403: ERRORS[403]},
        tags=["Service"],
    )
    async def health() -> JSONResponse:
        """Ready (200) only once the models are loaded; otherwise 503, with the state and any error."""
        report = service.health()
        return JSONResponse(report, status_code=200 if report["status"] == "ready" else 503)

    from translate.libretranslate import LibreTranslateSettings, add_libretranslate_routes

    settings = LibreTranslateSettings(
        options.char_limit, bool(options.api_keys), options.suggestions, options.files_dir, options.fetch_urls
    )
    add_libretranslate_routes(app, service, settings)
    from translate.web import add_page_routes

    add_page_routes(app)
    app.add_middleware(RequestGuard, options=options, metrics=getattr(app.state, "metrics", None))
    if options.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        # Added last, so it is outermost: preflights are answered before the key check.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(options.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key"],
        )
    return app


# --- running it ------------------------------------------------------------------------------


def _log_state(state: State, detail: str) -> None:
    if state == "loading":
        log.info("loading the models")
    elif state == "ready":
        log.info("ready: %s", detail)
    elif state == "failed":
        log.error("the models failed to load: %s", detail)


def worker_environment(options: ServerOptions) -> dict[str, str]:
    """What the entry point puts into os.environ before serve() with --workers N: each worker process builds its
    service from it (uvicorn's workers are new processes that only share the environment)."""
    return {OPTIONS_ENV: _options_to_json(options)}


def serve(options: ServerOptions) -> None:
    """Run the server until Ctrl-C or SIGTERM; raises ModelLoadError if the models fail to load.

    Logging is the caller's to configure (the CLI sends it to stderr). With several workers
    the caller first puts worker_environment(options) into os.environ.
    """
    import uvicorn

    common: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        "access_log": False,  # the guard logs requests without their query strings
        "log_config": None,  # uvicorn's loggers go where the caller's logging sends them
        "log_level": "info",
        "timeout_graceful_shutdown": int(options.service.timeout),
        # An idle keep-alive connection is closed after this many seconds, and connections past
        # the limit get 503 at once: a crowd of idle or slow clients cannot hold every socket.
        # (Slow headers are a reverse proxy's to time out: uvicorn has no header timeout.)
        "timeout_keep_alive": IDLE_CONNECTION_SECONDS,
        "limit_concurrency": MAX_CONNECTIONS,
    }
    if options.workers > 1:
        if os.environ.get(OPTIONS_ENV) != _options_to_json(options):
            raise ConfigError(
                "serve() with several workers hands its options to them through the environment: "
                "put worker_environment(options) into os.environ first."
            )
        from translate.pipeline import Pipeline

        Pipeline(options.pipeline)  # unknown model names fail here, once, rather than in every worker
        uvicorn.run("translate.server:app_from_environment", factory=True, workers=options.workers, **common)
        return
    server: uvicorn.Server | None = None
    failure: list[str] = []

    def on_state(state: State, detail: str) -> None:
        _log_state(state, detail)
        if state == "failed":
            failure.append(detail)
            if server is not None:
                server.should_exit = True

    service = TranslationService(options.pipeline, options.service, on_state=on_state)
    server = uvicorn.Server(uvicorn.Config(create_app(service, options), **common))
    server.run()
    if failure:
        raise ModelLoadError(f"The server stopped because the models failed to load: {failure[0]}")


def app_from_environment() -> FastAPI:
    """The application of one `--workers` process, built from the options its parent put in the environment.

    This is that process's entry point, so it sets up its logging, as `translate serve` does in the parent.
    """
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    options = _options_from_json(os.environ[OPTIONS_ENV])
    return create_app(TranslationService(options.pipeline, options.service, on_state=_log_state), options)


def _options_to_json(options: ServerOptions) -> str:
    data = {
        **{f.name: getattr(options, f.name) for f in dataclasses.fields(options)},
        "api_keys": sorted(options.api_keys),
        "cors_origins": list(options.cors_origins),
        "service": dataclasses.asdict(options.service),
        "pipeline": options.pipeline.to_dict(),
    }
    return json.dumps(data, default=str, sort_keys=True)


def _options_from_json(text: str) -> ServerOptions:
    data = json.loads(text)
    service = data["service"]
    memory = service.pop("memory")
    service["memory"] = MemoryOptions(Path(memory["path"]) if memory["path"] else None, memory["enabled"])
    return ServerOptions(
        **{k: v for k, v in data.items() if k not in ("api_keys", "cors_origins", "service", "pipeline", "files_dir")},
        files_dir=Path(data["files_dir"]) if data.get("files_dir") else None,
        api_keys=frozenset(data["api_keys"]),
        cors_origins=tuple(data["cors_origins"]),
        service=ServiceOptions(**service),
        pipeline=PipelineOptions.from_dict(data["pipeline"]),
    )
