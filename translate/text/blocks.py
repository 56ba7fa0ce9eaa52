"""Blocks: the paragraph-sized unit every format is read into, and how plain-text lines group into them.

Plain text says where a paragraph ends only by its lines: a browser copy puts a paragraph
on one line, an e-mail wraps it at a fixed width. The HTML and Markdown readers use the
same grouping for the text inside one element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["paragraph", "heading", "list-item", "quote", "code"]

LIST_ITEM = re.compile(r"^(?:[-*•–·▪◦]\s+|\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+)")
_SENTENCE_FINAL = re.compile(r"[.!?…:;]['\"”’»)\]]*$")

# Line-structure thresholds for plain text. Hard-wrapped text (e-mail, old exports)
# fills each line to a fixed width and breaks in mid-sentence; a browser copy puts a
# whole paragraph on one line.
SHORT_LINES_WIDTH = 40
SHORT_LINE_RATIO = 0.6
FULL_LINE_RATIO = 0.75
# At least this share of a group's line breaks fall after a full line that runs on, in wrapped text.
WRAPPED_SHARE = 0.3


@dataclass
class Block:
    """A paragraph-sized unit of a post before cleaning."""

    text: str
    kind: Kind = "paragraph"
    # Nearly all of the text is link text: typical of menus, share bars and "read more".
    link_only: bool = False
    # Why the page's own markup says this is not the post (a back-to-top link, a button, a
    # byline box), when it says so; cleaning takes it as the block's reason to be dropped.
    markup_reason: str | None = None


def link_address(shown: str, href: str) -> str | None:
    """What follows a link's text in prose so that paper keeps where it leads (" (https://x.se)"), or None: for
    an address the reader could not open (relative, mailto:, in-page), and where the text is an address itself
    ("dans.se/shop" may lead to dans.se/shop/?lang=sv, but the reader can type what is printed)."""
    shown = shown.strip()
    if not shown or not re.match(r"https?://\S+$", href) or _WEB_ADDRESS.fullmatch(shown):
        return None
    return f" ({href})"


_WEB_ADDRESS = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:[/?#]\S*)?", re.IGNORECASE)


def squash_whitespace(text: str) -> str:
    """Runs of whitespace, line breaks included, become single spaces."""
    return re.sub(r"\s+", " ", text).strip()


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
    # Among short lines (opening hours, addresses) a full line without punctuation proves nothing;
    # nor does one long menu line among captions and labels: wrapping fills line after line.
    full_open_lines = sum(
        len(a) >= FULL_LINE_RATIO * width and not _ends_sentence(a) and not LIST_ITEM.match(b) for a, b in pairs
    )
    return width >= SHORT_LINES_WIDTH and full_open_lines >= max(1, WRAPPED_SHARE * len(pairs))


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


def blocks_from_text(text: str) -> list[Block]:
    blocks = []
    for group in re.split(r"\n\s*\n", text):
        for paragraph in split_line_group(group.splitlines()):
            blocks.append(Block(paragraph, "list-item" if LIST_ITEM.match(paragraph) else "paragraph"))
    return blocks
