"""TMX 1.4 and XLIFF 2.0: the translation as sentence-aligned units (Swedish source, English target) for CAT tools.

OmegaT, Trados and memoQ import either. Each unit records its document and paragraph, and a
sentence the fidelity guard flagged carries a note saying why. Code blocks are not
translated, so they are left out. ElementTree does the escaping, so any text from a post
is safe in the XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from translate.document import Document, Paragraph, Sentence
from translate.fidelity.guard import explain
from translate.version import __version__

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
# XLIFF 2.0's Translation Candidates module: where the model's own translation is kept, so
# that a reviser's change to the target can be told apart when the file comes back.
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"
# A group's kind ("sv2en:heading"), in the prefix:value form XLIFF 2.0 gives the type attribute.
KIND_PREFIX = "sv2en:"


def _units(document: Document) -> Iterator[tuple[str, str, Paragraph, list[tuple[str, Sentence]]]]:
    """(group id, group name, paragraph, [(unit id, sentence)]) in reading order."""
    groups: list[tuple[str, str, Paragraph]] = []
    if document.title:
        groups.append(("title", "title", document.title))
    groups += [(f"p{i}", f"paragraph {i}", p) for i, p in enumerate(document.paragraphs, 1)]
    groups += [(f"c{i}", f"comment {i}", p) for i, p in enumerate(document.comments or [], 1)]
    for group_id, name, paragraph in groups:
        if paragraph.kind == "code":
            continue
        yield group_id, name, paragraph, [(f"{group_id}-s{i}", s) for i, s in enumerate(paragraph.sentences, 1)]


def render_tmx(document: Document) -> str:
    tmx = ET.Element("tmx", version="1.4")
    header = {
        "creationtool": "sv2en-handout",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "sv2en-handout",
        "adminlang": "en",
        "srclang": "sv",
        "datatype": "plaintext",
    }
    ET.SubElement(tmx, "header", header)
    body = ET.SubElement(tmx, "body")
    for _, name, _, sentences in _units(document):
        for unit_id, sentence in sentences:
            tu = ET.SubElement(body, "tu", tuid=unit_id)
            if sentence.flags:
                ET.SubElement(tu, "note").text = f"Check this translation: {explain(sentence.flags)}."
            ET.SubElement(tu, "prop", type="x-document").text = document.input
            ET.SubElement(tu, "prop", type="x-paragraph").text = name
            for lang, text in (("sv", sentence.source), ("en", sentence.translation or "")):
                tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
                ET.SubElement(tuv, "seg").text = text
    ET.indent(tmx)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tmx, encoding="unicode") + "\n"


def render_xliff(document: Document) -> str:
    ET.register_namespace("", XLIFF_NS)
    ET.register_namespace("mtc", MTC_NS)

    def q(tag: str, namespace: str = XLIFF_NS) -> str:
        return f"{{{namespace}}}{tag}"

    xliff = ET.Element(q("xliff"), version="2.0", srcLang="sv", trgLang="en")
    file = ET.SubElement(xliff, q("file"), id="f1", original=document.input)
    for group_id, name, paragraph, sentences in _units(document):
        group = ET.SubElement(file, q("group"), id=group_id, name=name)
        if paragraph.kind != "paragraph":
            group.set("type", KIND_PREFIX + paragraph.kind)
        for unit_id, sentence in sentences:
            unit = ET.SubElement(group, q("unit"), id=unit_id)
            if sentence.machine is not None:
                # The module's elements come before the unit's notes and segments (XLIFF 2.0, 4.2.2.3).
                matches = ET.SubElement(unit, q("matches", MTC_NS))
                match = ET.SubElement(matches, q("match", MTC_NS), ref=f"#{unit_id}-seg", type="mt")
                match.set("origin", document.translation_model or "machine translation")
                ET.SubElement(match, q("source")).text = sentence.source
                ET.SubElement(match, q("target")).text = sentence.machine
            if sentence.flags:
                notes = ET.SubElement(unit, q("notes"))
                ET.SubElement(
                    notes, q("note"), category="fidelity"
                ).text = f"Check this translation: {explain(sentence.flags)}."
            state = "reviewed" if sentence.revised else "translated"
            segment = ET.SubElement(unit, q("segment"), id=f"{unit_id}-seg", state=state)
            ET.SubElement(segment, q("source")).text = sentence.source
            ET.SubElement(segment, q("target")).text = sentence.translation or ""
    ET.indent(xliff)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(xliff, encoding="unicode") + "\n"
