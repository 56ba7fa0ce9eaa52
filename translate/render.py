"""Rendering: turn a translated Document into a handout (HTML, Markdown or JSON), or show what cleaning kept."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from translate.document import Document
from translate.errors import ConfigError
from translate.fidelity import FLAG_EXPLANATIONS

FORMATS = ("html", "md", "json")
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


def _context(document: Document) -> dict[str, Any]:
    return {
        "doc": document,
        "today": date.today().isoformat(),
        "flag_explanations": FLAG_EXPLANATIONS,
    }


def render(document: Document, fmt: str = "html") -> str:
    """The handout as a string in the given format."""
    if fmt == "json":
        return json.dumps(document.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _environment().get_template("handout.html").render(**_context(document))
    if fmt == "md":
        return _environment().get_template("handout.md").render(**_context(document))
    raise ConfigError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")


def render_clean(document: Document, fmt: str = "text") -> str:
    """What ``translate clean`` shows: kept paragraphs with their sentences, and each drop with its reason."""
    if fmt == "json":
        return json.dumps(document.to_clean_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        return _environment().get_template("clean.txt").render(**_context(document))
    raise ConfigError(f"Unknown format '{fmt}': use one of {', '.join(CLEAN_FORMATS)}.")
