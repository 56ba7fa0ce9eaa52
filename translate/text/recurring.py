"""Chrome a batch knows: a block that recurs word for word across many posts of one batch (a sidebar, a footer, a
teaser list, a blog name taken for the title) is the site's, not any post's.

One post cannot tell its own sidebar from its text; a folder of posts from one site can.
The rule is deliberately plain: the same block (whitespace and case aside) in at least
MIN_POSTS posts and in at least MIN_SHARE of the batch. Body paragraphs almost never recur
verbatim across separate posts, and what does (a standard sign-off, a disclaimer) is chrome
too; a section heading that a series repeats is the exception. `--keep-all` keeps everything.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from translate.document import Document, DroppedBlock
from translate.text.blocks import squash_whitespace

MIN_POSTS = 3
MIN_SHARE = 0.25


def block_key(text: str) -> str:
    return squash_whitespace(text).casefold()


def block_sentences(document: Document) -> dict[str, int]:
    """The key of the title, of every body paragraph and of every block the cleaner already dropped, with the
    sentences each leaves to translate (a dropped one: 0). A block recurs whatever each post's own cleaning made of
    it; comments are the readers', not the site's."""
    sentences: dict[str, int] = {}
    for block in ([document.title] if document.title else []) + document.paragraphs:
        if block.source.strip():
            key = block_key(block.source)
            sentences[key] = sentences.get(key, 0) + len(block.sentences)
    for dropped in document.dropped:
        if dropped.text.strip():
            sentences.setdefault(block_key(dropped.text), 0)
    return sentences


def block_keys(document: Document) -> set[str]:
    return set(block_sentences(document))


def recurring_blocks(documents_keys: Iterable[set[str]]) -> dict[str, int]:
    """Keys that recur in enough of the posts to be the site's, with how many posts have them."""
    key_sets = list(documents_keys)
    posts = len(key_sets)
    if posts < MIN_POSTS:
        return {}
    counts = Counter(key for keys in key_sets for key in keys)
    needed = max(MIN_POSTS, math.ceil(MIN_SHARE * posts))
    return {key: count for key, count in counts.items() if count >= needed}


def drop_recurring(document: Document, recurring: dict[str, int], posts: int) -> list[str]:
    """Move the document's recurring blocks (the title too) into ``document.dropped``; returns their keys."""
    dropped: list[str] = []

    def reason(key: str) -> str:
        return f"recurs in {recurring[key]} of the {posts} posts of this batch: the site's, not this post's"

    if document.title is not None and block_key(document.title.source) in recurring:
        key = block_key(document.title.source)
        document.dropped.append(DroppedBlock(document.title.source, reason(key)))
        document.title = None
        dropped.append(key)
    kept = []
    for paragraph in document.paragraphs:
        key = block_key(paragraph.source)
        # A heading a series repeats ("Status", "Ingredienser") names the same section of each post.
        if key in recurring and paragraph.kind != "heading":
            document.dropped.append(DroppedBlock(paragraph.source, reason(key)))
            dropped.append(key)
        else:
            kept.append(paragraph)
    document.paragraphs = kept
    return dropped


def drop_batch_chrome(documents: list[Document]) -> dict[str, int]:
    """Drop, from documents read together, the blocks that recur across them; returns the recurring keys."""
    recurring = recurring_blocks(block_keys(document) for document in documents)
    for document in documents:
        drop_recurring(document, recurring, len(documents))
    return recurring
