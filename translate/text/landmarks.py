"""The page's own structure as blocks: its main landmark walked element by element, a second opinion beside trafilatura.

trafilatura scores text density and drops what looks sparse; on pages built from cards,
definition lists, record fields or figure galleries that is the post itself. The page
usually says where its content is (HTML5 landmarks: ``<main>``, ``role="main"``,
``<article>``) and what is not content (``<nav>``, ``<footer>``, ``aria-hidden``, forms,
buttons). This module reads those signals; which reading a page gets is decided in
parsing.parse_html by a measured rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from translate.text.blocks import Block, Kind, blocks_from_text, link_address, squash_whitespace

# Never text a reader reads as the post.
_SKIPPED_TAGS = frozenset(
    "script style noscript template nav form button select option textarea svg canvas iframe object video audio "
    "map head title meta link input label dialog".split()
)
_SKIPPED_ROLES = frozenset(
    "navigation search banner contentinfo complementary dialog alert menu menubar toolbar".split()
)
# A theme's comment section (WordPress "comments-area", "comment-list", "respond"; Disqus).
_COMMENTS_REGION = re.compile(
    r"(?:^|\s)(?:comments|comments-area|comment-list|commentlist|comment-respond|respond|disqus_thread)(?:$|\s)",
    re.IGNORECASE,
)
# A caption that credits its photographer belongs to a news photo, as in plain-text copies.
_PHOTO_CREDIT = re.compile(r"\b(?:foto|fotograf|photo|bild)\s*:", re.IGNORECASE)
_HEADINGS = {f"h{n}" for n in range(1, 7)}
# Elements that start a block of their own; everything else is inline and joins its neighbours.
_BLOCK_TAGS = (
    frozenset(
        "p div section article aside main header footer figure figcaption blockquote pre ul ol li dl dt dd table thead "
        "tbody tfoot tr td th caption address details summary fieldset hgroup center".split()
    )
    | _HEADINGS
)
_KINDS: dict[str, Kind] = {
    "li": "list-item",
    "dt": "list-item",
    "dd": "list-item",
    "blockquote": "quote",
    "pre": "code",
}
# Frameworks' classes for what only a phone shows (Bootstrap 2 and 3, utility classes): a
# device tip or a duplicate of what the desktop page shows elsewhere.
_PHONE_ONLY = re.compile(r"(?:^|\s)(?:visible-phone|visible-xs|hidden-desktop|mobile-only|show-on-mobile)(?:$|\s)")
# A link whose text is at least this share of its block's text makes the block a link.
LINK_ONLY_SHARE = 0.9
# An aside inside the content with more of its text in links than this is a teaser list.
TEASER_LINK_SHARE = 0.5


@dataclass
class Landmark:
    """The blocks of a page's content region, and the heading that names it."""

    blocks: list[Block]
    h1: str | None  # the first top-level heading inside the region: the post's own title
    region: str  # which element held the content ("main" or "article"), for the record


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = re.sub(r"\s", "", element.get("style", "")).lower()
    return "display:none" in style or "visibility:hidden" in style


def _figure_aside(element: Any) -> bool:
    """An aside that is a gallery of the post's pictures: figures with captions, no links.

    A sidebar of teasers has links; the images of an article set beside its text do not.
    """
    captions = element.xpath(".//figcaption")
    if not captions:
        return False
    total = len(element.text_content().strip())
    caption_chars = sum(len(c.text_content().strip()) for c in captions)
    return caption_chars >= 0.8 * total and _link_chars(element) <= 0.2 * total


def _link_chars(element: Any) -> int:
    """Characters of link text: a picture wrapped in a link has none."""
    return sum(len(a.text_content().strip()) for a in element.xpath(".//a[@href]"))


_FACT_BOX = re.compile(r"fakta|fact", re.IGNORECASE)


def is_fact_box(element: Any) -> bool:
    """Fact boxes ("Fakta: ...") sit in <aside> like "read also" links, but they are the article's."""
    return bool(_FACT_BOX.search(f"{element.get('class', '')} {element.get('id', '')}"))


def _skipped(element: Any, inside_content: bool) -> bool:
    """Whether an element is chrome by what the page says it is."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if _PHONE_ONLY.search(element.get("class", "")):
        return True
    if tag in _SKIPPED_TAGS or _hidden(element) or (element.get("role") or "") in _SKIPPED_ROLES:
        return True
    if _COMMENTS_REGION.search(f"{element.get('class', '')} {element.get('id', '')}"):
        return True  # trafilatura reads the comments apart from the post
    if tag == "footer":
        return True  # the page's footer, or an article's byline box
    if tag == "header":
        return not inside_content  # the site's banner; an article's own header holds its title
    if tag == "aside":
        if _figure_aside(element) or is_fact_box(element):
            return False
        # Inside the content an aside is the post's own info card; a list of teasers is links.
        total = len(element.text_content().strip())
        return not inside_content or _link_chars(element) > TEASER_LINK_SHARE * total
    return False


def find_main(tree: Any) -> Any | None:
    """The page's one <main> (or role=main; the outermost where they nest), or None."""
    mains = tree.xpath("//main | //*[@role='main']")
    outermost = [m for m in mains if not any(other is not m and m in other.iterdescendants() for other in mains)]
    return outermost[0] if len(outermost) == 1 else None


# Class names themes give the lines about a post rather than of it (WordPress "entry-meta",
# "byline", "posted-on"; breadcrumb trails), matched as whole words of a class or id.
_MARKUP_ROLES: list[tuple[str, re.Pattern[str]]] = [
    (
        "byline or date (so marked in the page)",
        re.compile(r"(?:^|[-_\s])(?:byline|author|entry-meta|post-meta|posted-on|dateline)(?:$|[-_\s])", re.IGNORECASE),
    ),
    ("breadcrumb trail (so marked in the page)", re.compile(r"breadcrumb", re.IGNORECASE)),
]
_BUTTON_CLASS = re.compile(r"(?:^|[-_\s])(?:btn|button)(?:$|[-_\s])", re.IGNORECASE)
# A short block that is mostly a <time> element is a date line.
MAX_DATE_LINE_WORDS = 12


def _markup_role(element: Any) -> str | None:
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return next((reason for reason, pattern in _MARKUP_ROLES if pattern.search(names)), None)


class _Walker:
    """Turns an element tree into blocks: one per paragraph-level element, inline runs joined."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.h1: str | None = None
        self._parts: list[str] = []
        self._linked = 0
        self._timed = 0
        self._links: list[Any] = []
        self._addresses: list[tuple[int, str]] = []  # (where in _parts a link's text ends, what follows it)
        self._kind: Kind = "paragraph"
        self._role: str | None = None
        self._caption = False
        self._placeholder = False

    def _reason(self, text: str, link_only: bool) -> str | None:
        """What the markup says of the block being flushed."""
        if self._role:
            return self._role
        if self._placeholder and link_only:
            return "stand-in for content a script loads"
        if self._caption and _PHOTO_CREDIT.search(text):
            return "photo caption (it credits the photographer)"
        if link_only and self._links:
            if all((a.get("href") or "").startswith("#") for a in self._links):
                return "link within the page (table of contents or back to top)"
            if all(_BUTTON_CLASS.search(a.get("class", "")) or a.get("role") == "button" for a in self._links):
                return "button link"
        visible = len(re.sub(r"\s", "", text))
        if self._timed and self._timed >= 0.3 * visible and len(text.split()) <= MAX_DATE_LINE_WORDS:
            return "date line (so marked in the page)"
        return None

    def flush(self) -> None:
        text = "".join(self._parts)
        visible = len(re.sub(r"\s", "", text))
        link_only = bool(visible) and self._linked >= LINK_ONLY_SHARE * visible
        if visible and not link_only and self._addresses and self._kind != "heading":
            # Prose keeps where its links lead (paper cannot be clicked); a menu or share row gets no
            # addresses: cleaning judges it as links, and a heading names its section, not a page.
            for end, address in reversed(self._addresses):
                self._parts.insert(end, address)
            text = "".join(self._parts)
        if visible:
            reason = self._reason(text, link_only)
            if self._kind == "code":
                self.blocks.append(Block(text.strip("\n"), "code", markup_reason=reason))
            elif self._kind == "heading":
                self.blocks.append(Block(squash_whitespace(text), "heading", link_only, reason))
            else:
                for block in blocks_from_text(text):
                    kind = self._kind if self._kind != "paragraph" else block.kind
                    self.blocks.append(Block(block.text, kind, link_only, reason))
        self._parts, self._linked, self._timed, self._links, self._placeholder = [], 0, 0, [], False
        self._addresses = []

    def text(self, text: str | None, in_link: bool, in_time: bool = False) -> None:
        if text:
            # Source line breaks are layout, not paragraph breaks (only <br> is).
            text = text if self._kind == "code" else re.sub(r"\s+", " ", text)
            self._parts.append(text)
            visible = len(re.sub(r"\s", "", text))
            self._linked += visible if in_link else 0
            self._timed += visible if in_time else 0

    def walk(self, element: Any, kind: Kind, in_link: bool, inside_content: bool, in_time: bool = False) -> None:
        for child in element:
            self.visit(child, kind, in_link, inside_content, in_time)
            self.text(child.tail, in_link, in_time)  # a skipped element's tail is still text

    def visit(self, child: Any, kind: Kind, in_link: bool, inside_content: bool, in_time: bool = False) -> None:
        """One element and what it holds (not its tail, which is its parent's text)."""
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "script" and child.get("src") and self._links and self._linked:
            # A link just before a script that loads content is its stand-in ("Hämtar kurser…").
            self._placeholder = True
        if not tag or _skipped(child, inside_content):
            return  # a comment, or an element the page marks as chrome
        if tag == "br":
            self._parts.append("\n")
        elif tag == "img":
            pass  # alt text describes a picture; the reader sees the picture, not the words
        elif tag in _BLOCK_TAGS:
            self.flush()
            child_kind: Kind = "heading" if tag in _HEADINGS else _KINDS.get(tag, kind)
            previous = self._kind, self._role, self._caption
            self._kind, self._role = child_kind, self._role or _markup_role(child)
            self._caption = self._caption or tag == "figcaption"
            self.text(child.text, in_link, in_time)
            self.walk(child, child_kind, in_link, inside_content or tag in ("article", "main"), in_time)
            self.flush()
            if tag == "h1" and self.h1 is None and self.blocks and self.blocks[-1].kind == "heading":
                self.h1 = self.blocks[-1].text
            self._kind, self._role, self._caption = previous
        else:
            if tag == "a":
                self._links.append(child)
            child_link, child_time = in_link or tag == "a", in_time or tag == "time"
            run_in = not "".join(self._parts).strip()
            start = len(self._parts)
            self.text(child.text, child_link, child_time)
            self.walk(child, kind, child_link, inside_content, child_time)
            address = link_address("".join(self._parts[start:]), child.get("href") or "") if tag == "a" else None
            if address and not in_link and "\n" not in "".join(self._parts[start:]):
                self._addresses.append((len(self._parts), address))
            if run_in and _label_before(child):
                self._parts.append("\n")


def _label_before(element: Any) -> bool:
    """A bold or spanned label that opens a block and touches the text after it ("<b>Tid</b>45 minuter"):
    the style sheet sets it on a line of its own, since words do not run together."""
    text, tail = element.text_content(), element.tail or ""
    return (
        element.tag in ("strong", "b", "span", "em", "i", "small")
        and text[-1:].isalnum()
        and (tail[:1].isalnum() or (tail == "" and element.getnext() is not None))
    )


def walk_blocks(element: Any) -> list[Block]:
    """The blocks of any element in reading order, read as a page's content region is (an e-book's chapter)."""
    walker = _Walker()
    walker.text(element.text, False)
    walker.walk(element, "paragraph", False, True)
    walker.flush()
    return walker.blocks


def read_landmark(tree: Any) -> Landmark | None:
    """The blocks of the page's content region in reading order, or None where the page does not mark one.

    A page marks its content with one <main> (or role=main) or one <article>; a page of
    nested divs says nothing, and there trafilatura's density scoring is the only reading.
    """
    main = find_main(tree)
    walker = _Walker()
    if main is not None:
        name = "main"
        walker.text(main.text, False)
        walker.walk(main, "paragraph", False, True)
    else:
        articles = tree.xpath("//article[not(ancestor::article)]")
        if len(articles) != 1:
            return None  # no landmark, or a front page of many articles
        name = "article"
        # The article, and the galleries and fact boxes set beside it (on a post page the
        # pictures often stand in an <aside> next to the text), in the order they stand.
        parent = articles[0].getparent()
        for element in parent if parent is not None else articles:
            if element is articles[0] or (element.tag == "aside" and not _skipped(element, False)):
                walker.visit(element, "paragraph", False, False)
    walker.flush()
    return Landmark(blocks=walker.blocks, h1=walker.h1, region=name)
