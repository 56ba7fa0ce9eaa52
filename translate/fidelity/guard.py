"""The guard: keep what must not change out of the model's reach, put it back, and flag translations that went wrong.

Protected spans (URLs, e-mail addresses, @handles, #hashtags, file paths, inline code,
citations without Swedish words) and glossary terms are replaced by numbered markers before a
sentence goes to the model, and restored afterwards: in place of the marker when the model
kept it; not at all when the output already has the span (a model that drops a marker often
writes the span itself); else, as a last resort that is flagged, at the same relative
position. Numbers are not masked (see numbers.py for why): they are checked afterwards.
Every translation is then checked for repetition loops, a length far off its source's,
untranslated copying and lost numbers; a failing sentence is generated again with safer
decoding when the engine can, the better candidate is kept, and what still fails is flagged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from translate.document import Stats
from translate.fidelity.glossary import Glossary, english_term
from translate.fidelity.numbers import englished, source_numbers, unaccounted

# --- protected spans ---------------------------------------------------------------------------

_SPAN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("code", re.compile(r"`[^`\n]+`")),
    ("url", re.compile(r"(?:https?://|www\.)[^\s<>\"”»]+[^\s<>\"”».,;:!?)\]]")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("handle", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,}")),
    ("hashtag", re.compile(r"(?<![\w#&])#[^\W\d_][\w-]*")),
    (
        "path",
        re.compile(
            r"(?<![\w/])(?:~?/|[A-Za-z]:\\)[\w.-]+(?:[/\\][\w.-]+)*"
            r"|(?<![\w/])[\w-]+(?:/[\w.-]+)+\.\w{1,5}\b"
            r"|\b[\w-]+\.(?:pdf|docx?|xlsx?|pptx?|odt|txt|md|html?|jpe?g|png|gif|svg|zip|csv|py|js|json|mp3|mp4)\b"
        ),
    ),
    # "(Rifkin.2011:115-116)", "(Andersson, 2019)": a capital, a year, short; one with Swedish words
    # in it ("(Larson och LaFasto 1989, s.109)") is translated instead (_CITATION_WORDS).
    ("citation", re.compile(r"\((?=[^()\n]{4,80}\))[A-ZÅÄÖ][^()\n]*?\b\d{4}[a-z]?\b[^()\n]*\)")),
]
# Lowercase words a citation may hold and still be kept as it is.
_CITATION_WORDS = {"et", "al", "and", "pp", "p", "ed", "eds", "ff", "cf", "ibid"}

# Marker brackets, the first whose opening character the sentence does not use.
_MARKER_BRACKETS = (("[", "]"), ("{", "}"), ("<", ">"))


@dataclass
class Span:
    start: int
    end: int
    kind: str  # a span kind above, or "glossary"
    source: str
    replacement: str  # what the translation must contain


@dataclass
class Masked:
    """A sentence with its protected spans replaced by markers."""

    text: str
    spans: list[Span]
    brackets: tuple[str, str]  # markers look like "[1]"

    def marker_for(self, index: int) -> str:
        return f"{self.brackets[0]}{index + 1}{self.brackets[1]}"


# --- masking and restoring -------------------------------------------------------------------


def find_spans(text: str, glossary: Glossary | None = None) -> list[Span]:
    """Protected spans and glossary terms in a sentence, in order, never overlapping."""
    found: list[Span] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in found)

    for kind, pattern in _SPAN_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group()
            if kind == "citation" and set(re.findall(r"\b[a-zåäö]+\b", value)) - _CITATION_WORDS:
                continue
            if free(match.start(), match.end()):
                found.append(Span(match.start(), match.end(), kind, value, value))
    for pattern, sv, en in glossary.patterns if glossary else []:
        for match in pattern.finditer(text):
            if free(match.start(), match.end()):
                found.append(
                    Span(match.start(), match.end(), "glossary", match.group(), english_term(match.group(), sv, en))
                )
    return sorted(found, key=lambda s: s.start)


def mask(text: str, glossary: Glossary | None = None) -> Masked:
    spans = find_spans(text, glossary)
    brackets = next((b for b in _MARKER_BRACKETS if b[0] not in text), _MARKER_BRACKETS[0])
    masked = Masked("", spans, brackets)
    pieces, cursor = [], 0
    for index, span in enumerate(spans):
        pieces.append(text[cursor : span.start])
        pieces.append(masked.marker_for(index))
        cursor = span.end
    pieces.append(text[cursor:])
    masked.text = "".join(pieces)
    return masked


def restore(masked: Masked, output: str) -> tuple[str, bool]:
    """Put every span back into the model's output; returns the text and whether any had to be placed by position."""
    open_, close = masked.brackets
    marker_pattern = re.compile(re.escape(open_) + r"\s*(\d{1,3})\s*" + re.escape(close))
    used: set[int] = set()

    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        if 0 <= index < len(masked.spans) and index not in used:
            used.add(index)
            return masked.spans[index].replacement
        return ""  # a marker the model invented or repeated

    text = marker_pattern.sub(put_back, output)
    missing = [i for i in range(len(masked.spans)) if i not in used]
    placed = False
    accounted = [masked.spans[i] for i in used]
    for index in missing:
        span = masked.spans[index]
        # Already there as often as the spans of that form need: the model wrote it itself.
        wanted = 1 + sum(1 for s in accounted if _forms(s) & _forms(span))
        accounted.append(span)
        if _occurrences(span, text) >= wanted:
            continue
        text = _insert_by_position(text, masked, index)
        placed = True
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
    return text, placed


def _forms(span: Span) -> set[str]:
    """The ways the output may hold a span: as in the source, its English form, and for a Swedish genitive
    ("Singapores") the English ones ("Singapore's", "Singapore Deputy Prime Minister")."""
    forms = {span.source.casefold(), span.replacement.casefold()}
    for form in list(forms):
        if len(form) > 3 and form.endswith("s") and not form.endswith("'s"):
            forms |= {form[:-1], form[:-1] + "'s", form[:-1] + "’s", form[:-1] + "'"}
    return forms


def _occurrences(span: Span, text: str) -> int:
    """How often the output has the span in one of its forms, standing on its own."""
    return max(
        len(re.findall(r"(?<![\w])" + re.escape(form) + r"(?![\w])", text, re.IGNORECASE)) for form in _forms(span)
    )


def _insert_by_position(text: str, masked: Masked, index: int) -> str:
    """Insert a lost span where it stood, relative to the sentence's length, at a word boundary."""
    marker = masked.marker_for(index)
    relative = masked.text.find(marker) / max(1, len(masked.text))
    target = round(relative * len(text))
    boundaries = [0, len(text)] + [m.start() for m in re.finditer(r"\s", text)]
    position = min(boundaries, key=lambda b: abs(b - target))
    return f"{text[:position]} {masked.spans[index].replacement} {text[position:]}"


# --- the guard ---------------------------------------------------------------------------------

# Calibrated on the real outputs of tests/data/realdata/ (README, "The guard's thresholds"):
# the real model's length ratios there lie between 0.72 and 1.43, the human references'
# between 0.62 and 1.54, so none of the 1,500 pairs is flagged.
MIN_LENGTH_CHECK_CHARS = 15  # below this, length ratios say little ("Ja." -> "Yes.")
MIN_LENGTH_RATIO = 0.4
MAX_LENGTH_RATIO = 2.5
# Characters of leeway either way, so that a short idiom is not flagged for being idiomatic
# ("Jag kommer att försöka." -> "I'll try.", ratio 0.39).
LENGTH_SLACK_CHARS = 4
MIN_UNTRANSLATED_WORDS = 4
# n-gram size -> consecutive repeats that make a loop; a word with its clitics is several
# words here ("men's standing Super-G" is five), so loops of up to six are looked for.
LOOP_REPEATS = {1: 4, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3}
MIN_DIVERSITY_WORDS = 8
MIN_DIVERSITY = 0.35  # distinct words / words

FLAG_EXPLANATIONS = {
    "repetition": "the translation repeats itself, as a looping model does",
    "length": "the translation is much shorter or longer than the original",
    "untranslated": "the model copied the original instead of translating it",
    "restored": "the model lost a link, name or term, which was put back by position",
    "number": "a number of the original is missing from the translation, or was changed",
    "unreadable": "the model wrote characters that are not text (control characters, U+FFFD), which were removed",
}


def explain(flags: list[str]) -> str:
    """What a sentence's flags mean, in one line for a note, a footnote or a hover."""
    return "; ".join(FLAG_EXPLANATIONS.get(flag, flag) for flag in flags)


# What no handout can hold: control characters but tab and line breaks, U+FFFD (a decoder's
# "unreadable"), noncharacters and lone surrogates. DOCX refuses them outright, XML formats
# become ill-formed, and HTML shows boxes.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff\ud800-\udfff]")


def readable(text: str) -> tuple[str, bool]:
    """The text without characters that are not text (collapsing the spaces they leave), and whether any were."""
    cleaned = _NOT_TEXT.sub(" ", text)
    if cleaned == text:
        return text, False
    return re.sub(r"[ ]{2,}", " ", cleaned).strip(), True


# Decoding that breaks loops: no repeated trigrams, a repetition penalty, more beams.
SAFE_DECODING: dict[str, Any] = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.3}
SAFE_MIN_BEAMS = 5


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _loops(words: list[str]) -> bool:
    for n, repeats in LOOP_REPEATS.items():
        for start in range(len(words) - n * repeats + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(1, repeats)):
                return True
    return len(words) >= MIN_DIVERSITY_WORDS and len(set(words)) / len(words) < MIN_DIVERSITY


def check(source: str, translation: str) -> list[str]:
    """What is wrong with a translation, as flags (empty when it looks sound)."""
    flags = []
    if _loops(_words(translation)) and not _loops(_words(source)):
        flags.append("repetition")
    if len(source) >= MIN_LENGTH_CHECK_CHARS:
        shortest = MIN_LENGTH_RATIO * len(source) - LENGTH_SLACK_CHARS
        longest = MAX_LENGTH_RATIO * len(source) + LENGTH_SLACK_CHARS
        if not shortest <= len(translation) <= longest:
            flags.append("length")
    source_words = _words(source)
    if len(set(source_words)) >= MIN_UNTRANSLATED_WORDS and _words(translation) == source_words:
        flags.append("untranslated")
    return flags


# --- translating faithfully --------------------------------------------------------------------


class Generator(Protocol):
    can_decode_safer: bool  # whether generate() honours overrides (an external engine does not)

    def generate(
        self,
        texts: list[str],
        on_progress: Callable[[int, int], None] | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> list[str]: ...

    def default_beams(self) -> int: ...


@dataclass
class Result:
    translation: str
    flags: list[str]


def _score(flags: list[str], source: str, translation: str) -> tuple[int, float]:
    """Fewer flags first, then a length closer to the source's."""
    ratio = len(translation) / max(1, len(source))
    return len(flags), abs(1 - ratio)


def translate_faithfully(
    generator: Generator,
    sources: list[str],
    glossary: Glossary | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    stats: Stats | None = None,
    on_retry: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Translate sentences with protected spans and glossary terms kept, and each result checked.

    ``on_progress`` follows the first pass, ``on_retry`` the second one for the flagged sentences.

    Retries are counted, with their time, into ``stats`` when given.
    """
    masked = [mask(s, glossary) for s in sources]
    outputs = generator.generate([m.text for m in masked], on_progress)
    results = [_finish(source, m, output) for source, m, output in zip(sources, masked, outputs)]

    failing = [i for i, r in enumerate(results) if set(r.flags) - {"restored"}]
    if failing and generator.can_decode_safer:
        started = time.perf_counter()
        safer = dict(SAFE_DECODING, num_beams=max(SAFE_MIN_BEAMS, generator.default_beams()))
        if on_retry:
            on_retry(0, len(failing))
        retried = generator.generate([masked[i].text for i in failing], on_retry, overrides=safer)
        for i, output in zip(failing, retried):
            candidate = _finish(sources[i], masked[i], output)
            if _score(candidate.flags, sources[i], candidate.translation) < _score(
                results[i].flags, sources[i], results[i].translation
            ):
                results[i] = candidate
        if stats is not None:
            stats.retried += len(failing)
            stats.seconds_retry += time.perf_counter() - started
    return results


def _finish(source: str, masked: Masked, output: str) -> Result:
    output, unreadable = readable(output)
    translation, placed = restore(masked, output)
    numbers = source_numbers(source, [(s.start, s.end) for s in masked.spans])
    translation = englished(numbers, translation)
    flags = check(source, translation)
    if unaccounted(numbers, translation):
        flags.append("number")
    if placed:
        flags.append("restored")
    if unreadable:
        flags.append("unreadable")
    return Result(translation, flags)
