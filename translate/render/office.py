"""DOCX handouts (python-docx): the summary on top, then a two-column table a teacher can edit.

Everything is formatted through named styles ("Handout Swedish", "Handout English",
"Handout Summary", "Handout Note", "Handout Flagged"), not direct formatting, so a
teacher changes the look of the whole handout in Word's style pane. The Swedish and English
styles carry their language, so Word's spelling check and hyphenation use the right one.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from translate.document import Document, Paragraph, Sentence, citation
from translate.fidelity.guard import FLAG_EXPLANATIONS, explain
from translate.render.footer import footer_text
from translate.render.templated import has_list_marker


def _language(style: Any, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    properties.append(lang)


def _styles(docx: Any, font_size: float) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt, RGBColor

    styles = docx.styles
    styles["Normal"].font.size = Pt(font_size)  # every handout style is based on Normal
    swedish = styles.add_style("Handout Swedish", WD_STYLE_TYPE.PARAGRAPH)
    swedish.base_style = styles["Normal"]
    _language(swedish, "sv-SE")
    english = styles.add_style("Handout English", WD_STYLE_TYPE.PARAGRAPH)
    english.base_style = styles["Normal"]
    _language(english, "en-GB")
    summary = styles.add_style("Handout Summary", WD_STYLE_TYPE.PARAGRAPH)
    summary.base_style = english
    summary.font.italic = True
    summary.paragraph_format.space_after = Pt(12)
    note = styles.add_style("Handout Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.size = Pt(8)
    note.font.color.rgb = RGBColor(0x6E, 0x6E, 0x73)
    flagged = styles.add_style("Handout Flagged", WD_STYLE_TYPE.CHARACTER)
    flagged.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _repeat_header(row: Any) -> None:
    """The column heads repeat on every printed page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _bullet(paragraph: Paragraph, text: str | None) -> str:
    """A list item's bullet, unless its text brings its own marker ("- 50 g jäst", "1. Smält smöret")."""
    return "• " if paragraph.kind == "list-item" and not has_list_marker(text) else ""


PAPER_CM = {"a4": (21.0, 29.7), "letter": (21.59, 27.94)}


def _paper(docx: Any, paper: str) -> None:
    """The page size with 2 cm margins: python-docx's template is US Letter, and a Swedish handout prints on A4."""
    from docx.shared import Cm

    width, height = PAPER_CM[paper]
    for section in docx.sections:
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)


def _two_column_table(docx: Any) -> Any:
    """A Svenska/English table whose header row repeats on every page."""
    table = docx.add_table(rows=1, cols=2)
    table.style = docx.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, ("Svenska", "English")):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = docx.styles["Heading 3"]
    _repeat_header(table.rows[0])
    return table


class _Footnotes:
    """Word footnotes, which python-docx cannot make: a footnotes part, and a reference run for each note.

    A printed page cannot hover, so each flagged sentence's reason is a footnote on its page.
    """

    def __init__(self, docx: Any) -> None:
        self.docx = docx
        self.notes: list[str] = []

    def reference(self, paragraph: Any, text: str) -> None:
        from docx.oxml import parse_xml

        self.notes.append(text)
        paragraph._p.append(
            parse_xml(
                f'<w:r {_W_NS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{len(self.notes)}"/></w:r>'
            )
        )

    def write(self) -> None:
        """Add the footnotes part (separators first, as Word expects) when there is a note."""
        if not self.notes:
            return
        from xml.sax.saxutils import escape

        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        notes = "".join(
            f'<w:footnote w:id="{i}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
            for i, text in enumerate(self.notes, 1)
        )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {_W_NS}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            f"</w:footnote>{notes}</w:footnotes>"
        )
        document_part = self.docx.part
        part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CONTENT_TYPE, xml.encode("utf-8"), document_part.package)
        document_part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _english_runs(
    docx: Any, target: Any, paragraph: Paragraph, sentences: list[Sentence], footnotes: _Footnotes
) -> None:
    """The English of some of a paragraph's sentences into a Word paragraph, flagged ones in their style
    and with their reason as a footnote."""
    bullet = _bullet(paragraph, paragraph.translation)
    if bullet:
        target.add_run(bullet)
    for number, sentence in enumerate(sentences):
        run = target.add_run(("" if number == 0 else " ") + (sentence.translation or ""))
        if sentence.needs_check:
            run.style = docx.styles["Handout Flagged"]
            footnotes.reference(target, explain(sentence.flags) + ".")


def _units(paragraph: Paragraph, label: str, layout: str) -> list[tuple[str, list[Sentence]]]:
    """(number, sentences) per row: the paragraph whole, or each sentence numbered "§3.2"."""
    if layout == "paragraphs" or paragraph.kind == "code":
        return [(label, paragraph.sentences)]
    return [(citation(label, i, len(paragraph.sentences)), [s]) for i, s in enumerate(paragraph.sentences, 1)]


def _pairs(docx: Any, document: Document, paragraphs: list[Paragraph], prefix: str, footnotes: _Footnotes) -> None:
    """The pairs in the document's layout: a two-column table (paragraphs, sentences) or lines (interlinear)."""
    from docx.shared import Cm

    layout = document.handout.layout
    table = _two_column_table(docx) if layout != "interlinear" else None
    for index, paragraph in enumerate(paragraphs, 1):
        for number, sentences in _units(paragraph, f"{prefix}{index}", layout):
            source = " ".join(s.source for s in sentences)
            if table is not None:
                swedish_cell, english_cell = table.add_row().cells
                swedish, english = swedish_cell.paragraphs[0], english_cell.paragraphs[0]
            else:
                swedish, english = docx.add_paragraph(), docx.add_paragraph()
                english.paragraph_format.left_indent = Cm(0.8)
            swedish.style = docx.styles["Handout Swedish"]
            swedish.add_run(f"{number} ").bold = True
            swedish.add_run(_bullet(paragraph, source) + source)
            english.style = docx.styles["Handout English"]
            if document.handout.hide_english:
                english.add_run("_" * 40)  # a line to write the English on
            else:
                _english_runs(docx, english, paragraph, sentences, footnotes)


def render_docx(document: Document) -> bytes:
    from docx import Document as WordDocument

    docx = WordDocument()
    _styles(docx, document.handout.font_size)
    _paper(docx, document.handout.paper)
    # What Word's File > Info, a file manager and a search index show as the document's title.
    docx.core_properties.title = document.title.source if document.title else document.input
    docx.core_properties.subject = "Swedish-English handout"
    docx.core_properties.language = "sv-SE"
    if document.title:
        docx.add_paragraph(document.title.source, style="Title")
        docx.add_paragraph(document.title.translation or "", style="Subtitle")
    else:
        docx.add_paragraph(document.input, style="Title")
    if document.summary:
        docx.add_paragraph("Summary", style="Heading 2")
        docx.add_paragraph(document.summary.text, style="Handout Summary")
    flagged = [s for s in document.all_sentences() if s.needs_check]
    if flagged:
        reasons = sorted({FLAG_EXPLANATIONS.get(f, f) for s in flagged for f in s.flags})
        docx.add_paragraph(
            f"{len(flagged)} translated sentence(s) are highlighted for checking: {'; '.join(reasons)}.",
            style="Handout Note",
        )
    footnotes = _Footnotes(docx)
    _pairs(docx, document, document.paragraphs, "§", footnotes)
    if document.comments:
        docx.add_paragraph("Comments", style="Heading 2")
        _pairs(docx, document, document.comments, "c", footnotes)
    review = document.to_check()
    if review:
        # Word has no hover: the flagged sentences are listed at the end with their reasons.
        docx.add_paragraph("To check", style="Heading 2")
        for _, label, sentence in review:
            item = docx.add_paragraph(style="List Number")
            item.add_run(f"{label} ").bold = True
            item.add_run(sentence.translation or "")
            item.add_run(f" ({explain(sentence.flags)})").italic = True
    if document.vocabulary:
        docx.add_paragraph("Vocabulary", style="Heading 2")
        table = _two_column_table(docx)
        for entry in document.vocabulary:
            swedish, english = table.add_row().cells
            swedish.paragraphs[0].text = entry.swedish
            swedish.paragraphs[0].style = docx.styles["Handout Swedish"]
            english.paragraphs[0].text = entry.english
            english.paragraphs[0].style = docx.styles["Handout English"]
    footer = docx.sections[0].footer.paragraphs[0]
    footer.text = footer_text(document, date.today().isoformat())
    footer.style = docx.styles["Handout Note"]
    footnotes.write()
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
