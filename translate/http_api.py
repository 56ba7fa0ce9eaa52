"""What every HTTP route shares: reading a request body (JSON, form or multipart) into fields, validating
them, the size and language-pair checks, a rendered handout as a response, and the error shapes and schema
pieces of the OpenAPI document."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from translate.document import Document
from translate.render import handout_format


class ErrorBody(BaseModel):
    error: str = Field(description="What went wrong, in words meant for a person.")


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The request is malformed or asks for something unsupported."},
    403: {"model": ErrorBody, "description": "An API key is needed and was missing or wrong."},
    413: {"model": ErrorBody, "description": "Too much text (--char-limit) or too large a body."},
    503: {"model": ErrorBody, "description": "Busy (queue full; see Retry-After), or the models failed to load."},
    504: {"model": ErrorBody, "description": "The request did not finish within the server's --timeout."},
}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    return schema


def form_schema(model: type[BaseModel], drop: tuple[str, ...] = (), extra: dict[str, Any] | None = None) -> dict:
    """The model's fields as a form: scalar fields only (a form field is a string)."""
    schema = inline_schema(model)
    properties = {k: v for k, v in schema["properties"].items() if k not in drop}
    if "q" in properties:
        properties["q"] = {"type": "string", "description": properties["q"].get("description", "")}
    properties.update(extra or {})
    return {
        "type": "object",
        "properties": properties,
        "required": [r for r in schema.get("required", []) if r not in drop],
    }


async def read_fields(request: Request) -> dict[str, Any]:
    """A JSON object, form or multipart body as a dict (a repeated form field becomes a list)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(await request.body())
        except ValueError:
            raise HTTPException(400, "The body is not valid JSON.") from None
        except RecursionError:
            raise HTTPException(400, "The body's JSON is nested too deeply.") from None
        if not isinstance(data, dict):
            raise HTTPException(400, "The body must be a JSON object.")
        return data
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.form()
        except Exception as error:  # noqa: BLE001 - a malformed multipart body is the client's error
            raise HTTPException(400, f"The form body cannot be parsed: {error}") from None
        fields: dict[str, Any] = {}
        for key in form.keys():
            values = form.getlist(key)
            fields[key] = values if len(values) > 1 else values[0]
        return fields
    raise HTTPException(
        415,
        "Send the body as JSON (application/json) or as a form "
        "(application/x-www-form-urlencoded, multipart/form-data).",
    )


def validated(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise HTTPException(400, describe_validation(error.errors())) from None


def describe_validation(errors: Iterable[Any]) -> str:
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return "Invalid request: " + "; ".join(parts) + "."


def check_pair(source: str, target: str) -> None:
    if source.lower() not in ("sv", "auto"):
        raise HTTPException(
            400,
            f"Source language '{source}' is not supported: this server translates Swedish (sv) to English (en) only.",
        )
    if target.lower() != "en":
        raise HTTPException(
            400,
            f"Target language '{target}' is not supported: this server translates Swedish (sv) to English (en) only.",
        )


def check_size(characters: int, limit: int) -> None:
    if characters > limit:
        raise HTTPException(
            413,
            f"The request has {characters:,} characters to translate; this server's limit is {limit:,} (--char-limit).",
        )


def safe_name(name: str, default: str = "post.txt") -> str:
    """A label for the post: the last part of whatever name was sent, never a path that is opened."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip()
    base = re.sub(r"[^\w.\- ]", "_", base)[:120]
    return base or default


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """inline or attachment, with an ASCII file name for every client and the real one (RFC 6266) for those that
    read it (a header is Latin-1: "Łódź.docx" as it is would fail the response)."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    header = f'{disposition}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


async def handout_response(document: Document, fmt: str) -> Response:
    """The document rendered as a handout in fmt, named after its post (POST.handout.EXT), for display or saving."""
    info = handout_format(fmt)
    content = await run_in_threadpool(info.render, document)
    stem = document.input.rsplit(".", 1)[0] if "." in document.input else document.input
    filename = f"{safe_name(stem, 'post')}.handout{info.extension}"
    return Response(content, media_type=info.media_type, headers={"Content-Disposition": content_disposition(filename)})
