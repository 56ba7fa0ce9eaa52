"""Snippets: short texts sent to the HTTP API (LibreTranslate's ``q``), as Documents whose translation is put back
into the snippet's own layout.

A snippet is not a post: nothing is cleaned away, and its line breaks, indentation and (for
HTML) every tag stay exactly where they were; only the words between them are replaced.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

from translate.document import Document, Paragraph, Sentence
from translate.text.blocks import squash_whitespace
from translate.text.reading import normalize_text
from translate.text.segment import split_sentences

SnippetFormat = Literal["text", "html"]

# Tags, comments, doctypes and processing instructions are kept verbatim; what lies between
# them is text. Inside these elements the text is not prose and is kept too.
_MARKUP = re.compile(r"(<!--.*?-->|<![^>]*>|<\?[^>]*>|</?[A-Za-z][^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_VERBATIM_ELEMENTS = {"script", "style", "code", "pre", "textarea", "kbd", "samp", "var"}
_EDGE_SPACE = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


@dataclass
class _Piece:
    """A run of the snippet: kept as it is, or translated (between its own leading and trailing space)."""

    text: str
    paragraph: Paragraph | None = None
    before: str = ""
    after: str = ""


@dataclass
class Snippet:
    """One snippet as a Document (one paragraph per run of text) plus the layout to put its translation back into."""

    document: Document
    pieces: list[_Piece]
    fmt: SnippetFormat

    def translated(self) -> str:
        """The snippet with each run of text replaced by its translation, once the Document is translated."""
        out: list[str] = []
        for piece in self.pieces:
            if piece.paragraph is None:
                out.append(piece.text)
                continue
            english = " ".join(s.translation or "" for s in piece.paragraph.sentences if s.translation)
            if self.fmt == "html":
                english = html.escape(english, quote=False)
            out.append(f"{piece.before}{english}{piece.after}")
        return "".join(out)


def _text_piece(raw: str) -> _Piece:
    """A run of text: its sentences, with the whitespace around it kept for the way back."""
    before, core, after = _EDGE_SPACE.match(raw).groups()  # type: ignore[union-attr]
    sentences = split_sentences(squash_whitespace(core))
    if not sentences:
        return _Piece(raw)
    return _Piece(raw, Paragraph([Sentence(s) for s in sentences]), before, after)


def _text_pieces(text: str) -> list[_Piece]:
    # Every line is a paragraph of its own: a client that sends line breaks wants them back.
    return [_text_piece(part) if part.strip() else _Piece(part) for part in re.split(r"(\n)", text)]


def _html_pieces(markup: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    verbatim: list[str] = []
    for part in _MARKUP.split(markup):
        if not part:
            continue
        if _MARKUP.fullmatch(part):
            pieces.append(_Piece(part))
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _VERBATIM_ELEMENTS and not part.endswith("/>"):
                tag = name.group(1).lower()
                if part.startswith("</"):
                    if tag in verbatim:
                        del verbatim[len(verbatim) - 1 - verbatim[::-1].index(tag) :]
                else:
                    verbatim.append(tag)
        elif verbatim or not part.strip():
            pieces.append(_Piece(part))
        else:
            piece = _text_piece(html.unescape(part))
            if piece.paragraph is None:
                piece = _Piece(part)
            pieces.append(piece)
    return pieces


def parse_snippet(text: str, fmt: SnippetFormat = "text", name: str = "<q>") -> Snippet:
    """Split a snippet into runs of text to translate and everything else, which is kept as it is."""
    text = normalize_text(text)
    pieces = _html_pieces(text) if fmt == "html" else _text_pieces(text)
    document = Document(input=name, title=None, paragraphs=[p.paragraph for p in pieces if p.paragraph])
    return Snippet(document, pieces, fmt)
