import pytest
from conftest import SAMPLE_PARAGRAPHS

from translate.text.segment import split_sentences, split_to_fit


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "Vi såg t.ex. fåglar. Det var bl.a. kråkor och s.k. skator, dvs. svarta fåglar. Nästa!",
            ["Vi såg t.ex. fåglar.", "Det var bl.a. kråkor och s.k. skator, dvs. svarta fåglar.", "Nästa!"],
        ),
        (
            "Det har gynnat klimatet för nya innovationer (Rifkin.2011:115-116). Sedan hände något.",
            ["Det har gynnat klimatet för nya innovationer (Rifkin.2011:115-116).", "Sedan hände något."],
        ),
        (
            "Mötet är kl. 15.30 i dag. Ca. 20 personer kom, jfr. förra året. Vad tycker du?",
            ["Mötet är kl. 15.30 i dag.", "Ca. 20 personer kom, jfr. förra året.", "Vad tycker du?"],
        ),
        ("En mening utan slutpunkt", ["En mening utan slutpunkt"]),
    ],
)
def test_swedish_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(
    "paragraph",
    SAMPLE_PARAGRAPHS
    + [
        'Slut.Nästa mening börjar utan mellanslag. Och "citat." Sen?! Ja... Nej.',
        "Se https://example.com/a.b?c=1. Mejla anna.b@example.se! Klart.",
    ],
)
def test_sentences_join_back_to_the_paragraph(paragraph: str) -> None:
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == paragraph
    assert all(s == s.strip() and s for s in sentences)


def test_split_to_fit_prefers_clause_boundaries_and_loses_nothing() -> None:
    text = "ett två tre, fyra fem sex; sju åtta nio tio elva tolv tretton"
    pieces = split_to_fit(text, lambda t: len(t.split()), 4)
    assert " ".join(pieces) == text
    assert all(len(p.split()) <= 4 for p in pieces)
    assert pieces[0] == "ett två tre,"


def test_split_to_fit_cuts_an_overlong_word() -> None:
    word = "x" * 50
    pieces = split_to_fit(word, len, 8)
    assert "".join(pieces) == word
    assert all(len(p) <= 8 for p in pieces)
