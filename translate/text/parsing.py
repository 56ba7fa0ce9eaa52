"""Formats: turn a post's text (plain text, Markdown or HTML) into a title hint and a list of typed blocks.

A block is one unit a reader sees as a paragraph: a paragraph of prose, a heading, one
list item, a quotation or a piece of code. Which blocks are blog chrome is decided
later, by cleaning; this module only recovers the structure.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from translate.errors import InputError
from translate.options import INPUT_FORMATS
from translate.options import InputFormat as Format
from translate.text.blocks import Block, Kind, blocks_from_text, link_address, squash_whitespace
from translate.text.landmarks import is_fact_box, read_landmark

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

_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.IGNORECASE)


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


# --- plain text ----------------------------------------------------------------------------


def parse_plain_text(text: str) -> ParsedPost:
    return ParsedPost(format="txt", blocks=blocks_from_text(text))


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
    """The visible text of an inline token, emphasis markers removed.

    A link in prose keeps its web address after its text ("läs [här](https://x.se)" -> "läs här
    (https://x.se)"): on paper the reader cannot click "här". A paragraph that is nothing but
    links (a menu, a share row) gets no addresses; cleaning decides about it as a link.
    """
    parts: list[str] = []
    addresses: list[int] = []  # the parts that are added addresses
    linked = 0
    in_link = 0
    targets: list[tuple[str, int]] = []  # (href, where its text starts in parts)
    for child in token.children or []:
        if child.type == "link_open":
            in_link += 1
            targets.append((str(child.attrGet("href") or ""), len(parts)))
        elif child.type == "link_close":
            in_link -= 1
            href, start = targets.pop() if targets else ("", len(parts))
            address = link_address("".join(parts[start:]), href)
            if address:
                addresses.append(len(parts))
                parts.append(address)
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
            if in_link:
                linked += len(child.content)
        elif child.type == "image":
            pass  # alt text describes the picture for those who cannot see it; the handout has no picture
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    plain = "".join(part for i, part in enumerate(parts) if i not in addresses)
    visible = len(re.sub(r"\s", "", plain))
    link_only = bool(visible) and linked >= 0.9 * visible
    return (plain if link_only else "".join(parts)), link_only


def parse_markdown(text: str) -> ParsedPost:
    from markdown_it import MarkdownIt

    title, body = _front_matter_title(text)
    tokens = MarkdownIt("commonmark").parse(body)
    blocks: list[Block] = []
    containers: list[str] = []
    # The next number of each open ordered list: "3. Grädda" keeps its number, as plain text does.
    numbers: list[int] = []
    pending_number = None
    heading = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            containers.append(token.type)
            if token.type == "ordered_list_open":
                numbers.append(int(token.attrGet("start") or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            if containers.pop() == "ordered_list_open":
                numbers.pop()
        elif token.type == "list_item_open" and containers and containers[-1] == "ordered_list_open":
            item_number = numbers[-1]
            numbers[-1] += 1
            pending_number = item_number
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
            content = squash_whitespace(content)
            if kind == "list-item" and pending_number is not None:
                content, pending_number = f"{pending_number}. {content}", None
            # A Markdown paragraph's line breaks are wrapping, by the CommonMark spec.
            blocks.append(Block(content, kind, link_only))
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
                for block in blocks_from_text(text):
                    blocks.append(Block(block.text, kind if kind == "quote" else block.kind))
            elif text.strip():
                blocks.append(Block(squash_whitespace(text) if kind != "code" else text.strip("\n"), kind))

    visit(body, None)
    return blocks


# The page's own content region is read instead of trafilatura's choice unless it holds less
# than this share of trafilatura's words (a <main> around a part of the page only). On the
# development pages the landmark reading held 1.0-1.9 times trafilatura's words and was never
# worse; trafilatura had dropped card grids, info boxes, galleries and field lists.
MIN_LANDMARK_SHARE = 0.8


def _page_tree(text: str) -> Any:
    """The page as an lxml tree, or None when lxml cannot parse it."""
    import lxml.html

    # huge_tree: libxml2 otherwise stops at 256 levels of nesting and returns an empty page,
    # which cleaning would report as a post with nothing in it.
    parser = lxml.html.HTMLParser(huge_tree=True, collect_ids=False)
    try:
        return lxml.html.fromstring(text, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return None


def _keep_fact_boxes(tree: Any) -> Any:
    """A copy of the page with fact-box asides turned into divs, so that trafilatura keeps them."""
    import copy

    tree = copy.deepcopy(tree)
    for aside in tree.iter("aside"):
        if is_fact_box(aside):
            aside.tag = "div"
    return tree


def _page_text(text: str) -> list[Block]:
    """The page's text between its tags, as plain-text blocks: for a page nested deeper than libxml2 parses
    (2,048 levels), where no tree is left to read."""
    text = _INVISIBLE_MARKUP.sub(" ", text)
    pieces = (html.unescape(piece).strip() for piece in re.split(r"<[^>]*>", text))
    return blocks_from_text("\n".join(piece for piece in pieces if piece))


_INVISIBLE_MARKUP = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)


def _word_count(blocks: list[Block]) -> int:
    return sum(len(b.text.split()) for b in blocks)


def parse_html(text: str) -> ParsedPost:
    """Two readings of the page, trafilatura's and its own landmarks', and the one the rule above picks."""
    import trafilatura

    tree = _page_tree(text)
    extracted = trafilatura.bare_extraction(
        _keep_fact_boxes(tree) if tree is not None else text,
        include_comments=True,
        include_formatting=True,
        include_tables=True,
        include_links=False,
        with_metadata=True,
        deduplicate=False,
    )
    if not isinstance(extracted, trafilatura.settings.Document):
        extracted = None
    blocks = _xml_blocks(extracted.body) if extracted is not None and extracted.body is not None else []
    comments = (
        _xml_blocks(extracted.commentsbody) if extracted is not None and extracted.commentsbody is not None else []
    )
    title = squash_whitespace(extracted.title) if extracted is not None and extracted.title else None
    title_tag = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    page_title = squash_whitespace(html.unescape(title_tag.group(1))) if title_tag else ""
    extra: dict[str, Any] = {"page_title": page_title, "extractor": "trafilatura"}
    try:
        landmark = read_landmark(tree) if tree is not None else None
    except RecursionError:
        landmark = None  # nesting deeper than the walk goes: trafilatura's reading alone
    if landmark is not None and _word_count(landmark.blocks) >= MIN_LANDMARK_SHARE * _word_count(blocks):
        # trafilatura still tells the comments apart; the walk would take them for the post.
        comment_texts = {c.text for c in comments}
        blocks = [b for b in landmark.blocks if b.text not in comment_texts]
        extra["extractor"] = f"page landmarks (<{landmark.region}>)"
        # The page's first heading in its content names the post; <title> adds the site's name.
        title = landmark.h1 or title
    if not blocks and not comments:
        # Neither reading found the post (nesting deeper than libxml2 goes): the page's text
        # as plain text, rather than a handout with nothing in it.
        blocks = _page_text(text)
        extra["extractor"] = "the page's text (its markup is nested too deep to read)" if blocks else extra["extractor"]
    if title is None:
        first_heading = next((b for b in blocks if b.kind == "heading"), None)
        title = first_heading.text if first_heading else None
    # The page repeats its title as a heading (sometimes after the body, on Blogger).
    blocks = [b for b in blocks if not (b.kind == "heading" and b.text == title)]
    # Blogger and others name the blog in the metadata and give the post's own title as
    # the first heading; the page's <title> holds both ("Blog: Post").
    if blocks and blocks[0].kind == "heading" and blocks[0].text in page_title and title and title in page_title:
        title = blocks.pop(0).text
    return ParsedPost(
        format="html", blocks=blocks, title=title, comments=comments, extra=extra,
        author=(extracted.author or None) if extracted else None,
        published=(extracted.date or None) if extracted else None,
    )  # fmt: skip
