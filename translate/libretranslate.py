"""The rest of LibreTranslate's API over the same service: /detect, /frontend/settings, /suggest,
/translate_file with /download_file, and /metrics, with LibreTranslate's field names, status codes
and error shapes ({"error": "..."}), so that its clients and front ends work unchanged."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from translate.http_api import (
    ERRORS,
    ErrorBody,
    check_pair,
    check_size,
    content_disposition,
    form_schema,
    inline_schema,
    read_fields,
    safe_name,
)
from translate.options import CleanOptions, ReadOptions
from translate.pipeline import prepare_document, require_text
from translate.render.formats import DOCX_MEDIA_TYPE
from translate.render.output import write_atomic
from translate.render.translated import TRANSLATED_COPY_FORMATS, render_translated
from translate.service import TranslationService
from translate.text.documents import DOCUMENT_EXTENSIONS
from translate.text.language import detect_languages

# Translated files are kept this long, and at most this many, for their /download_file link.
FILE_SECONDS = 3600
FILES_KEPT = 200
_DOWNLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.[\w.\- ]{1,120}$")

_MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": DOCX_MEDIA_TYPE,
    "odt": "application/vnd.oasis.opendocument.text",
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
}
# Every format a file may come in, by extension: the text ones are written anew, documents edited in place.
_FILE_FORMATS = {**TRANSLATED_COPY_FORMATS, **DOCUMENT_EXTENSIONS}


class DetectRequest(BaseModel):
    q: str = Field(description="The text whose language is wanted.")
    api_key: str | None = Field(None, description="Needed when the server was started with API keys.")


class SuggestRequest(BaseModel):
    q: str = Field(description="The Swedish text.")
    s: str = Field(description="Its suggested English translation.")
    source: str = Field("sv", description="'sv'.")
    target: str = Field("en", description="'en'.")
    api_key: str | None = Field(None, description="Needed when the server was started with API keys.")


def _body(model: type[BaseModel]) -> dict[str, Any]:
    """JSON or form, as LibreTranslate accepts both."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": inline_schema(model)},
                "application/x-www-form-urlencoded": {"schema": form_schema(model)},
            },
        }
    }


_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A .txt, .md, .html, .docx, .odt, .epub or .pdf file.",
                        },
                        "source": {"type": "string", "enum": ["sv", "auto"]},
                        "target": {"type": "string", "enum": ["en"]},
                        "api_key": {"type": "string"},
                    },
                    "required": ["file", "source", "target"],
                }
            }
        },
    }
}
_WITH_415 = {**ERRORS, 415: {"model": ErrorBody, "description": "The body is neither JSON nor a form."}}


def _required(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise HTTPException(400, f"Invalid request: missing {name} parameter")
    return value


class TranslatedFiles:
    """The folder of translated files waiting for their download: bounded in number and age."""

    def __init__(self, folder: Path | None) -> None:
        # In the cache folder by default, which every --workers process shares: the download of a file may
        # reach another process than the one that made it.
        from translate.cache import cache_root

        self.folder = folder if folder is not None else cache_root() / "translated-files"
        self.folder.mkdir(parents=True, exist_ok=True)

    def keep(self, name: str, content: bytes) -> str:
        self._prune()
        stored = f"{uuid.uuid4().hex}.{name}"
        # Atomic: another --workers process may serve the download while this one is still writing.
        write_atomic(self.folder / stored, content)
        return stored

    def path(self, stored: str) -> Path | None:
        """The file of a download name this server gave out, or None (never a path from outside the folder)."""
        if not _DOWNLOAD_NAME.match(stored):
            return None
        path = self.folder / stored
        return path if path.is_file() else None

    def _prune(self) -> None:
        files = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime)
        now = time.time()
        for index, path in enumerate(files):
            if now - path.stat().st_mtime > FILE_SECONDS or len(files) - index >= FILES_KEPT:
                path.unlink(missing_ok=True)


class Metrics:
    """Prometheus metrics of one application (its own registry, so that two apps in one process do not mix)."""

    def __init__(self, service: TranslationService) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        self.registry = CollectorRegistry()
        self.requests = Counter("sv2en_requests", "HTTP requests answered", ["path", "status"], registry=self.registry)
        self.latency = Histogram(
            "sv2en_request_seconds", "Time to answer a request", ["path"], registry=self.registry,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
        )  # fmt: skip

        class ServiceCollector:
            def collect(self):  # type: ignore[no-untyped-def]
                yield CounterMetricFamily("sv2en_sentences", "Sentences translated", value=service.sentences_done)
                yield CounterMetricFamily(
                    "sv2en_memory_hits", "Sentences from the translation memory or repeated within a round",
                    value=service.sentences_reused,
                )  # fmt: skip
                yield CounterMetricFamily("sv2en_rounds", "Rounds of batched work", value=service.rounds)
                yield GaugeMetricFamily(
                    "sv2en_queue_length", "Requests waiting for a round", value=service.queue_length
                )
                yield GaugeMetricFamily(
                    "sv2en_ready", "1 once the models are loaded", value=float(service.state == "ready")
                )

        self.registry.register(ServiceCollector())

    def observe(self, path: str, status: int, seconds: float) -> None:
        label = _path_label(path)
        self.requests.labels(label, str(status)).inc()
        self.latency.labels(label).observe(seconds)

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


_KNOWN_PATHS = {
    "/", "/translate", "/languages", "/detect", "/translate_file", "/suggest", "/frontend/settings", "/health",
    "/metrics", "/v1/handout", "/v1/summarize", "/docs", "/openapi.json",
}  # fmt: skip


def _path_label(path: str) -> str:
    """A bounded set of labels: a download's name or an unknown path would make a time series each."""
    if path.startswith("/download_file/"):
        return "/download_file/{filename}"
    return path if path in _KNOWN_PATHS else "other"


@dataclass(frozen=True)
class LibreTranslateSettings:
    """What these routes need of the server's options."""

    char_limit: int
    keys_required: bool
    suggestions: bool
    files_dir: Path | None
    fetch_urls: str = "off"


def add_libretranslate_routes(app: FastAPI, service: TranslationService, options: LibreTranslateSettings) -> None:
    files = TranslatedFiles(options.files_dir)
    metrics = Metrics(service)
    app.state.metrics = metrics
    formats = sorted(_FILE_FORMATS)

    @app.post("/detect", responses=_WITH_415, openapi_extra=_body(DetectRequest), tags=["LibreTranslate"])
    async def detect(request: Request) -> list[dict[str, Any]]:
        """Which language the text is in, likeliest first, with a confidence from 0 to 100."""
        q = _required(await read_fields(request), "q")
        check_size(len(q), options.char_limit)
        found = await run_in_threadpool(detect_languages, q)
        return [{"confidence": d.confidence, "language": d.language} for d in found]

    @app.get("/frontend/settings", tags=["LibreTranslate"])
    async def frontend_settings() -> dict[str, Any]:
        """What a LibreTranslate front end reads at start-up (no key needed)."""
        return {
            "charLimit": options.char_limit,
            "frontendTimeout": 500,
            "apiKeys": options.keys_required,
            "keyRequired": options.keys_required,
            "suggestions": options.suggestions,
            "fetchUrls": options.fetch_urls != "off",  # this tool's own: the page shows its URL field
            "filesTranslation": True,
            "supportedFilesFormat": formats,
            "language": {"source": {"code": "sv", "name": "Swedish"}, "target": {"code": "en", "name": "English"}},
        }

    @app.post("/suggest", responses=_WITH_415, openapi_extra=_body(SuggestRequest), tags=["LibreTranslate"])
    async def suggest(request: Request) -> dict[str, bool]:
        """A better translation for a text: kept in the translation memory as a person's, which later requests
        and batches use (when the server was started with --suggestions)."""
        if not options.suggestions:
            raise HTTPException(403, "Suggestions are disabled on this server.")
        fields = await read_fields(request)
        q, suggestion = _required(fields, "q"), _required(fields, "s")
        check_pair(_required(fields, "source"), _required(fields, "target"))
        check_size(len(q) + len(suggestion), options.char_limit)
        stored = await run_in_threadpool(service.suggest, q, suggestion)
        if stored is None:
            raise HTTPException(403, "Suggestions need a translation memory; this server runs with --no-memory.")
        return {"success": True}

    @app.post("/translate_file", responses=_WITH_415, openapi_extra=_FILE_BODY, tags=["LibreTranslate"])
    async def translate_file(request: Request) -> dict[str, str]:
        """The file translated in its own format (.txt, .md, .html, .docx, .odt, .epub, .pdf); the answer links
        to it."""
        fields = await read_fields(request)
        upload = fields.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(400, "Invalid request: missing file parameter")
        check_pair(_required(fields, "source"), _required(fields, "target"))
        name = safe_name(upload.filename or "", "")
        suffix = PurePosixPath(name).suffix.lower()
        if not name or suffix not in _FILE_FORMATS:
            raise HTTPException(400, f"Invalid request: file format not supported (supported: {', '.join(formats)})")
        content = await upload.read()
        # The whole file: it is the user's own document, not a page whose chrome is to go.
        read = ReadOptions(clean=CleanOptions(keep_all=True))
        document = await run_in_threadpool(prepare_document, content, name, read, f"The uploaded file {name}")
        require_text(document)
        check_size(document.source_characters(), options.char_limit)
        await service.process([document], handout=False, disconnected=request.is_disconnected)
        copy = await run_in_threadpool(render_translated, document)
        stored = files.keep(name, copy.encode("utf-8") if isinstance(copy, str) else copy)
        return {"translatedFileUrl": f"{str(request.base_url).rstrip('/')}/download_file/{stored}"}

    @app.get(
        "/download_file/{filename}",
        responses={
            200: {"content": {t: {} for t in _MEDIA_TYPES.values()}, "description": "The translated file."},
            403: ERRORS[403],
            404: {"model": ErrorBody, "description": "No such file, or it has expired."},
        },
        tags=["LibreTranslate"],
    )
    async def download_file(filename: str) -> Response:
        """A file /translate_file translated (kept for an hour)."""
        path = files.path(filename)
        if path is None:
            return JSONResponse({"error": "No such file: it was never made here, or it has expired."}, 404)
        original = filename.split(".", 1)[1]
        fmt = _FILE_FORMATS.get(PurePosixPath(original).suffix.lower(), "txt")
        return Response(
            path.read_bytes(),
            media_type=_MEDIA_TYPES[fmt],
            headers={"Content-Disposition": content_disposition(original, "attachment")},
        )

    @app.get(
        "/metrics",
        responses={200: {"content": {"text/plain": {}}, "description": "Prometheus' text format."}, 403: ERRORS[403]},
        tags=["Service"],
    )
    async def prometheus_metrics() -> Response:
        """Requests, latency, sentences, memory hits and queue length, in Prometheus' text format."""
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)
