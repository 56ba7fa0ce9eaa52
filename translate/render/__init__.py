"""Rendering: a translated Document as a handout in any format (the table in render/formats.py), or what cleaning kept.

HTML and Markdown come from Jinja2 templates (templated.py), JSON from Document.to_dict();
PDF is the HTML laid out by WeasyPrint (pdf.py), DOCX is built by office.py and TMX/XLIFF
by exchange.py. output.py writes any of them atomically.
"""

from __future__ import annotations

from translate.document import Document
from translate.errors import ConfigError
from translate.render.formats import FORMATS, HANDOUT_FORMATS, HandoutFormat, handout_format
from translate.render.templated import render_clean_json, render_clean_text

CLEAN_FORMATS = ("text", "json")


def render(document: Document, fmt: str = "html") -> str | bytes:
    """The handout in the given format: text, or bytes for PDF and DOCX."""
    return handout_format(fmt).render(document)


def render_clean(document: Document, fmt: str = "text") -> str:
    """What ``translate clean`` shows: kept paragraphs with their sentences, and each drop with its reason."""
    if fmt == "json":
        return render_clean_json(document)
    if fmt == "text":
        return render_clean_text(document)
    raise ConfigError(f"Unknown format '{fmt}': use one of {', '.join(CLEAN_FORMATS)}.")


__all__ = ["CLEAN_FORMATS", "FORMATS", "HANDOUT_FORMATS", "HandoutFormat", "handout_format", "render", "render_clean"]
