"""Documents: office files and e-books as a title and typed blocks, like a post's (DOCX through python-docx, ODT
through odfpy, EPUB through ebooklib with its chapters read as pages, text PDFs through pypdf).

A document is the user's own text, not a web page: nothing in it is chrome, so every
paragraph is kept (the pipeline does not clean documents), in reading order, with its kind
(heading, list item, quote) where the format marks it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from translate.errors import InputError
from translate.text.blocks import Block, Kind, blocks_from_text, squash_whitespace

DOCUMENT_EXTENSIONS = {".docx": "docx", ".odt": "odt", ".epub": "epub", ".pdf": "pdf"}
DOCUMENT_FORMATS = tuple(sorted(set(DOCUMENT_EXTENSIONS.values())))


def document_format(name: str | None, data: bytes) -> str | None:
    """The document format of these bytes (by their signature, then the name's extension), or None for text."""
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        if mimetype == "application/epub+zip":
            return "epub"
        if mimetype == "application/vnd.oasis.opendocument.text":
            return "odt"
        if "word/document.xml" in names:
            return "docx"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
    return DOCUMENT_EXTENSIONS.get(suffix) if suffix in DOCUMENT_EXTENSIONS and data[:2] in (b"PK", b"%P") else None


def read_document(data: bytes, fmt: str, where: str) -> tuple[str | None, list[Block]]:
    """(title, blocks) of a document; InputError when the file is damaged or holds no text."""
    readers = {"docx": _read_docx, "odt": _read_odt, "epub": _read_epub, "pdf": _read_pdf}
    try:
        title, blocks = readers[fmt](data)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - each library has its own errors for a damaged file
        raise InputError(f"{where} could not be read as {fmt.upper()}: {type(error).__name__}: {error}") from error
    blocks = [b for b in blocks if b.text.strip()]
    if not blocks and not title:
        hint = " It may be a scan: this tool reads a PDF's text, not its pictures." if fmt == "pdf" else ""
        raise InputError(f"{where} holds no text to translate.{hint}")
    return title, blocks


# --- DOCX ------------------------------------------------------------------------------------


def _docx_kind(paragraph: Any) -> Kind | str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style == "Title":
        return "title"
    if style.startswith("Heading") or style.startswith("Rubrik"):
        return "heading"
    if style.startswith("List") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return "list-item"
    if "Quote" in style or "Citat" in style:
        return "quote"
    return "paragraph"


def docx_paragraphs(document: Any) -> Iterator[Any]:
    """Every paragraph of the body in reading order, a table's cell by cell (the same order the copy writes)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(element, document)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs


def _read_docx(data: bytes) -> tuple[str | None, list[Block]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    title: str | None = None
    blocks: list[Block] = []
    for paragraph in docx_paragraphs(document):
        text = squash_whitespace(paragraph.text)
        if not text:
            continue
        kind = _docx_kind(paragraph)
        if kind == "title" and title is None and not blocks:
            title = text
            continue
        blocks.append(Block(text, "heading" if kind == "title" else kind))  # type: ignore[arg-type]
    return title or (document.core_properties.title or None), blocks


# --- ODT -------------------------------------------------------------------------------------


def odt_paragraphs(document: Any) -> Iterator[tuple[Any, Kind, bool]]:
    """(element, kind, is_title) for every heading and paragraph of the text, in reading order."""
    from odf import teletype

    def visit(element: Any, kind: Kind) -> Iterator[tuple[Any, Kind, bool]]:
        for child in element.childNodes:
            name = getattr(child, "qname", (None, None))[1]
            if name == "h":
                yield child, "heading", False
            elif name == "p":
                style = child.getAttribute("stylename") or ""
                yield child, kind, style == "Title"
            elif name == "list-item":
                yield from visit(child, "list-item")
            elif name in ("list", "table", "table-row", "table-cell", "section", "table-header-rows", "div"):
                yield from visit(child, kind)

    for element, kind, is_title in visit(document.text, "paragraph"):
        if squash_whitespace(teletype.extractText(element)):
            yield element, kind, is_title


def _read_odt(data: bytes) -> tuple[str | None, list[Block]]:
    from odf import teletype
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    blocks: list[Block] = []
    title: str | None = None
    for element, kind, is_title in odt_paragraphs(document):
        text = squash_whitespace(teletype.extractText(element))
        if is_title and title is None and not blocks:
            title = text
        else:
            blocks.append(Block(text, kind))
    meta_title = None
    for element in document.meta.childNodes:
        if getattr(element, "qname", (None, None))[1] == "title":
            meta_title = teletype.extractText(element).strip() or None
    return title or meta_title, blocks


# --- EPUB ------------------------------------------------------------------------------------


def read_epub_chapters(data: bytes) -> tuple[Any, list[tuple[Any, list[Block]]]]:
    """The book, and each chapter of its spine (in reading order) with its blocks."""
    import warnings

    import ebooklib
    import lxml.html
    from ebooklib import epub

    from translate.text.landmarks import walk_blocks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ebooklib warns about options it will change one day
        book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    chapters = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        tree = lxml.html.fromstring(item.get_content(), parser=lxml.html.HTMLParser(huge_tree=True))
        body = tree.find(".//body")
        blocks = [b for b in walk_blocks(body if body is not None else tree) if b.text.strip()]
        chapters.append((item, blocks))
    return book, chapters


def _read_epub(data: bytes) -> tuple[str | None, list[Block]]:
    book, chapters = read_epub_chapters(data)
    titles = book.get_metadata("DC", "title")
    return (titles[0][0].strip() if titles and titles[0][0] else None), [b for _, blocks in chapters for b in blocks]


# --- PDF -------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:sida\s+)?\d{1,4}(?:\s*(?:/|av|of)\s*\d{1,4})?\s*$", re.IGNORECASE)


def _read_pdf(data: bytes) -> tuple[str | None, list[Block]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as error:  # noqa: BLE001
            raise InputError(f"the PDF is encrypted ({error}); save an unprotected copy.") from error
    # Layout mode keeps the vertical gaps between paragraphs as blank lines (the plain mode joins them all).
    pages = [(page.extract_text(extraction_mode="layout") or "") for page in reader.pages]
    lines_per_page = [
        [line.strip() for line in text.splitlines() if not (line.strip() and _PAGE_NUMBER.match(line))]
        for text in pages
    ]
    # A running header or footer repeats on most pages at the same place: not the text.
    repeated: set[str] = set()
    if len(pages) >= 3:
        for position in (0, -1):
            edge = [[ln for ln in lines if ln][position] for lines in lines_per_page if any(lines)]
            for line in set(edge):
                if line and edge.count(line) >= 0.6 * len(pages):
                    repeated.add(line)
    text = "\n\n".join("\n".join(ln for ln in lines if ln.strip() not in repeated) for lines in lines_per_page)
    # A word broken at a line end with a hyphen is one word.
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    metadata_title = (reader.metadata.title or "").strip() if reader.metadata else ""
    blocks = blocks_from_text(text)
    if blocks and metadata_title and squash_whitespace(blocks[0].text) == metadata_title:
        blocks = blocks[1:]  # the title, set as the first line as well
    return metadata_title or None, blocks
