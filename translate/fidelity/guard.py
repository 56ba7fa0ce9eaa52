"""The guard: keep what must not change out of the model's reach, put it back, and flag translations that went wrong.

Protected spans (URLs, e-mail addresses, @handles, #hashtags, file paths, inline code,
citations, numbers) and glossary terms are replaced by numbered markers before a
sentence goes to the model, and restored afterwards: in place of the marker when the
model kept it, else at the same relative position in the sentence. Every translation is
then checked for repetition loops, a length far off its source's, and untranslated
copying; a failing sentence is generated again with safer decoding, the better candidate
is kept, and what still fails is flagged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from translate.document import Stats
from translate.fidelity.glossary import Glossary, english_term

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
    # "(Rifkin.2011:115-116)", "(Andersson m.fl., 2019)": a capital, a year, short.
    ("citation", re.compile(r"\((?=[^()\n]{4,80}\))[A-ZÅÄÖ][^()\n]*?\b\d{4}[a-z]?\b[^()\n]*\)")),
    # "1 000", "3,5", "2 500 000", "15.30", "-3,5"; a spaced group counts as one number.
    (
        "number",
        re.compile(r"(?<![\w.,])[-−]?\d{1,3}(?: \d{3})+(?:,\d+)?(?![\d])|(?<![\w.,])[-−]?\d+(?:[.,]\d+)*(?![\w])"),
    ),
]

# Marker brackets, the first whose opening character the sentence does not use.
_MARKER_BRACKETS = (("[", "]"), ("{", "}"), ("<", ">"))


def english_number(swedish: str) -> str:
    """The same value written the English way: "3,5" -> "3.5", "1 000" -> "1,000"."""
    text = swedish.replace("−", "-")
    if " " in text:
        whole, _, decimals = text.partition(",")
        return whole.replace(" ", ",") + (f".{decimals}" if decimals else "")
    if re.fullmatch(r"-?\d+,\d+", text):
        return text.replace(",", ".")
    return text


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
            if free(match.start(), match.end()):
                value = match.group()
                replacement = english_number(value) if kind == "number" else value
                found.append(Span(match.start(), match.end(), kind, value, replacement))
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
    for index in missing:
        text = _insert_by_position(text, masked, index)
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
    return text, bool(missing)


def _insert_by_position(text: str, masked: Masked, index: int) -> str:
    """Insert a lost span where it stood, relative to the sentence's length, at a word boundary."""
    marker = masked.marker_for(index)
    relative = masked.text.find(marker) / max(1, len(masked.text))
    target = round(relative * len(text))
    boundaries = [0, len(text)] + [m.start() for m in re.finditer(r"\s", text)]
    position = min(boundaries, key=lambda b: abs(b - target))
    return f"{text[:position]} {masked.spans[index].replacement} {text[position:]}"


# --- the guard ---------------------------------------------------------------------------------

MIN_LENGTH_CHECK_CHARS = 15  # below this, length ratios say little ("Ja." -> "Yes.")
MIN_LENGTH_RATIO = 0.4
MAX_LENGTH_RATIO = 2.5
MIN_UNTRANSLATED_WORDS = 4
LOOP_REPEATS = {1: 4, 2: 3, 3: 3, 4: 3}  # n-gram size -> consecutive repeats that make a loop
MIN_DIVERSITY_WORDS = 8
MIN_DIVERSITY = 0.35  # distinct words / words

FLAG_EXPLANATIONS = {
    "repetition": "the translation repeats itself, as a looping model does",
    "length": "the translation is much shorter or longer than the original",
    "untranslated": "the model copied the original instead of translating it",
    "restored": "the model lost a link, name, number or term, which was put back by position",
}

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
        ratio = len(translation) / len(source)
        if not MIN_LENGTH_RATIO <= ratio <= MAX_LENGTH_RATIO:
            flags.append("length")
    source_words = _words(source)
    if len(set(source_words)) >= MIN_UNTRANSLATED_WORDS and _words(translation) == source_words:
        flags.append("untranslated")
    return flags


# --- translating faithfully --------------------------------------------------------------------


class Generator(Protocol):
    options: Any

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
) -> list[Result]:
    """Translate sentences with protected spans and glossary terms kept, and each result checked.

    Retries are counted, with their time, into ``stats`` when given.
    """
    masked = [mask(s, glossary) for s in sources]
    outputs = generator.generate([m.text for m in masked], on_progress)
    results = [_finish(source, m, output) for source, m, output in zip(sources, masked, outputs)]

    failing = [i for i, r in enumerate(results) if set(r.flags) - {"restored"}]
    if failing:
        started = time.perf_counter()
        safer = dict(SAFE_DECODING, num_beams=max(SAFE_MIN_BEAMS, generator.default_beams()))
        retried = generator.generate([masked[i].text for i in failing], overrides=safer)
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
    translation, placed = restore(masked, output)
    flags = check(source, translation)
    if placed:
        flags.append("restored")
    return Result(translation, flags)
