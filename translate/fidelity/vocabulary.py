"""Learners' word list: the post's most characteristic Swedish words, glossed in English by the translation model.

No extra model and no word-frequency download: following Luhn's "significant words"
(1958), a post's topic words are the content words it repeats. Function words are removed
with a stop list, names (words only ever written with a capital letter inside a sentence)
are left out, and the rest are ranked by how many paragraphs use them, then how often,
then length (longer Swedish words are rarer, compounds carry meaning), then alphabetically,
so the list is stable. Each word is glossed on its own by the translation model, or by the
glossary when it has the word; a word glossed as itself (a name, or "information") is left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

from translate.document import Document, VocabularyEntry
from translate.fidelity.glossary import Glossary

# Common Swedish function words and very frequent verbs and adverbs: not vocabulary worth a list.
STOPWORDS = frozenset(
    """
    alla allt alltid andra annan annat att av bara bli blev blir blivit bäst bättre både de dem den denna
    deras dess dessa det detta dig din dina ditt du där då efter eftersom ej eller en ett fast fick fler
    flera fram från få får fått för före förra genom ha hade han hans har hela hem hen henne hennes hit
    hon honom hur här hos i ibland idag igen in inga ingen inget inom inte ja jag ju just kan kanske kom kommit
    komma kommer kunde kunna man mellan men mer mera mig min mina mitt mot mycket många måste ned nej ner
    ni nog när nästa någon något några nu och också om oss på samma sedan sig sin sina sitt själv ska
    skall skulle som så sådan sådant säger sätt till tillbaka under upp ut utan vad var vara varför varit
    varje vart vem vi vid vilka vilken vilket vill vår vårt våra än ännu är även åt över blir gör göra
    gjorde gjort finns fanns tar tog ta går gick gått står stod sett ser såg säga sa sade vet visste tror
    trodde vill ville tycker tyckte lite liten lilla stor stora stort bra dag dagar år åren gång gånger
    tid väldigt ganska helt riktigt verkligen alltså redan snart aldrig ofta här där dit bort kvar
    """.split()
)
_WORD = re.compile(r"[A-Za-zÅÄÖÉÜåäöéü]+(?:-[A-Za-zÅÄÖÉÜåäöéü]+)*")
MIN_LENGTH = 4
# Candidates glossed beyond the list's length, to replace words whose gloss is the word itself.
SPARE_CANDIDATES = 5


def characteristic_words(document: Document, count: int) -> list[tuple[str, int]]:
    """Up to ``count`` (word, occurrences) pairs, most characteristic first."""
    occurrences: Counter[str] = Counter()
    paragraphs_using: Counter[str] = Counter()
    lowercase_seen: set[str] = set()
    for paragraph in document.paragraphs:
        if paragraph.kind == "code":
            continue
        seen_here: set[str] = set()
        for sentence in paragraph.sentences:
            for position, match in enumerate(_WORD.finditer(sentence.source)):
                word = match.group()
                key = word.lower()
                if position > 0 and word[0].islower():
                    lowercase_seen.add(key)
                elif position == 0:
                    lowercase_seen.add(key)  # sentence-initial capitals say nothing about names
                if len(key) < MIN_LENGTH or key in STOPWORDS:
                    continue
                occurrences[key] += 1
                seen_here.add(key)
        paragraphs_using.update(seen_here)
    candidates = [w for w in occurrences if w in lowercase_seen]
    candidates.sort(key=lambda w: (-paragraphs_using[w], -occurrences[w], -math.log(len(w)), w))
    return [(word, occurrences[word]) for word in candidates[:count]]


def build_vocabulary(
    document: Document, count: int, translate_words: Callable[[list[str]], list[str]], glossary: Glossary | None = None
) -> list[VocabularyEntry]:
    """The word list with glosses: the glossary's where it has the word, else the translation model's.

    A word whose gloss is the word itself ("information", "linux" -> "Linux") is one an English
    reader knows already, or a name: it is left out, and the next candidate takes its place.
    """
    words = characteristic_words(document, count + SPARE_CANDIDATES)
    terms = {sv.lower(): en for sv, en in (glossary.terms.items() if glossary else [])}
    needed = [w for w, _ in words if not terms.get(w)]
    glosses = dict(zip(needed, translate_words(needed) if needed else []))
    entries = [VocabularyEntry(word, (terms.get(word) or glosses.get(word, "")).strip(), n) for word, n in words]
    return [e for e in entries if e.english.strip(" .").casefold() != e.swedish.casefold()][:count]
