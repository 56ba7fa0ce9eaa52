"""Cleaning: split a post into title and body paragraphs and drop blog chrome, with a reason for each drop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from translate.document import DroppedBlock

# Blocks longer than this are prose even if they mention "Gilla" or "Facebook".
MAX_CHROME_WORDS = 25
MAX_TITLE_WORDS = 15
MAX_TITLE_CHARS = 120
MAX_LABEL_WORDS = 4

# A comment form or comment list starts here; nothing after it is the post.
_COMMENT_SECTION = re.compile(
    r"^(?:(leave a (reply|comment)|lämna (ett svar|en kommentar)|skriv en kommentar)\b.{0,40}"
    r"|(\d+|en|ett|one|no|inga) (comments?|kommentar(er)?|thoughts?|svar)( (on|till|på) .{0,150})?"
    r"|comments?|kommentarer"
    r"|(fill in your details below|fyll i dina uppgifter nedan)\b.*)$",
    re.IGNORECASE,
)

# (pattern, reason): a short block matching a pattern is chrome.
_CHROME_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), reason)
    for p, reason in [
        (
            r"^(you are commenting using|du kommenterar med ditt)|log out / change"
            r"|logga ut / ändra|^(connecting to|ansluter till) %s|^notify me of|^meddela mig"
            r"|^avbryt svar|^cancel reply",
            "comment form",
        ),
        (
            r"^(wordpress\.com logo|twitter picture|facebook photo|google\+ photo"
            r"|wordpress\.com-logga|twitter-bild|facebook-foto)$",
            "comment form (login icon)",
        ),
        (
            r"%d (bloggers|bloggare) (like|gillar)|^(like|gilla) (this|detta):?$|^(like|gilla)$"
            r"|^(share|dela) (this|detta):?$|^(click|klicka) (to share|för att dela)"
            r"|^(loading|laddar in)\s*(\.\.\.|…)?$|^(tweet|twitter|facebook|e-?post|email|print|skriv ut)$",
            "like or share buttons",
        ),
        (
            r"^(publicerat av|posted by|postat i|posted in|kategorier:|categories:|etiketter:"
            r"|tags:|taggar:|filed under|arkiverat under)",
            "byline, category or tag list",
        ),
        (
            r"^(← ?)?(föregående|nästa|previous|next) (inlägg|post)( ?→)?$|^(hoppa till innehåll|skip to content"
            r"|meny|menu|sök|search)$",
            "navigation",
        ),
        (r"^(relaterade inlägg|related( posts)?|liknande)$", "related posts"),
        (r"^(vi använder cookies|this site uses cookies|integritet (&|och) cookies)", "cookie notice"),
        (
            r"^(blogga med wordpress\.com|blog at wordpress\.com|skapa en gratis webbplats"
            r"|create a free website|powered by wordpress)",
            "site footer",
        ),
    ]
]

_SENTENCE_END = re.compile(r"[.!?…:;]\W*$")


@dataclass
class CleanedText:
    """A post split into its title, the paragraphs to translate, and what was dropped."""

    title: str | None
    paragraphs: list[str]
    dropped: list[DroppedBlock] = field(default_factory=list)


def split_blocks(text: str) -> list[str]:
    """Blocks as written: separated by blank lines, line breaks kept."""
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def join_lines(block: str) -> str:
    """Hard-wrapped lines become one line with single spaces."""
    return re.sub(r"\s+", " ", block).strip()


def chrome_reason(block: str) -> str | None:
    """Why a block is blog chrome, or None if it looks like content."""
    if len(block.split()) > MAX_CHROME_WORDS:
        return None
    if _COMMENT_SECTION.match(block):
        return "comment section"
    for pattern, reason in _CHROME_PATTERNS:
        if pattern.search(block):
            return reason
    return None


def _is_label(block: str) -> bool:
    """A few words with no sentence punctuation, like the "profil 3" left by an image caption."""
    return len(block.split()) <= MAX_LABEL_WORDS and not _SENTENCE_END.search(block)


def _is_title(block: str, raw_first_block: str) -> bool:
    return (
        "\n" not in raw_first_block
        and len(block.split()) <= MAX_TITLE_WORDS
        and len(block) <= MAX_TITLE_CHARS
        and not block.endswith(".")
    )


def clean_text(text: str) -> CleanedText:
    """Split normalized post text into title and paragraphs, dropping blog chrome."""
    raw_blocks = split_blocks(text)
    blocks = [join_lines(b) for b in raw_blocks]
    reasons: list[str | None] = [chrome_reason(b) for b in blocks]

    # Everything from the comment section on belongs to the comments, not the post.
    section_start = next((i for i, b in enumerate(blocks) if _COMMENT_SECTION.match(b) and reasons[i]), None)
    if section_start is not None:
        marker = blocks[section_start]
        for i in range(section_start + 1, len(blocks)):
            reasons[i] = reasons[i] or f'after the comment section starts ("{marker}")'

    # The chrome at the end of a post often has stray labels just before it.
    tail = len(blocks)
    while tail > 0 and reasons[tail - 1]:
        tail -= 1
    if tail < len(blocks):
        i = tail - 1
        while i > 0 and _is_label(blocks[i]):
            reasons[i] = "short label just before the blog chrome at the end"
            i -= 1

    title: str | None = None
    paragraphs: list[str] = []
    dropped: list[DroppedBlock] = []
    for block, reason, raw in zip(blocks, reasons, raw_blocks):
        if reason:
            dropped.append(DroppedBlock(text=block, reason=reason))
        elif title is None and not paragraphs and _is_title(block, raw):
            title = block
        else:
            paragraphs.append(block)
    if title is not None and not paragraphs:
        # A single short block is the whole post, not a title over nothing.
        paragraphs, title = [title], None
    return CleanedText(title=title, paragraphs=paragraphs, dropped=dropped)
