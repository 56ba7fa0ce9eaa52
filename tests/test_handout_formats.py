"""Every handout format, made from a test post with the tiny models and read back with an independent reader."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE_POST

from translate import Document, EngineOptions, HandoutOptions, ModelOptions, Pipeline, PipelineOptions, render
from translate.document import Paragraph, Sentence, Summary
from translate.fidelity.vocabulary import STOPWORDS, characteristic_words

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture(scope="module")
def document(tiny_marian: Path, tiny_bart: Path) -> Document:
    options = PipelineOptions(
        models=ModelOptions(translation=str(tiny_marian), summarizer=str(tiny_bart)),
        engine=EngineOptions(device="cpu"),
        handout=HandoutOptions(vocab=6),
    )
    pipeline = Pipeline(options)
    return pipeline.run(SAMPLE_POST)


def _pairs(document: Document) -> list[tuple[str, str]]:
    """(Swedish, English) for every translated sentence, title included."""
    return [(s.source, s.translation or "") for p in document.all_paragraphs() if p.kind != "code" for s in p.sentences]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_pairs_every_sentence_and_is_self_contained(document: Document) -> None:
    html = str(render(document, "html"))
    parser = _Elements()
    parser.feed(html)
    spans: dict[str, list[str]] = {}
    for tag, attrs in parser.tags:
        if tag == "span" and attrs.get("data-s"):
            spans.setdefault(str(attrs["data-s"]), []).append(tag)
    body_sentences = sum(len(p.sentences) for p in document.paragraphs if p.kind != "code")
    assert len(spans) == body_sentences and all(len(v) == 2 for v in spans.values())
    assert {a.get("lang") for t, a in parser.tags if t == "p"} >= {"sv", "en"}
    # No fetches: no external scripts, styles, images or fonts.
    assert not [a for t, a in parser.tags if a.get("src") or (t == "link" and a.get("href"))]
    assert "@import" not in html and "url(" not in html
    assert [t for t, _ in parser.tags].count("script") == 1  # our sentence highlighter
    assert "Vocabulary" in html and all(entry.swedish in html for entry in document.vocabulary or [])
    footer = html[html.index("<footer>") :]
    assert str(SAMPLE_POST) in footer and "ctranslate2" in footer and "beams" in footer


def test_html_from_a_hostile_post_runs_nothing(cli, tmp_path: Path, tiny_marian: Path) -> None:  # type: ignore[no-untyped-def]
    post = tmp_path / "evil.txt"
    post.write_text(
        "Rubrik\n\nHär är <script>alert(1)</script> och <img src=x onerror=alert(2)> i texten.\n\n"
        'En länk <a href="javascript:alert(3)">klicka</a> också.\n',
        encoding="utf-8",
    )
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "-o", "-", "--input-format", "txt")
    assert result.exit_code == 0, result.output
    parser = _Elements()
    parser.feed(result.stdout)
    tags = [t for t, _ in parser.tags]
    assert "img" not in tags and tags.count("script") == 1
    # The handout's own links only: the review list's anchors and web addresses, never the post's javascript:.
    hrefs = [attrs.get("href") or "" for tag, attrs in parser.tags if tag == "a"]
    assert all(href.startswith(("#", "https://", "http://")) for href in hrefs), hrefs
    assert not any(name.startswith("on") for _, attrs in parser.tags for name in attrs)
    assert "&lt;img src=x onerror=alert(2)&gt;" in result.stdout


def test_pdf_holds_every_paragraph(document: Document) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # Pango missing from the system
        pytest.skip(f"WeasyPrint cannot run here: {error}")
    from pypdf import PdfReader

    pdf = render(document, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    # Join words hyphenated at line ends (WeasyPrint hyphenates Swedish with U+2010), then compare words.
    text = re.sub("[-\u2010\u00ad]\n", "", "\n".join(page.extract_text() for page in reader.pages))
    extracted = " ".join(_words(text))
    for paragraph in document.paragraphs:
        assert " ".join(_words(paragraph.source)) in extracted, paragraph.source[:40]
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4


def test_docx_is_a_two_column_table_with_styles(document: Document) -> None:
    from docx import Document as WordDocument

    docx = WordDocument(io.BytesIO(bytes(render(document, "docx"))))
    pairs_table = docx.tables[0]
    rows = [[cell.text for cell in row.cells] for row in pairs_table.rows]
    assert rows[0] == ["Svenska", "English"]
    # Each pair is numbered as a class cites it ("§3"), in a bold run before the Swedish.
    assert rows[1:] == [[f"§{i} {p.source}", p.translation] for i, p in enumerate(document.paragraphs, 1)]
    swedish_cell = pairs_table.rows[1].cells[0].paragraphs[0]
    english_cell = pairs_table.rows[1].cells[1].paragraphs[0]
    assert (swedish_cell.style.name, english_cell.style.name) == ("Handout Swedish", "Handout English")
    lang = swedish_cell.style.element.xpath(".//w:lang/@w:val")
    assert lang == ["sv-SE"]
    # Flagged sentences are marked with a character style, never with direct formatting.
    runs = [run for row in pairs_table.rows[1:] for run in row.cells[1].paragraphs[0].runs]
    assert all(run.font.highlight_color is None for run in runs)
    flagged = [s for p in document.paragraphs for s in p.sentences if s.flags]
    assert len([r for r in runs if r.style.name == "Handout Flagged"]) == len(flagged)
    texts = [p.text for p in docx.paragraphs]
    assert document.summary is not None and document.summary.text in texts
    assert str(SAMPLE_POST) in docx.sections[0].footer.paragraphs[0].text
    vocabulary = [[c.text for c in row.cells] for row in docx.tables[1].rows][1:]
    assert vocabulary == [[e.swedish, e.english] for e in document.vocabulary or []]
    section = docx.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4, not Letter
    assert document.title is not None and docx.core_properties.title == document.title.source


def test_tmx_holds_every_sentence_pair(document: Document) -> None:
    root = ET.fromstring(str(render(document, "tmx")))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.get("srclang") == "sv" and header.get("segtype") == "sentence"
    for attribute in ("creationtool", "creationtoolversion", "o-tmf", "adminlang", "datatype"):
        assert header.get(attribute)
    units = root.findall("body/tu")
    found = []
    for tu in units:
        children = [child.tag for child in tu]
        # TMX 1.4 order: notes and props first, then the variants.
        assert children.index("tuv") > max((i for i, c in enumerate(children) if c in ("note", "prop")), default=-1)
        by_lang = {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in tu.findall("tuv")}
        found.append((by_lang["sv"], by_lang["en"]))
        assert tu.find("prop[@type='x-document']").text == str(SAMPLE_POST)  # type: ignore[union-attr]
    assert found == _pairs(document)
    assert len({tu.get("tuid") for tu in units}) == len(units)


def test_xliff_holds_every_sentence_pair(document: Document) -> None:
    root = ET.fromstring(str(render(document, "xliff")))
    assert root.tag == f"{XLIFF}xliff" and root.get("version") == "2.0"
    assert (root.get("srcLang"), root.get("trgLang")) == ("sv", "en")
    file = root.find(f"{XLIFF}file")
    assert file is not None and file.get("original") == str(SAMPLE_POST) and file.get("id")
    units = file.findall(f"{XLIFF}group/{XLIFF}unit")
    found = [(u.findtext(f"{XLIFF}segment/{XLIFF}source"), u.findtext(f"{XLIFF}segment/{XLIFF}target")) for u in units]
    assert found == _pairs(document)
    for unit in units:
        children = [child.tag for child in unit]
        assert children[-1] == f"{XLIFF}segment" and children.count(f"{XLIFF}notes") <= 1
    assert len({u.get("id") for u in units}) == len(units)


def test_xml_formats_escape_markup_in_the_post() -> None:
    document = Document(
        input="a&b <post>.txt",
        title=None,
        paragraphs=[Paragraph([Sentence('Skriv <b>fet</b> & "citat" här.', 'Write <b>bold</b> & "quotes".')])],
    )
    for fmt in ("tmx", "xliff"):
        root = ET.fromstring(str(render(document, fmt)))
        texts = [element.text for element in root.iter() if element.text and "Skriv" in element.text]
        assert texts == ['Skriv <b>fet</b> & "citat" här.'], fmt


def test_markdown_renders_the_english_as_paragraphs_not_headings() -> None:
    """CommonMark reads a line of text followed by "---" as a setext heading; each pair must end in a blank line."""
    from markdown_it import MarkdownIt

    paragraphs = [
        Paragraph([Sentence("Första stycket.", "The first paragraph.")]),
        Paragraph([Sentence("En rubrik", "A heading")], kind="heading"),
        Paragraph([Sentence("Andra stycket.", "The second paragraph.", flags=["number changed"])]),
        Paragraph([Sentence("Sista stycket.", "The last paragraph.")]),
    ]
    document = Document(input="post.txt", title=Paragraph([Sentence("Titel", "Title")], kind="heading"),
                        paragraphs=paragraphs, comments=[Paragraph([Sentence("Bra!", "Good!")])])  # fmt: skip
    tokens = MarkdownIt("commonmark").parse(str(render(document, "md")))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Titel", "En rubrik", "A heading", "Comments", "To check"]
    texts = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    for english in ("The first paragraph.", "The second paragraph.", "The last paragraph.", "Good!"):
        assert english in texts
    assert sum(t.type == "hr" for t in tokens) == len(paragraphs) + 1 + 1  # a rule over each pair, and the footer's


def test_vocabulary_picks_repeated_content_words_not_names_or_function_words() -> None:
    document = Document(
        input="t",
        title=None,
        paragraphs=[
            Paragraph([Sentence("Allemansrätten gäller i skogen. Anna går i skogen med Anna och hunden.")]),
            Paragraph([Sentence("I skogen plockar vi svamp. Hunden springer."), Sentence("Svamp är gott.")]),
        ],
    )
    words = characteristic_words(document, 4)
    assert [w for w, _ in words][:2] == ["skogen", "hunden"]
    assert dict(words)["skogen"] == 3
    assert "anna" not in dict(words)  # a name: only ever capitalized inside a sentence
    assert not set(dict(words)) & STOPWORDS


def test_vocabulary_in_json_only_when_asked(cli, post: Path, tiny_marian: Path) -> None:  # type: ignore[no-untyped-def]
    plain = json.loads(cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-").stdout)
    assert "vocabulary" not in plain
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-", "--vocab", "5")
    entries = json.loads(result.stdout)["vocabulary"]
    assert 0 < len(entries) <= 5 and all(set(e) == {"sv", "en", "count"} and e["en"] for e in entries)


@pytest.mark.parametrize("fmt", ["docx", "tmx", "xliff"])
def test_cli_writes_each_format(cli, post: Path, tiny_marian: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", post, "-m", tiny_marian, "-s", "extractive", "-f", fmt)
    assert result.exit_code == 0, result.output
    suffix = {"xliff": ".xlf"}.get(fmt, f".{fmt}")
    written = post.with_name(f"post.handout{suffix}")
    assert written.is_file() and written.stat().st_size > 500
    assert written.stat().st_mode & 0o044  # readable by others, like any new file: it is for sharing


def test_batch_writes_several_formats(cli, tmp_path: Path, tiny_marian: Path) -> None:  # type: ignore[no-untyped-def]
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.txt").write_text(SAMPLE_POST.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    result = cli(
        "batch", posts, "-o", out, "-m", tiny_marian, "-s", "none", "-f", "docx", "-f", "tmx", "--no-memory",
        "--keep-comments", "--vocab", "3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "a.docx").is_file() and ET.parse(out / "a.tmx").getroot().tag == "tmx"


RECIPE_MD = (
    "# Bullar\n\nEtt recept från https://example.se/bullar som vi gillar.\n\n"
    "- 50 g jäst\n- 5 dl mjöl\n\n3. Smält smöret.\n4. Rör ner jästen.\n"
)
RECIPE_TXT = (
    "Bullar\n\nEtt recept från www.example.se som vi gillar.\n\n- 50 g jäst\n- 5 dl mjöl\n\n"
    "3. Smält smöret.\n4. Rör ner jästen.\n"
)


@pytest.mark.parametrize(("name", "text"), [("recept.md", RECIPE_MD), ("recept.txt", RECIPE_TXT)])
def test_list_items_get_one_marker_numbers_stay_and_addresses_are_links(
    cli, tmp_path: Path, fake_config: Path, name: str, text: str
) -> None:
    import docx
    from markdown_it import MarkdownIt

    post = tmp_path / name
    post.write_text(text, encoding="utf-8")
    for fmt in ("html", "md", "docx"):
        result = cli("run", post, "--config", fake_config, "-s", "none", "-o", tmp_path / f"h.{fmt}", "-q")
        assert result.exit_code == 0, result.output
    page = (tmp_path / "h.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="pair list-item"[^>]*>(.*?)</section>', page, re.DOTALL)
    sides = [
        side
        for section in sections
        for side in re.findall(r'<p lang="\w+"(?: data-n="[^"]*")?( class="marked")?><span[^>]*>([^<]*)', section)
    ]
    assert len(sides) == 8  # 4 items, Swedish and English: the CSS bullet goes only where the text has no marker
    assert all(bool(marked) == bool(re.match(r"(?:- |\d+\. )", text)) for marked, text in sides)
    assert ">3. Smält smöret.<" in page and ">4. Rör ner jästen.<" in page  # Markdown's numbers kept
    assert re.search(r'<a href="https://(?:www\.)?example\.se[^"]*">', page)
    tokens = MarkdownIt("commonmark").parse((tmp_path / "h.md").read_text(encoding="utf-8"))
    depth = deepest = 0
    for token in tokens:
        depth += token.nesting if token.type.endswith("_list_open") or token.type.endswith("_list_close") else 0
        deepest = max(deepest, depth)
    assert deepest == 1  # "- - 50 g" would be a list inside a list
    cells = [c.text for t in docx.Document(str(tmp_path / "h.docx")).tables for row in t.rows for c in row.cells]
    cells = [re.sub(r"^§\d+ ", "", c) for c in cells]  # the pair's number
    assert not [c for c in cells if re.match(r"• (?:- |\d+\. )", c)]
    assert sum(c.startswith(("• 50 g", "- 50 g")) for c in cells) == 2  # the Swedish cell and the English one


def _pdf_pages(document: Document) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(bytes(render(document, "pdf")))).pages]


def test_pdf_gives_each_flag_its_reason_in_a_footnote_and_never_strands_the_column_header() -> None:
    pytest.importorskip("weasyprint")
    flagged = Sentence("Vi såg 3 älgar.", "We saw elk.", flags=["number"])
    paragraphs = [Paragraph([Sentence(f"Stycke {i} handlar om skogen.", f"Paragraph {i} is about the forest.")])
                  for i in range(12)] + [Paragraph([flagged])]  # fmt: skip
    for words in range(400, 560, 40):  # summaries of growing length push the header down page 1
        summary = Summary(text=" ".join(["word"] * words), method="extractive", model="textrank")
        title = Paragraph([Sentence("Skogen", "The forest")], kind="heading")
        document = Document(input="post.txt", title=title, paragraphs=paragraphs, summary=summary)
        pages = _pdf_pages(document)
        # The header in the flow (the first one; later pages repeat it in their margin) stands on
        # the page of the first pair, not alone at the foot of the page before.
        first = next(i for i, page in enumerate(pages) if "SVENSKA" in page.upper())
        lines = [line.strip() for line in pages[first].splitlines() if line.strip()]
        header = next(i for i, line in enumerate(lines) if line.upper().startswith("SVENSKA"))
        assert any(line.startswith("§1") for line in lines[header + 1 :]), (words, lines[-3:])
        text = "\n".join(pages)
        assert "a number of the original is missing from the translation" in text
        assert "Hover over" not in text and "Each has a footnote" in text


def test_vocabulary_leaves_out_words_glossed_as_themselves() -> None:
    from translate.fidelity.vocabulary import build_vocabulary

    text = "Vi installerade linux på datorn. Datorn behövde information. Mer information om linux och datorn."
    document = Document(input="p.txt", title=None, paragraphs=[Paragraph([Sentence(s)]) for s in text.split(". ")])
    glosses = {"linux": "Linux", "information": "information.", "datorn": "the computer", "installerade": "installed"}
    entries = build_vocabulary(document, 3, lambda words: [glosses.get(w, w + "?") for w in words])
    assert [e.swedish for e in entries][:2] == ["datorn", "installerade"] and len(entries) <= 3
    assert not {"linux", "information"} & {e.swedish for e in entries}


def test_every_format_ends_with_what_to_check_and_why() -> None:
    import docx
    from markdown_it import MarkdownIt

    paragraphs = [
        Paragraph([Sentence("Vi gick.", "We went."), Sentence("Vi såg 3 älgar.", "We saw elk.", flags=["number"])]),
        Paragraph([Sentence("Kort.", "A very long translation of a short word.", flags=["length"])]),
        Paragraph([Sentence("Rättad.", "Corrected.", flags=["length"], machine="Wrong.")]),  # a person checked it
    ]
    document = Document(input="p.txt", title=None, paragraphs=paragraphs)
    assert [(label, s.translation) for _, label, s in document.to_check()] == [
        ("§1.2", "We saw elk."), ("§2", "A very long translation of a short word."),
    ]  # fmt: skip
    html = str(render(document, "html"))
    review = html.split('<section class="review">', 1)[1].split("</section>", 1)[0]
    assert review.count("<li>") == 2 and 'href="#p1-2"' in review and 'id="p1-2"' in html
    assert "a number of the original is missing" in review
    tokens = MarkdownIt("commonmark").parse(str(render(document, "md")))
    assert [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"] == ["p.txt", "To check"]
    word = docx.Document(io.BytesIO(bytes(render(document, "docx"))))
    texts = [p.text for p in word.paragraphs]
    assert texts[texts.index("To check") + 1].startswith("§1.2 We saw elk. (a number of the original")


def _layout_document(layout: str, hide_english: bool = False) -> Document:
    paragraphs = [
        Paragraph([Sentence("Vi gick.", "We went."), Sentence("Det regnade.", "It rained.")]),
        Paragraph([Sentence("En rubrik", "A heading")], kind="heading"),
        Paragraph([Sentence("- 50 g jäst", "- 50 g yeast")], kind="list-item"),
    ]
    options = PipelineOptions(handout=HandoutOptions(layout=layout, hide_english=hide_english))
    return Document(input="p.txt", title=None, paragraphs=paragraphs, options=options)


@pytest.mark.parametrize("layout", ["paragraphs", "sentences", "interlinear"])
def test_classroom_layouts_number_what_a_class_cites(layout: str) -> None:
    import docx
    from markdown_it import MarkdownIt

    document = _layout_document(layout)
    html = str(render(document, "html"))
    numbers = re.findall(r'data-n="([^"]+)"', html)
    expected = ["§1", "§2", "§3"] if layout == "paragraphs" else ["§1.1", "§1.2", "§2", "§3"]
    assert numbers == expected
    rows = re.findall(r'<section class="pair[^"]*"', html)
    assert len(rows) == {"paragraphs": 3, "sentences": 4, "interlinear": 0}[layout]
    assert ("columns-head" in html.split("<main>")[1]) == (layout != "interlinear")
    tokens = MarkdownIt("commonmark").parse(str(render(document, "md")))
    assert [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"][1:] == [
        "En rubrik", "A heading"
    ]  # fmt: skip
    word = docx.Document(io.BytesIO(bytes(render(document, "docx"))))
    if layout == "interlinear":
        texts = [p.text for p in word.paragraphs]
        assert "§1.1 Vi gick." in texts and texts[texts.index("§1.1 Vi gick.") + 1] == "We went."
    else:
        cells = [[c.text for c in row.cells] for row in word.tables[0].rows][1:]
        assert cells[0] == (["§1 Vi gick. Det regnade.", "We went. It rained."] if layout == "paragraphs"
                            else ["§1.1 Vi gick.", "We went."])  # fmt: skip


def test_an_exercise_sheet_leaves_the_english_empty(cli, tmp_path: Path, fake_config: Path) -> None:
    import docx

    document = _layout_document("sentences", hide_english=True)
    html = str(render(document, "html"))
    assert "We went." not in html and html.count('class="blank"') == 4
    assert "We went." not in str(render(document, "md"))
    cells = [
        [c.text for c in row.cells] for row in docx.Document(io.BytesIO(bytes(render(document, "docx")))).tables[0].rows
    ]
    assert all(english.strip("_") == "" for _, english in cells[1:])
    post = tmp_path / "p.txt"
    post.write_text("Rubrik\n\nVi gick hem. Det regnade.\n", encoding="utf-8")
    result = cli(
        "run", post, "--config", fake_config, "-s", "none", "--layout", "interlinear", "--hide", "english", "-o", "-"
    )
    assert result.exit_code == 0 and 'class="lines' in result.stdout and 'class="blank"' in result.stdout


def test_pdf_repeats_the_column_header_on_every_page() -> None:
    pytest.importorskip("weasyprint")
    paragraphs = [
        Paragraph([Sentence(f"Stycke {i} handlar om skogen och allt som finns där.", f"Paragraph {i} is about it.")])
        for i in range(60)
    ]
    pages = _pdf_pages(Document(input="p.txt", title=None, paragraphs=paragraphs))
    assert len(pages) >= 3
    assert [page.upper().count("SVENSKA") for page in pages] == [1] * len(pages)


def test_docx_gives_each_flagged_sentence_a_footnote_with_its_reason() -> None:
    import zipfile

    import docx

    paragraphs = [
        Paragraph([Sentence("Vi gick.", "We went."), Sentence("Vi såg 3 älgar.", "We saw elk.", flags=["number"])]),
        Paragraph([Sentence("Kort & gott.", "A very long translation of it.", flags=["length"])]),
        Paragraph([Sentence("Rättad.", "Corrected.", flags=["length"], machine="Wrong.")]),  # checked by a person
    ]
    data = bytes(render(Document(input="p.txt", title=None, paragraphs=paragraphs), "docx"))
    package = zipfile.ZipFile(io.BytesIO(data))
    notes = ET.fromstring(package.read("word/footnotes.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = [
        "".join(t.text or "" for t in note.iter(f"{w}t")).strip() for note in notes if note.get(f"{w}type") is None
    ]
    assert texts == [
        "a number of the original is missing from the translation, or was changed.",
        "the translation is much shorter or longer than the original.",
    ]
    body = ET.fromstring(package.read("word/document.xml"))
    assert [r.get(f"{w}id") for r in body.iter(f"{w}footnoteReference")] == ["1", "2"]
    assert "footnotes+xml" in package.read("[Content_Types].xml").decode()
    docx.Document(io.BytesIO(data))  # still opens
    plain = Document(input="p.txt", title=None, paragraphs=[Paragraph([Sentence("Vi gick.", "We went.")])])
    assert "word/footnotes.xml" not in zipfile.ZipFile(io.BytesIO(bytes(render(plain, "docx")))).namelist()
