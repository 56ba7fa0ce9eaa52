"""A translated copy: the post in English alone, in the format it came in, its blocks kept as they were (headings,
list items, quotes, code): plain text, Markdown and HTML written anew; DOCX, ODT and EPUB as the original file with
its text replaced; a PDF as a new PDF. For /translate_file and `translate run --output-mode translated`."""

from __future__ import annotations

from markupsafe import escape

from translate.document import Document, Paragraph
from translate.errors import OutputError
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


# --- documents: the original file, its text replaced ----------------------------------------

DOCUMENT_COPY_EXTENSIONS = {"docx": ".docx", "odt": ".odt", "epub": ".epub", "pdf": ".pdf"}


def render_translated_document(document: Document) -> bytes:
    """The DOCX, ODT or EPUB the document was read from with its text in English, and every style, list and
    table in place; a PDF cannot be edited, so its copy is a new PDF of the same blocks."""
    fmt, original = document.original_format, document.original
    if fmt is None or original is None:
        raise OutputError(f"{document.input} was not read from a document file; its copy is .txt, .md or .html.")
    english = [(_english(p)) for p in ([document.title] if document.title else []) + document.paragraphs]
    if fmt == "docx":
        return _docx_copy(original, document, english)
    if fmt == "odt":
        return _odt_copy(original, document, english)
    if fmt == "epub":
        return _epub_copy(original, document)
    if fmt == "pdf":
        from translate.render.pdf import html_to_pdf

        return html_to_pdf(render_translated_copy(document, "html"))
    raise OutputError(f"No translated copy in {fmt}.")


def _aligned(units: list, texts: list[str], where: str) -> list:
    if len(units) != len(texts):
        # Reading and writing walk the file the same way; a difference means the file changed in between.
        raise OutputError(f"{where}: the document's paragraphs no longer match its translation; translate it again.")
    return list(zip(units, texts))


def _docx_copy(original: bytes, document: Document, english: list[str]) -> bytes:
    import io

    import docx

    from translate.text.documents import docx_paragraphs

    copy = docx.Document(io.BytesIO(original))
    paragraphs = [p for p in docx_paragraphs(copy) if p.text.strip()]
    if document.title and not (paragraphs and paragraphs[0].style is not None and paragraphs[0].style.name == "Title"):
        english = english[1:]  # a title from the file's properties, not one of its paragraphs
        copy.core_properties.title = _english(document.title)
    for paragraph, text in _aligned(paragraphs, english, document.input):
        runs = paragraph.runs
        if runs and "".join(r.text for r in runs) == paragraph.text:
            # The first run's font, bold and italic carry the whole translation: words cannot be
            # matched across languages run by run. The paragraph's style (heading, list) stays.
            runs[0].text = text
            for run in runs[1:]:
                run.text = ""
        else:
            paragraph.text = text  # text in hyperlinks or fields: the paragraph's style is kept
    copy.core_properties.language = "en"
    out = io.BytesIO()
    copy.save(out)
    return out.getvalue()


def _odt_copy(original: bytes, document: Document, english: list[str]) -> bytes:
    import io

    from odf.element import Element as OdfElement
    from odf.opendocument import load

    from translate.text.documents import odt_paragraphs

    copy = load(io.BytesIO(original))
    elements = [element for element, _, _ in odt_paragraphs(copy)]
    first_is_title = bool(elements) and (elements[0].getAttribute("stylename") or "") == "Title"
    if document.title and not first_is_title:
        english = english[1:]  # the title came from the file's metadata
    for element, text in _aligned(elements, english, document.input):
        # The element (heading, paragraph of a list item, cell) and its style stay; its spans go.
        for child in list(element.childNodes):
            if isinstance(child, OdfElement):
                element.removeChild(child)
            else:  # a text node: odfpy's removeChild expects elements only
                element.childNodes.remove(child)
        element.addText(text)
    out = io.BytesIO()
    copy.write(out)
    return out.getvalue()


def _epub_copy(original: bytes, document: Document) -> bytes:
    import io

    from ebooklib import epub

    from translate.text.documents import read_epub_chapters

    book, chapters = read_epub_chapters(original)
    paragraphs = iter(document.paragraphs)
    for item, blocks in chapters:
        translated = [next(paragraphs, None) for _ in blocks]
        if any(p is None for p in translated):
            raise OutputError(f"{document.input}: the book's chapters no longer match its translation.")
        body = "\n".join(_html_block(p, False) for p in translated if p is not None)
        item.content = (
            '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en" '
            f'xml:lang="en"><head><title>{escape(item.title or "")}</title></head>\n<body>\n'
            f"{_grouped_lists(body)}\n</body></html>"
        ).encode("utf-8")
    book.language = "en"
    if document.title:
        book.title = _english(document.title)
        book.metadata[epub.NAMESPACES["DC"]]["title"] = [(book.title, {})]
    _name_toc_entries(book.toc)
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def _name_toc_entries(entries: list, counter: list[int] | None = None) -> None:
    """ebooklib reads a table of contents into links without ids and cannot write those back: give each one."""
    counter = counter if counter is not None else [0]
    for entry in entries:
        node = entry[0] if isinstance(entry, tuple) else entry
        if getattr(node, "uid", "") is None:
            counter[0] += 1
            node.uid = f"toc-{counter[0]}"
        if isinstance(entry, tuple) and len(entry) > 1:
            _name_toc_entries(list(entry[1]), counter)


def translated_copy_extension(document: Document) -> str:
    """The extension of the document's translated copy: the one it came in (a post by URL: .html)."""
    if document.original_format:
        return DOCUMENT_COPY_EXTENSIONS[document.original_format]
    suffix = "." + document.input.rsplit(".", 1)[-1].lower() if "." in document.input else ""
    if suffix in TRANSLATED_COPY_FORMATS:
        return suffix
    return ".html" if document.origin is not None else ".txt"


def render_translated(document: Document) -> str | bytes:
    """The document's translated copy in its own format: text for txt, md and html, bytes for documents."""
    if document.original_format:
        return render_translated_document(document)
    return render_translated_copy(document, TRANSLATED_COPY_FORMATS[translated_copy_extension(document)])
