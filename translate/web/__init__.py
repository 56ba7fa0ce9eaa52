"""The page at / of `translate serve` (paste a post or drop a file, see it side by side, correct it, download it),
the /v1/render route it downloads through, and /docs from local files: nothing is fetched from the internet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from translate.http_api import ERRORS, handout_response
from translate.render import HANDOUT_FORMATS, HandoutFormat
from translate.revision import document_from_json

PAGE = Path(__file__).parent / "page"
# The page's own files and Swagger UI's: served without a key, like the page itself (they hold no data).
STATIC_PREFIX = "/static/"


def _swagger_files() -> Path | None:
    """Swagger UI's files, as fastapi-offline ships them in its wheel (None: /docs is left out)."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def add_page_routes(app: FastAPI) -> None:
    app.mount(STATIC_PREFIX + "page", StaticFiles(directory=PAGE), name="page")
    swagger = _swagger_files()
    if swagger is not None:
        app.mount(STATIC_PREFIX + "docs", StaticFiles(directory=swagger), name="docs-files")

        @app.get("/docs", include_in_schema=False)
        async def docs(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - API",
                swagger_js_url=f"{root}{STATIC_PREFIX}docs/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{STATIC_PREFIX}docs/swagger-ui.css",
                swagger_favicon_url=f"{root}{STATIC_PREFIX}docs/favicon.png",
            )

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(PAGE / "index.html", media_type="text/html; charset=utf-8")

    @app.post(
        "/v1/render",
        responses={**ERRORS, 200: {"content": {f.media_type: {} for f in HANDOUT_FORMATS.values()}}},
        tags=["Handouts"],
    )
    async def render_edited(
        request: Request,
        format: Annotated[HandoutFormat, Query(description="The handout format to render.")] = HandoutFormat.html,
    ) -> Response:
        """A handout's JSON (as /v1/handout gave it, corrected by a person) rendered again, without the model:
        what `translate render` does. A changed translation is marked as revised; a changed source is refused."""
        body = await request.body()
        document = await run_in_threadpool(document_from_json, body, "the handout sent")
        return await handout_response(document, format.value)
