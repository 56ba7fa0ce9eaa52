"""Numbers: check that every number of a Swedish sentence is accounted for in its English translation, and put
Swedish-format numbers the model left as they were into English form.

Numbers are not masked before translation: measured on real opus-mt output (README, "What
is protected"), the model writes nearly all of them right by itself, and in the English
form a reader expects ("1400-talet" -> "15th century", "kl. 20.30" -> "8:30", "35 000" ->
"35,000"), which a marker would forbid. So they are checked afterwards instead. A number
counts as accounted for when the translation has one with the same digits, or an English
reading of it: a 12-hour clock time, a century's ordinal, a decade's short form, or a
small number written as a word ("4 månader" -> "four months").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Swedish groups thousands with spaces ("35 000"; normalize_text has made no-break spaces plain)
# and writes decimals with a comma ("4,9"); a run of digits joined by . , or : is one number
# ("20.30", "802.11", "4:41,30").
_NUMBER = re.compile(r"(?<![\d])\d{1,3}(?: \d{3})+(?:,\d+)?(?![\d])|\d+(?:[.,:]\d+)*")
_CLOCK = re.compile(r"([01]?\d|2[0-3])[.:]([0-5]\d)")
_CENTURY = re.compile(r"(\d{1,2})00(?=-(?:\d{1,2}00-)?tal)")  # "1400-talet", the 1100 of "1100-1200-talet"
_DECADE = re.compile(r"\d{1,3}0(?=-tal)")  # "1960-talet", "90-talet"
_SWEDISH_DECIMAL = re.compile(r"\d+,(?:\d{1,2}|\d{4,})")  # "3,5", "3,50": three decimals could be a thousand

_ENGLISH_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "single": 1, "once": 1, "twice": 2,
    "dozen": 12, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90,
    # A date's month ("2020-01-15" -> "15 January 2020"); not "may", which is mostly the verb.
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MULTIPLIER = re.compile(r"\s+(hundred|thousand)\b", re.IGNORECASE)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# "thirty-four" is one number; the alternation tries it before "thirty".
_WORD = re.compile(
    rf"\b(?:(?P<tens>{_TENS})[- ](?P<units>{_UNITS})\b|(?P<word>"
    + "|".join(sorted(_ENGLISH_WORDS, key=len, reverse=True))
    + r")\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    """A number as written in a sentence, and the digit strings that count as the same number."""

    text: str
    start: int
    end: int
    keys: frozenset[str]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text).lstrip("0") or "0"


def source_numbers(sentence: str, skip: list[tuple[int, int]] | None = None) -> list[Number]:
    """The numbers of a Swedish sentence (outside the ``skip`` ranges: protected spans), with their English readings."""
    found = []
    for match in _NUMBER.finditer(sentence):
        if any(a <= match.start() < b for a, b in skip or []):
            continue
        text = match.group()
        keys = {_digits(text)}
        clock = _CLOCK.fullmatch(text)
        if clock:
            hour, minutes = int(clock.group(1)), clock.group(2)
            keys.add(f"{hour % 12 or 12}{minutes}")  # "20.30" -> "8:30"
            if minutes == "00":
                keys |= {str(hour), str(hour % 12 or 12)}  # "kl. 20.00" -> "8 p.m."
        century = _CENTURY.match(sentence, match.start())
        if century and century.end() == match.end():
            keys.add(str(int(century.group(1)) + 1))  # "1400-talet" -> "15th century"
        decade = _DECADE.match(sentence, match.start())
        if decade and decade.end() == match.end():
            keys.add(_digits(text[-2:]))  # "1960-talet" -> "the '60s"
        if re.fullmatch(r"\d+,\d+", text):
            keys.add(_digits(text.rstrip("0")))  # "3,50" -> "3.5"
        found.append(Number(text, match.start(), match.end(), frozenset(keys)))
    return found


def translation_numbers(translation: str) -> list[set[str]]:
    """The numbers of an English translation, each as the digit strings it can stand for."""
    numbers = []
    for match in _NUMBER.finditer(translation):
        text = match.group()
        keys = {_digits(text)}
        if re.fullmatch(r"\d+\.\d+", text):
            keys.add(_digits(text.rstrip("0")))
        numbers.append(keys)
    for match in _WORD.finditer(translation):
        if match.group("tens"):
            value = _ENGLISH_WORDS[match.group("tens").lower()] + _ENGLISH_WORDS[match.group("units").lower()]
        else:
            value = _ENGLISH_WORDS[match.group("word").lower()]
        keys = {str(value)}
        multiplier = _MULTIPLIER.match(translation, match.end())
        if multiplier and value < 100:
            keys.add(str(value * _ENGLISH_WORDS[multiplier.group(1).lower()]))  # "two hundred" -> 200
        numbers.append(keys)
    return numbers


def unaccounted(numbers: list[Number], translation: str) -> list[Number]:
    """The source numbers the translation has no number for (each translation number accounts for one)."""
    available = translation_numbers(translation)
    missing = []
    # The numbers with fewest readings first, so that a generous one does not take another's match.
    for number in sorted(numbers, key=lambda n: len(n.keys)):
        match = next((i for i, keys in enumerate(available) if keys & number.keys), None)
        if match is None:
            missing.append(number)
        else:
            available.pop(match)
    return sorted(missing, key=lambda n: n.start)


def english_number(swedish: str) -> str:
    """The same value written the English way: "3,5" -> "3.5", "1 000" -> "1,000"."""
    text = swedish.replace("−", "-")
    if " " in text:
        whole, _, decimals = text.partition(",")
        return whole.replace(" ", ",") + (f".{decimals}" if decimals else "")
    if re.fullmatch(r"-?\d+,\d+", text):
        return text.replace(",", ".")
    return text


def englished(numbers: list[Number], translation: str) -> str:
    """The translation with each Swedish-format number of the source that the model copied as it was ("6 000",
    "3,50") written the English way ("6,000", "3.50")."""
    for number in numbers:
        if " " in number.text or _SWEDISH_DECIMAL.fullmatch(number.text):
            pattern = re.compile(r"(?<![\d.,])" + re.escape(number.text) + r"(?![\d]|[.,]\d)")
            translation = pattern.sub(english_number(number.text), translation)
    return translation
