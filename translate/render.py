"""Rendering: turn a translated Document into a handout in any format, or show what cleaning kept.

HTML and Markdown come from Jinja2 templates, JSON from Document.to_dict(); PDF is the HTML
laid out by WeasyPrint, DOCX is built by office.py and TMX/XLIFF by exchange.py.
"""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

from translate.document import Document
from translate.errors import ConfigError
from translate.fidelity import FLAG_EXPLANATIONS


class HandoutFormat(str, Enum):
    """Every handout format; the CLI's --format and the server's ?format= both take these."""

    html = "html"
    md = "md"
    json = "json"
    pdf = "pdf"
    docx = "docx"
    tmx = "tmx"
    xliff = "xliff"


FORMATS = tuple(f.value for f in HandoutFormat)
BINARY_FORMATS = ("pdf", "docx")
CLEAN_FORMATS = ("text", "json")


@lru_cache(maxsize=1)
def _environment():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    # Autoescaping is what keeps a post containing "<script>" from running in the handout.
    return Environment(
        loader=PackageLoader("translate", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def footer_text(document: Document, today: str) -> str:
    """Source, date, models and settings: what every handout format says at the bottom."""
    parts = [f"Source: {document.input}", today, f"translation: {document.translation_model}"]
    if document.settings:
        parts.append(", ".join(f"{key} {value}" for key, value in document.settings.items()))
    if document.summary:
        parts.append(f"summary: {document.summary.method} ({document.summary.model})")
    return " · ".join(parts)


def _context(document: Document) -> dict[str, Any]:
    today = date.today().isoformat()
    return {
        "doc": document,
        "today": today,
        "footer": footer_text(document, today),
        "flag_explanations": FLAG_EXPLANATIONS,
    }


def render(document: Document, fmt: str = "html") -> str | bytes:
    """The handout in the given format: text, or bytes for PDF and DOCX."""
    if fmt == "json":
        return json.dumps(document.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _environment().get_template("handout.html").render(**_context(document))
    if fmt == "md":
        return _environment().get_template("handout.md").render(**_context(document))
    if fmt == "pdf":
        return render_pdf(_environment().get_template("handout.html").render(**_context(document)))
    if fmt == "docx":
        from translate.office import render_docx

        return render_docx(document, date.today().isoformat())
    if fmt == "tmx":
        from translate import __version__
        from translate.exchange import render_tmx

        return render_tmx(document, __version__)
    if fmt == "xliff":
        from translate.exchange import render_xliff

        return render_xliff(document)
    raise ConfigError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")


def render_pdf(html: str) -> bytes:
    """The HTML handout laid out for print (its @media print rules, A4) by WeasyPrint."""
    import logging

    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise ConfigError(
            "PDF handouts need WeasyPrint and the Pango library: pip install 'sv2en-handout[pdf]', "
            "and on Debian/Ubuntu apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core "
            f"(on macOS: brew install pango). ({type(error).__name__}: {error})"
        ) from error
    # WeasyPrint logs every CSS property it ignores (screen-only rules); the PDF is fine without them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return bytes(HTML(string=html).write_pdf())


def render_clean(document: Document, fmt: str = "text") -> str:
    """What ``translate clean`` shows: kept paragraphs with their sentences, and each drop with its reason."""
    if fmt == "json":
        return json.dumps(document.to_clean_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        return _environment().get_template("clean.txt").render(**_context(document))
    raise ConfigError(f"Unknown format '{fmt}': use one of {', '.join(CLEAN_FORMATS)}.")
