"""The handouts made from Jinja2 templates (HTML, Markdown, and the text of `translate clean`), and JSON."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from translate.document import Document, citation
from translate.fidelity.guard import explain
from translate.render.footer import footer_text
from translate.text.blocks import LIST_ITEM


@lru_cache(maxsize=1)
def _environment():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    # Autoescaping is what keeps a post containing "<script>" from running in the handout.
    environment = Environment(
        loader=PackageLoader("translate.render", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["linkify"] = linkify
    environment.filters["explain"] = explain
    environment.filters["md"] = markdown_text
    environment.globals["code_fence"] = code_fence
    environment.globals["citation"] = citation
    # A list item that carries its own marker ("- 50 g jäst", "1. Smält smöret") gets no second one.
    environment.tests["marked"] = has_list_marker
    return environment


def has_list_marker(text: str | None) -> bool:
    return bool(LIST_ITEM.match(text or ""))


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+")
_URL_TAIL = ".,;:!?)]}»”’'\""


def linkify(text: str | None) -> Markup:
    """The text escaped for HTML, with its web addresses as links (a printed PDF keeps them clickable)."""
    text = text or ""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_URL_TAIL)
        end = match.start() + len(url)
        href = url if "://" in url else f"https://{url}"
        parts += [str(escape(text[position : match.start()])), f'<a href="{escape(href)}">{escape(url)}</a>']
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


# Characters CommonMark gives a meaning inline; a backslash makes each a literal one. "<" is the
# one that matters most: a post's text "<img onerror=...>" (or "&lt;img&gt;" decoded from an HTML
# post) would otherwise be raw HTML that a Markdown renderer passes through, live.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&~|])")
# What makes a line a heading, a quote, a list item or a rule at its start.
_MARKDOWN_LINE_START = re.compile(r"^(\s*)(#|>|[-+=]|\d{1,9}(?=[.)](?:\s|$)))")


def markdown_text(text: str | None, kind: str = "paragraph") -> str:
    """Text for a Markdown handout: shown as it is, never read as markup (emphasis, links, raw HTML, headings).

    A list item's own marker ("- 50 g jäst", "1. Smält smöret") is left a marker; in a code
    block nothing is escaped, since the fence around it is made longer than any backtick run.
    """
    text = text or ""
    if kind == "code":
        return text
    lines = []
    for number, line in enumerate(_MARKDOWN_INLINE.sub(r"\\\1", text).split("\n")):
        if not (kind == "list-item" and number == 0):
            line = _MARKDOWN_LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), line)
        lines.append(line)
    return "\n".join(lines)


def _escape_start(start: str) -> str:
    return start + "\\" if start.isdigit() else "\\" + start  # "2024." -> "2024\.", "#" -> "\#"


def code_fence(text: str | None) -> str:
    """A fence longer than the longest run of backticks in the code, so the code cannot close it."""
    runs = re.findall(r"`+", text or "")
    return "`" * max(3, 1 + max((len(r) for r in runs), default=0))


def _context(document: Document) -> dict[str, Any]:
    today = date.today().isoformat()
    return {
        "doc": document,
        "today": today,
        "footer": footer_text(document, today),
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
