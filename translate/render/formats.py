"""The one table of handout formats: name, file extension, media type, text or bytes, and the function that makes it.

The CLI's --format, output file names, batch validation and the server's ?format= and
Content-Type all read this table, so a format is added in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from translate.document import Document
from translate.errors import ConfigError
from translate.render.exchange import render_tmx, render_xliff
from translate.render.office import render_docx
from translate.render.pdf import pdf_available, render_pdf
from translate.render.templated import render_html, render_json, render_markdown


@dataclass(frozen=True)
class HandoutFormatInfo:
    name: str
    extension: str  # of the file written, dot included
    media_type: str  # what the server sends as Content-Type
    binary: bool  # the renderer returns bytes (else text, written as UTF-8)
    render: Callable[[Document], str | bytes]
    # None when the format can be made here, else what to install (PDF needs an extra and Pango).
    missing: Callable[[], str | None] = lambda: None


DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

HANDOUT_FORMATS: dict[str, HandoutFormatInfo] = {
    info.name: info
    for info in (
        HandoutFormatInfo("html", ".html", "text/html; charset=utf-8", False, render_html),
        HandoutFormatInfo("md", ".md", "text/markdown; charset=utf-8", False, render_markdown),
        HandoutFormatInfo("json", ".json", "application/json", False, render_json),
        HandoutFormatInfo("pdf", ".pdf", "application/pdf", True, render_pdf, pdf_available),
        HandoutFormatInfo("docx", ".docx", DOCX_MEDIA_TYPE, True, render_docx),
        HandoutFormatInfo("tmx", ".tmx", "application/x-tmx+xml", False, render_tmx),
        HandoutFormatInfo("xliff", ".xlf", "application/xliff+xml", False, render_xliff),
    )
}

# Every handout format as an Enum, for the CLI's --format and the server's ?format= (both list the choices).
HandoutFormat = Enum(  # type: ignore[misc]
    "HandoutFormat", [(name, name) for name in HANDOUT_FORMATS], type=str, module=__name__
)

FORMATS: tuple[str, ...] = tuple(HANDOUT_FORMATS)


def handout_format(name: str) -> HandoutFormatInfo:
    """The format by name; ConfigError naming the known ones otherwise."""
    try:
        return HANDOUT_FORMATS[name]
    except KeyError:
        raise ConfigError(f"Unknown format '{name}': use one of {', '.join(FORMATS)}.") from None


def usable_format(name: str) -> HandoutFormatInfo:
    """The format by name, checked to be makeable here: a missing PDF extra is found before the work, not after."""
    info = handout_format(name)
    missing = info.missing()
    if missing:
        raise ConfigError(missing)
    return info
