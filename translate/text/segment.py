"""Segmentation: split a paragraph into Swedish sentences, and split a sentence that is too long for the model."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from summarize.chunking import pack_greedy

# Abbreviations common in Swedish blog prose that the Moses Swedish list lacks (or has
# only in lower case); a period after them never ends a sentence.
EXTRA_SWEDISH_ABBREVIATIONS = [
    "Ca", "ca", "Jfr", "jfr", "kap", "Kap", "milj", "mdr", "tel", "Tel", "resp", "avd", "ang", "betr",
    "sid", "uppl", "inkl", "exkl", "fr.a", "Fr.a", "T.ex", "Bl.a", "Dvs", "D.v.s", "S.k", "O.s.v",
    "m.a.o", "M.a.o", "p.g.a", "P.g.a", "pga", "Pga", "tex", "Tex", "Kl", "Nr", "Fr.o.m", "T.o.m",
    "tis", "ons", "tors", "fre", "lör", "sön", "kand", "Fig", "fig", "tfn",
]  # fmt: skip
# Abbreviations that end no sentence when a number follows ("v. 34", "5 jan. 2020"),
# but may when a word does.
SWEDISH_NUMERIC_ABBREVIATIONS = [
    "v", "s", "nr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec",
]  # fmt: skip
# Abbreviations that are also ordinary Swedish words ("bil" car / bilaga, "med" with / medicin,
# "mat" food / matematik) or units after a number ("100 m.", "600 Mbit/s."): the period after
# one ends no sentence when a digit follows ("bil. 3") and, as always, none when a lowercase
# word does, but it does end one before a capital ("... min mosters bil. Vid midnatt ...").
# Measured on FLORES-101 sentences joined and re-split (README, "Sentence splitting").
ORDINARY_WORD_ABBREVIATIONS = [
    "ack", "al", "bet", "bil", "bot", "data", "dim", "el", "ex", "fam", "fem", "fil", "hand", "konst",
    "kung", "lat", "log", "mask", "mat", "med", "mil", "mus", "mån", "part", "port", "real", "ry", "sjö",
    "spa", "sport", "vers", "e.Kr", "f.Kr", "e. Kr", "f. Kr", "m", "s", "l", "g",
]  # fmt: skip
# Entries of the Moses Swedish list that wrongly keep a sentence going: "nej" ("Svaret är
# nej. Frågan ..."), and the list-enders, which usually end their sentence when a capital
# follows ("... plommon osv. Sedan ...").
MOSES_ENTRIES_TO_DROP = ["nej", "Nej", "osv", "o.s.v", "etc", "m.m", "m.fl"]

# Boundaries Moses misses: a line of dialogue after a finished one ("– Hej. – Hej själv."),
# and a sentence ending in the single-character ellipsis before a capital.
_ENUMERATOR = re.compile(r"^(\d{1,3}|[a-zA-Z]|[IVXivx]{1,4})[.)]$")
_EXTRA_BOUNDARIES = re.compile(
    r"(?<=[.!?…])\s+(?=[–—] )"  # a new line of dialogue
    r"|(?<=…)\s+(?=[A-ZÅÄÖ])"  # after an ellipsis character
    r"|(?<=[.!?…][»”\"])\s+(?=[»”\"“„][A-ZÅÄÖ])"  # a quotation after a finished quotation
    # A quotation after a finished sentence: ” opens a Swedish quotation as often as it closes one.
    r"|(?<=[.!?…])\s+(?=[»“„”\"][A-ZÅÄÖ])"
)


@lru_cache(maxsize=1)
def _splitter():  # type: ignore[no-untyped-def]
    from sentence_splitter import SentenceSplitter

    splitter = SentenceSplitter(language="sv")
    # sentence-splitter 1.4 (pinned) reads one prefix file and offers no way to add to it;
    # its table is a plain dict, so adjust it in place.
    table = splitter._SentenceSplitter__non_breaking_prefixes  # type: ignore[attr-defined]
    for prefix in MOSES_ENTRIES_TO_DROP:
        table.pop(prefix, None)
    for prefix in EXTRA_SWEDISH_ABBREVIATIONS:
        table.setdefault(prefix, SentenceSplitter.PrefixType.DEFAULT)
    for prefix in SWEDISH_NUMERIC_ABBREVIATIONS:
        table.setdefault(prefix, SentenceSplitter.PrefixType.NUMERIC_ONLY)
    for prefix in ORDINARY_WORD_ABBREVIATIONS:
        table[prefix] = SentenceSplitter.PrefixType.NUMERIC_ONLY
    return splitter


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph (single-spaced, as cleaned) into sentences.

    The result joined with single spaces is exactly the paragraph: pieces are cut at
    whitespace only, and whatever the splitter returns is mapped back onto the original.
    """
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    starts = [0]
    cursor = 0
    for piece in _splitter().split(paragraph):
        piece = piece.strip()
        if not piece:
            continue
        found = paragraph.find(piece, cursor)
        if found < 0:
            # The splitter altered the text; keep what we have as one sentence.
            continue
        # A cut is only allowed where the original has whitespace.
        if found > 0 and paragraph[found - 1] == " " and found not in starts:
            starts.append(found)
        cursor = found + len(piece)
    starts.extend(m.end() for m in _EXTRA_BOUNDARIES.finditer(paragraph))
    bounds = sorted(set(starts)) + [len(paragraph)]
    sentences = [paragraph[a:b].strip() for a, b in zip(bounds, bounds[1:]) if paragraph[a:b].strip()]
    # A list enumerator ("1.", "b)", "IV.") is never a sentence of its own.
    merged: list[str] = []
    for sentence in sentences:
        if merged and _ENUMERATOR.match(merged[-1]):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    return merged


# Where a long sentence may be cut, best first: after clause punctuation, before a
# dash, then at any space.
_CUT_PATTERNS = [
    re.compile(r"(?<=[;:])\s"),
    re.compile(r"(?<=,)\s"),
    re.compile(r"\s(?=[–—-]\s)"),
    re.compile(r"\s"),
]


def split_to_fit(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Cut text into pieces of at most ``limit`` tokens each, preferring clause boundaries.

    Nothing is dropped: the pieces joined with single spaces give the text back
    (a single word longer than the limit is cut inside the word as a last resort).
    """
    if count_tokens(text) <= limit:
        return [text]
    for pattern in _CUT_PATTERNS:
        cuts = [m.start() for m in pattern.finditer(text)]
        if cuts:
            return _pack(text, cuts, count_tokens, limit)
    # One enormous "word" (a URL, a run of symbols): halve it until it fits.
    middle = len(text) // 2
    return split_to_fit(text[:middle], count_tokens, limit) + split_to_fit(text[middle:], count_tokens, limit)


def _pack(text: str, cuts: list[int], count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Cut text at the given offsets and pack the segments; cut over-long ones at the next finer level."""
    bounds = [0] + cuts + [len(text)]
    segments = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    pieces = pack_greedy([s for s in segments if s], count_tokens, limit)
    return [part for piece in pieces for part in split_to_fit(piece, count_tokens, limit)]
