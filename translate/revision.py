"""A handout back from its reviser: a JSON handout or a revised XLIFF read into a Document again, corrections marked.

The tool's JSON keeps, for every sentence, the model's translation and a digest of the
Swedish it was made from; its XLIFF keeps the model's translation as a Translation
Candidates match beside the target. A translation that differs from the model's is a
person's correction and is rendered as revised. A source that no longer matches what was
translated is refused: a correction changes the English, not the Swedish, and a changed
post is a new post to translate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from translate.document import Document, Origin, Paragraph, Sentence, Summary, VocabularyEntry, source_digest
from translate.errors import InputError
from translate.fidelity.guard import FLAG_EXPLANATIONS
from translate.render.exchange import KIND_PREFIX, MTC_NS, XLIFF_NS
from translate.text.reading import read_bytes

KINDS = ("paragraph", "heading", "list-item", "quote", "code")


def load_revised(path: str | Path) -> Document:
    """The Document of a handout's JSON or XLIFF (by its content), with its corrections marked."""
    content = read_bytes(path)
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        return document_from_json(content, str(path))
    if head == b"<":
        return document_from_xliff(content, str(path))
    raise InputError(
        f"{path} is neither a JSON handout nor an XLIFF file of this tool (translate run -f json or -f xliff)."
    )


# --- JSON ----------------------------------------------------------------------------------------


def document_from_json(content: bytes, where: str) -> Document:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{where} is not readable JSON: {error}.") from error
    if not isinstance(data, dict) or not isinstance(data.get("paragraphs"), list):
        raise InputError(f'{where} is JSON but not a handout of this tool: it has no "paragraphs" list.')
    title = _json_paragraph(data["title"], f"{where}, title", "heading") if data.get("title") else None
    paragraphs = [_json_paragraph(p, f"{where}, paragraph {i}") for i, p in enumerate(data["paragraphs"], 1)]
    comments = data.get("comments")
    summary = data.get("summary")
    origin = data.get("origin")
    models = data.get("models") or {}
    document = Document(
        input=str(data.get("input") or where),
        title=title,
        paragraphs=paragraphs,
        comments=[_json_paragraph(c, f"{where}, comment {i}") for i, c in enumerate(comments, 1)]
        if isinstance(comments, list)
        else None,
        summary=Summary(str(summary["text"]), str(summary.get("method", "")), str(summary.get("model", "")))
        if isinstance(summary, dict) and summary.get("text")
        else None,
        translation_model=models.get("translation"),
        summarization_model=models.get("summarization"),
        origin=Origin(str(origin["url"]), origin.get("author"), origin.get("published"))
        if isinstance(origin, dict) and origin.get("url")
        else None,
    )
    vocabulary = data.get("vocabulary")
    if isinstance(vocabulary, list):
        document.vocabulary = [
            VocabularyEntry(str(e.get("sv", "")), str(e.get("en", "")), int(e.get("count", 0)))
            for e in vocabulary
            if isinstance(e, dict)
        ]
    document.stats.sentences = len(document.all_sentences())
    return document


def _json_paragraph(data: Any, where: str, default_kind: str = "paragraph") -> Paragraph:
    if not isinstance(data, dict):
        raise InputError(f'{where}: expected an object with "source" and "translation".')
    kind = data.get("kind", default_kind)
    if kind not in KINDS:
        raise InputError(f"{where}: unknown kind '{kind}' (one of {', '.join(KINDS)}).")
    raw = data.get("sentences")
    if not isinstance(raw, list) or not raw:
        # An older handout's title: one sentence, no record of the model's translation.
        raw = [{"source": data.get("source", ""), "translation": data.get("translation")}]
    sentences = [_json_sentence(s, f"{where}, sentence {i}") for i, s in enumerate(raw, 1)]
    paragraph = Paragraph(sentences, kind)
    edited = data.get("translation")
    # As written, the paragraph's translation was its sentences' (the model's) joined; it is edited
    # only if it is neither that nor the sentences' corrected ones joined.
    written = " ".join(s.machine or s.translation or "" for s in sentences)
    if isinstance(edited, str) and edited not in (written, paragraph.translation):
        # The paragraph's translation is its sentences' joined; an edit made there instead is taken
        # where it can be placed without guessing.
        if len(sentences) != 1:
            raise InputError(
                f'{where}: its "translation" was changed, but it is made of {len(sentences)} sentences: correct '
                'the "translation" of the sentence(s) in its "sentences" list instead.'
            )
        sentences[0].translation = edited
    return paragraph


def _json_sentence(data: Any, where: str) -> Sentence:
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise InputError(f'{where}: expected an object with a "source" text.')
    source = data["source"]
    digest = data.get("source_digest")
    if digest is not None and digest != source_digest(source):
        raise _changed_source(where, source)
    translation = data.get("translation")
    machine = data.get("machine_translation")
    flags = data.get("flags") or []
    return Sentence(
        source,
        translation if isinstance(translation, str) else None,
        [str(f) for f in flags] if isinstance(flags, list) else [],
        machine if isinstance(machine, str) else None,
    )


def _changed_source(where: str, source: str) -> InputError:
    shown = source if len(source) <= 80 else source[:77] + "..."
    return InputError(
        f'{where}: the Swedish "{shown}" is not the text that was translated. A revised handout may change '
        "translations, not sources; a changed post is translated again with translate run."
    )


# --- XLIFF ---------------------------------------------------------------------------------------


def document_from_xliff(content: bytes, where: str) -> Document:
    """An XLIFF 2.0 file this tool wrote, perhaps revised in a CAT tool: its title, paragraphs and comments.

    XLIFF holds no summary, word list or code blocks; a handout rendered from it has none.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"{where} is not well-formed XML: {error}.") from error
    ns = {"x": XLIFF_NS, "mtc": MTC_NS}
    if etree.QName(root).namespace != XLIFF_NS or root.get("version") != "2.0":
        raise InputError(f"{where} is XML but not an XLIFF 2.0 file (translate run -f xliff writes one).")
    file = root.find("x:file", ns)
    if file is None:
        raise InputError(f"{where}: the XLIFF file has no <file> element.")
    document = Document(input=file.get("original") or where, title=None, paragraphs=[])
    comments: list[Paragraph] = []
    for group in file.findall("x:group", ns):
        group_id = group.get("id") or ""
        kind = (group.get("type") or "").removeprefix(KIND_PREFIX) or "paragraph"
        sentences = [
            _xliff_sentence(unit, ns, f"{where}, unit {unit.get('id')}") for unit in group.findall("x:unit", ns)
        ]
        if not sentences:
            continue
        paragraph = Paragraph(sentences, kind if kind in KINDS else "paragraph")
        if group_id == "title":
            paragraph.kind = "heading"
            document.title = paragraph
        elif group_id.startswith("c"):
            comments.append(paragraph)
        else:
            document.paragraphs.append(paragraph)
    document.comments = comments or None
    match = file.find(".//mtc:match", ns)
    document.translation_model = match.get("origin") if match is not None else None
    document.stats.sentences = len(document.all_sentences())
    return document


def _text(element: Any, path: str, ns: dict[str, str]) -> str | None:
    """The text of the child at ``path`` (inline markup a CAT tool added included), None when there is none."""
    child = element.find(path, ns) if element is not None else None
    return "".join(child.itertext()) if child is not None else None


def _xliff_sentence(unit: Any, ns: dict[str, str], where: str) -> Sentence:
    segments = unit.findall("x:segment", ns)
    if len(segments) != 1:
        raise InputError(f"{where}: expected one <segment>, found {len(segments)} (was it split or joined?).")
    source = _text(segments[0], "x:source", ns) or ""
    target = _text(segments[0], "x:target", ns)
    match = unit.find("mtc:matches/mtc:match", ns)
    machine = _text(match, "x:target", ns)
    original = _text(match, "x:source", ns)
    if original is not None and original != source:
        raise _changed_source(where, source)
    note = unit.findtext("x:notes/x:note[@category='fidelity']", default="", namespaces=ns)
    # The note says each flag's explanation (render_xliff); the flags are read back from them.
    flags = [flag for flag, explanation in FLAG_EXPLANATIONS.items() if explanation in note]
    return Sentence(source, target, flags, machine)
