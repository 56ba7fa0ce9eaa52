"""Formats: turn a post's text (plain text, Markdown or HTML) into a title hint and a list of typed blocks.

A block is one unit a reader sees as a paragraph: a paragraph of prose, a heading, one
list item, a quotation or a piece of code. Which blocks are blog chrome is decided
later, by cleaning; this module only recovers the structure.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from translate.errors import InputError
from translate.options import INPUT_FORMATS
from translate.options import InputFormat as Format

Kind = Literal["paragraph", "heading", "list-item", "quote", "code"]

_EXTENSIONS: dict[str, Format] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".mdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

LIST_ITEM = re.compile(r"^(?:[-*•–·▪◦]\s+|\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+)")
_SENTENCE_FINAL = re.compile(r"[.!?…:;]['\"”’»)\]]*$")
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.IGNORECASE)

# Line-structure thresholds for plain text. Hard-wrapped text (e-mail, old exports)
# fills each line to a fixed width and breaks in mid-sentence; a browser copy puts a
# whole paragraph on one line.
SHORT_LINES_WIDTH = 40
SHORT_LINE_RATIO = 0.6
FULL_LINE_RATIO = 0.75


@dataclass
class Block:
    """A paragraph-sized unit of a post before cleaning."""

    text: str
    kind: Kind = "paragraph"
    # Nearly all of the text is link text: typical of menus, share bars and "read more".
    link_only: bool = False


@dataclass
class ParsedPost:
    """A post's structure as its format gives it."""

    format: Format
    blocks: list[Block]
    title: str | None = None  # when the format names it (HTML metadata, Markdown front matter or H1)
    comments: list[Block] | None = None  # when the format separates comments from the post (HTML)
    extra: dict[str, Any] = field(default_factory=dict)
    # The author and publication date the page states of itself (HTML: meta tags, JSON-LD, bylines).
    author: str | None = None
    published: str | None = None


def detect_format(name: str | None, text: str) -> Format:
    """By file extension, else HTML when the text starts like an HTML page, else plain text."""
    if name:
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    return "html" if _HTML_SNIFF.match(text) else "txt"


def parse_post(text: str, fmt: Format) -> ParsedPost:
    if fmt == "html":
        return parse_html(text)
    if fmt == "md":
        return parse_markdown(text)
    if fmt == "txt":
        return parse_plain_text(text)
    raise InputError(f"Unknown input format '{fmt}': use one of {', '.join(INPUT_FORMATS)}.")


def squash_whitespace(text: str) -> str:
    """Runs of whitespace, line breaks included, become single spaces."""
    return re.sub(r"\s+", " ", text).strip()


# --- plain text ----------------------------------------------------------------------------


def _ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_FINAL.search(line))


def _starts_lower(line: str) -> bool:
    return line[:1].islower()


def _continues(previous: str, line: str) -> bool:
    """The sentence goes on across the line break: the sure sign of wrapped text.

    A lone lower-case word with no punctuation is more often a user name or a tag
    than the end of a wrapped sentence.
    """
    lone_word = " " not in line and not _ends_sentence(line)
    return _starts_lower(line) and not _ends_sentence(previous) and not LIST_ITEM.match(line) and not lone_word


def _paragraph_break(previous: str, line: str, width: int, wrapped: bool) -> bool:
    """Whether a line break inside a group of lines (no blank line between) starts a new block."""
    if LIST_ITEM.match(line):
        return True
    if _continues(previous, line):
        return False
    if not wrapped or LIST_ITEM.match(previous):
        # One paragraph per line (a browser copy), list items, menus, signatures.
        return True
    # Hard-wrapped: lines fill the width, and only a paragraph's last line falls short.
    return len(previous) < SHORT_LINE_RATIO * width


def _looks_wrapped(lines: list[str], width: int) -> bool:
    """Hard-wrapped text breaks lines in mid-sentence: a line runs on in lower case, or a
    line near the full width stops without sentence punctuation."""
    pairs = list(zip(lines, lines[1:]))
    if any(_continues(a, b) for a, b in pairs):
        return True
    # Among short lines (opening hours, addresses) a full line without punctuation proves nothing.
    return width >= SHORT_LINES_WIDTH and any(
        len(a) >= FULL_LINE_RATIO * width and not _ends_sentence(a) and not LIST_ITEM.match(b) for a, b in pairs
    )


def split_line_group(lines: list[str]) -> list[str]:
    """Split lines with no blank line between them into paragraphs, telling wrapping from line-per-paragraph."""
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return []
    width = max(len(line) for line in lines)
    # Short lines with no sentence punctuation anywhere are verse or a list, even when a
    # line starts in lower case ("Löven faller tyst / över den gamla stenmuren").
    verse = width < SHORT_LINES_WIDTH and not any(_ends_sentence(line) for line in lines)
    wrapped = not verse and _looks_wrapped(lines, width)
    paragraphs = [[lines[0]]]
    for previous, line in zip(lines, lines[1:]):
        if verse or _paragraph_break(previous, line, width, wrapped):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [squash_whitespace(" ".join(p)) for p in paragraphs]


def _blocks_from_text(text: str) -> list[Block]:
    blocks = []
    for group in re.split(r"\n\s*\n", text):
        for paragraph in split_line_group(group.splitlines()):
            blocks.append(Block(paragraph, "list-item" if LIST_ITEM.match(paragraph) else "paragraph"))
    return blocks


def parse_plain_text(text: str) -> ParsedPost:
    return ParsedPost(format="txt", blocks=_blocks_from_text(text))


# --- Markdown ------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*(?:\n|\Z)", re.DOTALL)
_TOML_TITLE = re.compile(r"^title\s*=\s*(['\"])(.*?)\1\s*$", re.MULTILINE)


def _front_matter_title(text: str) -> tuple[str | None, str]:
    """The title from YAML (Jekyll, Hugo, Obsidian) or TOML (Hugo) front matter, and the text after it."""
    toml = _TOML_FRONT_MATTER.match(text)
    if toml:
        title_match = _TOML_TITLE.search(toml.group(1))
        return (title_match.group(2).strip() if title_match else None), text[toml.end() :]
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    import yaml

    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None, text
    title = meta.get("title") if isinstance(meta, dict) else None
    return (str(title).strip() if title else None), text[match.end() :]


def _inline_text(token: Any) -> tuple[str, bool]:
    """The visible text of an inline token (emphasis markers and link targets removed)."""
    parts: list[str] = []
    linked = 0
    in_link = 0
    for child in token.children or []:
        if child.type == "link_open":
            in_link += 1
        elif child.type == "link_close":
            in_link -= 1
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
            if in_link:
                linked += len(child.content)
        elif child.type == "image":
            parts.append(child.content or "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    text = "".join(parts)
    visible = len(re.sub(r"\s", "", text))
    return text, bool(visible) and linked >= 0.9 * visible


def parse_markdown(text: str) -> ParsedPost:
    from markdown_it import MarkdownIt

    title, body = _front_matter_title(text)
    tokens = MarkdownIt("commonmark").parse(body)
    blocks: list[Block] = []
    containers: list[str] = []
    heading = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            containers.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            containers.pop()
        elif token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type in ("fence", "code_block"):
            blocks.append(Block(token.content.rstrip("\n"), "code"))
        elif token.type == "html_block":
            stripped = squash_whitespace(re.sub(r"<[^>]+>", " ", token.content))
            if stripped:
                blocks.append(Block(stripped))
        elif token.type == "inline":
            content, link_only = _inline_text(token)
            if heading:
                blocks.append(Block(squash_whitespace(content), "heading", link_only))
                continue
            kind: Kind = "paragraph"
            if containers and containers[-1] == "blockquote_open":
                kind = "quote"
            elif any(c.endswith("list_open") for c in containers):
                kind = "list-item"
            # A Markdown paragraph's line breaks are wrapping, by the CommonMark spec.
            blocks.append(Block(squash_whitespace(content), kind, link_only))
    if title is None and blocks and blocks[0].kind == "heading":
        title = blocks.pop(0).text
    elif title is not None and blocks and blocks[0].kind == "heading" and blocks[0].text == title:
        blocks.pop(0)
    return ParsedPost(format="md", blocks=[b for b in blocks if b.text], title=title)


# --- HTML ----------------------------------------------------------------------------------

_XML_KINDS: dict[str, Kind] = {"head": "heading", "item": "list-item", "quote": "quote", "code": "code"}
_BLOCK_TAGS = ("p", "list", "head", "quote", "table", "code", "div")


def _element_text(element: Any) -> str:
    """Text of a trafilatura XML element, with <lb/> as a line break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append(_element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _xml_blocks(body: Any) -> list[Block]:
    blocks: list[Block] = []

    def visit(element: Any, inherited: Kind | None) -> None:
        for child in element:
            tag = child.tag
            containers = ("list", "quote", "table", "row", "div")
            if tag in containers and any(grandchild.tag not in ("hi", "lb", "ref") for grandchild in child):
                visit(child, "quote" if tag == "quote" else inherited)
                continue
            # A table cell or list item that holds paragraphs of its own: each is a block (joined,
            # their texts ran together with no space between them).
            if tag in ("cell", "item") and any(grandchild.tag in _BLOCK_TAGS for grandchild in child):
                if (child.text or "").strip():
                    blocks.append(Block(squash_whitespace(child.text), _XML_KINDS.get(tag, inherited or "paragraph")))
                visit(child, _XML_KINDS.get(tag, inherited))
                continue
            if tag == "graphic":
                continue
            # A container with only inline content (a <quote> holding text) is a block itself.
            kind: Kind = _XML_KINDS.get(tag, inherited or "paragraph")
            text = _element_text(child)
            if kind in ("paragraph", "quote"):
                for block in _blocks_from_text(text):
                    blocks.append(Block(block.text, kind if kind == "quote" else block.kind))
            elif text.strip():
                blocks.append(Block(squash_whitespace(text) if kind != "code" else text.strip("\n"), kind))

    visit(body, None)
    return blocks


# Fact boxes ("Fakta: ...") sit in <aside> like "read also" links, but they are the article's.
_FACT_BOX = re.compile(r"fakta|fact", re.IGNORECASE)


def _keep_fact_boxes(text: str) -> Any:
    """The page as an lxml tree, with fact-box asides turned into divs so extraction keeps them."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return text
    for aside in tree.iter("aside"):
        if _FACT_BOX.search(f"{aside.get('class', '')} {aside.get('id', '')}"):
            aside.tag = "div"
    return tree


def parse_html(text: str) -> ParsedPost:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        _keep_fact_boxes(text),
        include_comments=True,
        include_formatting=True,
        include_tables=True,
        include_links=False,
        with_metadata=True,
        deduplicate=False,
    )
    if not isinstance(extracted, trafilatura.settings.Document) or extracted.body is None:
        return ParsedPost(format="html", blocks=[])
    blocks = _xml_blocks(extracted.body)
    title = squash_whitespace(extracted.title) if extracted.title else None
    if title is None:
        first_heading = next((b for b in blocks if b.kind == "heading"), None)
        title = first_heading.text if first_heading else None
    # The page repeats its title as a heading (sometimes after the body, on Blogger).
    blocks = [b for b in blocks if not (b.kind == "heading" and b.text == title)]
    comments = _xml_blocks(extracted.commentsbody) if extracted.commentsbody is not None else []
    title_tag = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    page_title = squash_whitespace(html.unescape(title_tag.group(1))) if title_tag else ""
    # Blogger and others name the blog in the metadata and give the post's own title as
    # the first heading; the page's <title> holds both ("Blog: Post").
    if blocks and blocks[0].kind == "heading" and blocks[0].text in page_title and title and title in page_title:
        title = blocks.pop(0).text
    extra = {"page_title": page_title}
    return ParsedPost(
        format="html", blocks=blocks, title=title, comments=comments, extra=extra,
        author=extracted.author or None, published=extracted.date or None,
    )  # fmt: skip

