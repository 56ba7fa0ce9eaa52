"""The handouts made from Jinja2 templates (HTML, Markdown, and the text of `translate clean`), and JSON."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from translate.document import Document
from translate.fidelity.guard import FLAG_EXPLANATIONS
from translate.render.footer import footer_text


@lru_cache(maxsize=1)
def _environment():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    # Autoescaping is what keeps a post containing "<script>" from running in the handout.
    return Environment(
        loader=PackageLoader("translate.render", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _context(document: Document) -> dict[str, Any]:
    today = date.today().isoformat()
    return {
        "doc": document,
        "today": today,
        "footer": footer_text(document, today),
        "flag_explanations": FLAG_EXPLANATIONS,
    }


def render_html(document: Document) -> str:
    """One self-contained HTML page: the two columns, the summary, print CSS."""
    return _environment().get_template("handout.html").render(**_context(document))


def render_markdown(document: Document) -> str:
    return _environment().get_template("handout.md").render(**_context(document))


def render_json(document: Document) -> str:
    """The JSON handout schema documented in the README (Document.to_dict)."""
    return json.dumps(document.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_clean_text(document: Document) -> str:
    """What `translate clean` shows: kept paragraphs with their sentences, and each drop with its reason."""
    return _environment().get_template("clean.txt").render(**_context(document))


def render_clean_json(document: Document) -> str:
    return json.dumps(document.to_clean_dict(), ensure_ascii=False, indent=2) + "\n"
