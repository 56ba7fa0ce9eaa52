"""Documents as posts: a DOCX, an ODT, an EPUB and a text PDF, each made by its own library as a word processor
would save it, give a handout with every paragraph, and a translated copy that opens in its own library with
its structure kept (headings, lists, tables)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PARAGRAPHS = [
    "Det har snöat i tre dagar nu, och hela byn ligger under ett tjockt vitt täcke.",
    "Kommunen har lovat att ploga vägarna före klockan sju varje morgon.",
    "I morgon ska vi åka skidor om vädret tillåter.",
]
ITEMS = ["50 g jäst", "2 dl mjölk"]
TITLE = "Vintern i Norrland"


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Snön", level=1)
    document.add_paragraph(PARAGRAPHS[0])
    for item in ITEMS:
        document.add_paragraph(item, style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = PARAGRAPHS[1], PARAGRAPHS[2]
    document.save(path)
    return path


def make_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Snön"))
    for paragraph in PARAGRAPHS:
        document.text.addElement(P(text=paragraph))
    items = List()
    for item in ITEMS:
        entry = ListItem()
        entry.addElement(P(text=item))
        items.addElement(entry)
    document.text.addElement(items)
    document.save(str(path))
    return path


def make_epub(path: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title(TITLE)
    book.set_language("sv")
    chapters = []
    for number, (paragraph, item) in enumerate(zip(PARAGRAPHS[:2], ITEMS), 1):
        chapter = epub.EpubHtml(title=f"Kapitel {number}", file_name=f"c{number}.xhtml", lang="sv")
        chapter.content = (
            f"<html><body><h1>Kapitel {number}</h1><p>{paragraph}</p><ul><li>{item}</li></ul></body></html>"
        )
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc, book.spine = chapters, chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    epub.write_epub(str(path), book)
    return path


def make_pdf(path: Path) -> Path:
    import weasyprint

    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 3)
    html = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>{body}</body></html>"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


MAKERS = {"docx": make_docx, "odt": make_odt, "epub": make_epub, "pdf": make_pdf}
# What each file holds, in reading order (the EPUB's chapters have a paragraph and an item each).
EXPECTED = {
    "docx": ["Snön", PARAGRAPHS[0], *ITEMS, PARAGRAPHS[1], PARAGRAPHS[2]],
    "odt": ["Snön", *PARAGRAPHS, *ITEMS],
    "epub": ["Kapitel 1", PARAGRAPHS[0], ITEMS[0], "Kapitel 2", PARAGRAPHS[1], ITEMS[1]],
    "pdf": PARAGRAPHS * 3,
}


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_a_document_gives_a_handout_with_every_paragraph(cli, tmp_path: Path, fake_config: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    post = MAKERS[fmt](tmp_path / f"post.{fmt}")
    out = tmp_path / "handout.json"
    result = cli("run", post, "--config", fake_config, "-s", "none", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    handout = json.loads(out.read_text(encoding="utf-8"))
    assert [p["source"] for p in handout["paragraphs"]] == EXPECTED[fmt]
    if fmt != "odt":  # the ODT here names no title
        assert handout["title"]["source"] == TITLE


def _copy_texts(fmt: str, path: Path) -> list[tuple[str, str]]:
    """(kind, text) of the copy, read back by its own library."""
    if fmt == "docx":
        import docx

        from translate.text.documents import docx_paragraphs

        copy = docx.Document(str(path))
        return [(p.style.name, p.text) for p in docx_paragraphs(copy) if p.text.strip()]
    if fmt == "odt":
        from odf import teletype
        from odf.opendocument import load

        from translate.text.documents import odt_paragraphs

        return [(kind, teletype.extractText(e)) for e, kind, _ in odt_paragraphs(load(str(path)))]
    if fmt == "epub":
        from translate.text.documents import read_epub_chapters

        book, chapters = read_epub_chapters(path.read_bytes())
        assert book.language == "en"
        return [(b.kind, b.text) for _, blocks in chapters for b in blocks]
    from pypdf import PdfReader

    return [("page", page.extract_text()) for page in PdfReader(str(path)).pages]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_a_translated_copy_opens_in_its_own_library_with_its_structure(
    cli, tmp_path: Path, fake_config: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    post = MAKERS[fmt](tmp_path / f"post.{fmt}")
    result = cli("run", post, "--config", fake_config, "-s", "none", "--output-mode", "translated", "-q")
    assert result.exit_code == 0, result.output
    copy = tmp_path / f"post.en.{fmt}"
    texts = _copy_texts(fmt, copy)
    joined = " ".join(text for _, text in texts)
    assert "snöat" not in joined and "mjölk" not in joined  # English only (the fake engine reverses words)
    assert fmt == "pdf" or "klöjm" in joined  # "mjölk" through the fake engine
    kinds = [kind for kind, _ in texts]
    if fmt == "docx":
        assert kinds == ["Title", "Heading 1", "Normal", "List Bullet", "List Bullet", "Normal", "Normal"]
    elif fmt == "odt":
        assert kinds == ["heading", "paragraph", "paragraph", "paragraph", "list-item", "list-item"]
    elif fmt == "epub":
        assert kinds == ["heading", "paragraph", "list-item"] * 2
    else:
        assert len(texts) >= 1 and joined.count("ttiv") == 3  # "vitt", once per copy of the first paragraph


def _translated_docx(tmp_path: Path, fake_config: Path, name: str):  # type: ignore[no-untyped-def]
    """A DOCX post sent to /translate_file as ``name``, and the download of its translated copy."""
    from fastapi.testclient import TestClient

    from translate import ModelOptions, PipelineOptions
    from translate.options import MemoryOptions
    from translate.server import ServerOptions, create_app
    from translate.service import ServiceOptions, TranslationService

    service = TranslationService(
        PipelineOptions(models=ModelOptions(summarizer="none", config=fake_config)),
        ServiceOptions(memory=MemoryOptions(enabled=False)),
    )
    with TestClient(create_app(service, ServerOptions(files_dir=tmp_path / "files"))) as client:
        post = make_docx(tmp_path / "post.docx")
        answer = client.post(
            "/translate_file", files={"file": (name, post.read_bytes())}, data={"source": "sv", "target": "en"}
        )
        assert answer.status_code == 200, answer.text
        return client.get(answer.json()["translatedFileUrl"].replace("http://testserver", ""))


def test_translate_file_takes_a_docx_and_gives_one_back(tmp_path: Path, fake_config: Path) -> None:
    download = _translated_docx(tmp_path, fake_config, "post.docx")
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/vnd.openxml")
    (tmp_path / "back.docx").write_bytes(download.content)
    assert _copy_texts("docx", tmp_path / "back.docx")[1] == ("Heading 1", "nönS")


def test_a_translated_file_with_a_non_ascii_name_downloads(tmp_path: Path, fake_config: Path) -> None:
    # A header is Latin-1: "Łódź.docx" written into Content-Disposition as it is made the download a 500.
    download = _translated_docx(tmp_path, fake_config, "Łódź.docx")
    assert download.status_code == 200
    header = download.headers["content-disposition"]
    assert header.startswith('attachment; filename="__d_.docx"')
    assert "filename*=UTF-8''%C5%81%C3%B3d%C5%BA.docx" in header


def test_a_scanned_pdf_says_so(cli, tmp_path: Path, fake_config: Path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(tmp_path / "scan.pdf", "wb") as handle:
        writer.write(handle)
    result = cli("run", tmp_path / "scan.pdf", "--config", fake_config, "-s", "none")
    assert result.exit_code == 2 and "scan" in result.stderr


def test_a_damaged_document_fails_with_its_name(cli, tmp_path: Path, fake_config: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    result = cli("run", broken, "--config", fake_config, "-s", "none")
    assert result.exit_code == 2, result.output
    assert "broken.docx" in result.stderr and "Traceback" not in result.stderr
