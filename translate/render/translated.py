"""A translated copy: the post in English alone, in the format it came in (plain text, Markdown or HTML), its
blocks kept as they were (headings, list items, quotes, code), for /translate_file and LibreTranslate's clients."""

from __future__ import annotations

from markupsafe import escape

from translate.document import Document, Paragraph
from translate.render.templated import has_list_marker, markdown_text

# The formats a translated copy can be made in, by the extension of the file that came in.
TRANSLATED_COPY_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def _english(paragraph: Paragraph) -> str:
    return paragraph.source if paragraph.kind == "code" else (paragraph.translation or "")


def render_translated_copy(document: Document, fmt: str) -> str:
    """The document's English in ``fmt`` (txt, md or html)."""
    blocks = ([document.title] if document.title else []) + document.paragraphs
    if fmt == "txt":
        return "\n\n".join(_english(p) for p in blocks) + "\n"
    if fmt == "md":
        return "\n\n".join(_markdown_block(p, p is document.title) for p in blocks) + "\n"
    if fmt == "html":
        body = "\n".join(_html_block(p, p is document.title) for p in blocks)
        title = escape(_english(document.title)) if document.title else escape(document.input)
        return (
            f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>\n'
            f"<body>\n{_grouped_lists(body)}\n</body>\n</html>\n"
        )
    raise ValueError(f"no translated copy in {fmt}")


def _markdown_block(paragraph: Paragraph, is_title: bool) -> str:
    text = _english(paragraph)
    if is_title:
        return f"# {markdown_text(text)}"
    if paragraph.kind == "heading":
        return f"## {markdown_text(text)}"
    if paragraph.kind == "list-item":
        return markdown_text(text, "list-item") if has_list_marker(text) else f"- {markdown_text(text)}"
    if paragraph.kind == "quote":
        return f"> {markdown_text(text)}"
    if paragraph.kind == "code":
        fence = "```" if "```" not in text else "~~~~"
        return f"{fence}\n{text}\n{fence}"
    return markdown_text(text)


def _html_block(paragraph: Paragraph, is_title: bool) -> str:
    text = escape(_english(paragraph))
    if is_title:
        return f"<h1>{text}</h1>"
    tag = {"heading": "h2", "list-item": "li", "quote": "blockquote", "code": "pre"}.get(paragraph.kind, "p")
    return f"<{tag}>{text}</{tag}>"


def _grouped_lists(body: str) -> str:
    """Runs of <li> lines inside one <ul>."""
    lines, grouped, in_list = body.split("\n"), [], False
    for line in lines:
        if line.startswith("<li>") and not in_list:
            grouped.append("<ul>")
            in_list = True
        elif not line.startswith("<li>") and in_list:
            grouped.append("</ul>")
            in_list = False
        grouped.append(line)
    if in_list:
        grouped.append("</ul>")
    return "\n".join(grouped)
