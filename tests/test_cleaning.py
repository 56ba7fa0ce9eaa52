import re

import pytest
from conftest import SAMPLE_CHROME, SAMPLE_PARAGRAPHS, SAMPLE_POST, SAMPLE_TITLE, SEED_POST

from translate.options import CleanOptions
from translate.text.cleaning import clean_text
from translate.text.reading import read_text


def test_sample_post_keeps_title_and_body_and_drops_chrome() -> None:
    cleaned = clean_text(read_text(SAMPLE_POST))
    assert cleaned.title == SAMPLE_TITLE
    assert [b.text for b in cleaned.paragraphs] == SAMPLE_PARAGRAPHS
    dropped = " ".join(d.text for d in cleaned.dropped)
    for chrome in SAMPLE_CHROME:
        assert chrome in dropped
        assert not any(chrome in b.text for b in cleaned.paragraphs)
    assert all(d.reason for d in cleaned.dropped)


@pytest.mark.skipif(not SEED_POST.exists(), reason="the shared sample post is not beside this checkout")
def test_real_wordpress_post() -> None:
    text = read_text(SEED_POST)
    cleaned = clean_text(text)
    assert cleaned.title == "En ekonomi för samverkan"
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    # The five body paragraphs, unchanged but for whitespace (the post has "fick \u00a0 konkurrens").
    assert [b.text for b in cleaned.paragraphs] == [re.sub(r"\s+", " ", b) for b in blocks[1:6]]
    chrome_start = blocks.index("profil 3")
    assert [d.text for d in cleaned.dropped] == [re.sub(r"\s+", " ", b) for b in blocks[chrome_start:]]
    assert all(d.reason for d in cleaned.dropped)


def test_hard_wrapped_lines_are_joined() -> None:
    cleaned = clean_text("Rubrik\n\nDet här stycket är\nbrutet på flera\nrader.\n\nEtt till.")
    assert cleaned.title == "Rubrik"
    assert [b.text for b in cleaned.paragraphs] == ["Det här stycket är brutet på flera rader.", "Ett till."]


def test_long_paragraph_naming_social_media_is_content() -> None:
    prose = (
        "Gilla eller inte, men Facebook och Twitter har förändrat hur vi pratar med varandra, "
        "och det gäller både unga och gamla i hela landet, från Kiruna i norr till Malmö i söder, "
        "oavsett vad man tycker om det."
    )
    cleaned = clean_text(f"Rubrik\n\n{prose}\n\nGilla\n\nDela detta:")
    assert [b.text for b in cleaned.paragraphs] == [prose]
    assert [d.reason for d in cleaned.dropped] == ["like or share buttons", "like or share buttons"]


def test_first_long_block_is_not_a_title() -> None:
    cleaned = clean_text("Det här är en vanlig mening som inleder inlägget.\n\nOch en till.")
    assert cleaned.title is None
    assert len(cleaned.paragraphs) == 2


def test_single_short_block_is_body_not_title() -> None:
    cleaned = clean_text("Bara en rad")
    assert cleaned.title is None
    assert [b.text for b in cleaned.paragraphs] == ["Bara en rad"]


@pytest.mark.parametrize(
    "marker", ["Leave a Reply", "Lämna ett svar", "3 kommentarer", '2 thoughts on "Vintern i Norrland"', "Kommentarer"]
)
def test_comment_section_drops_everything_after_it(marker: str) -> None:
    cleaned = clean_text(
        f"Rubrik\n\nDet här är själva inlägget.\n\n{marker}\n\nAnna sa: Vilken fin text om vintern!\n\nSvara"
    )
    assert [b.text for b in cleaned.paragraphs] == ["Det här är själva inlägget."]
    assert [d.text for d in cleaned.dropped] == [marker, "Anna sa: Vilken fin text om vintern!", "Svara"]


def test_sentence_that_starts_like_a_comment_marker_is_content() -> None:
    text = "Rubrik\n\nComments on the new law are welcome until May.\n\nKommentarer från läsarna kom snabbt in."
    cleaned = clean_text(text)
    assert [b.text for b in cleaned.paragraphs] == [
        "Comments on the new law are welcome until May.",
        "Kommentarer från läsarna kom snabbt in.",
    ]
    assert cleaned.dropped == []


def test_long_cookie_notice_in_a_copy_paste() -> None:
    notice = (
        "Vi använder cookies och liknande tekniker för att webbplatsen ska fungera, för att analysera trafiken "
        "och för att visa relevant innehåll och annonser. Du kan läsa mer om hur vi använder cookies och ändra "
        "dina val när som helst under Cookieinställningar längst ned på sidan."
    )
    cleaned = clean_text(f"Rubrik\n\nDet här är själva inlägget om vintern.\n\n{notice}\n\nAcceptera alla")
    assert [b.text for b in cleaned.paragraphs] == ["Det här är själva inlägget om vintern."]
    assert cleaned.dropped[0].reason == "cookie notice"


BODY = (
    "Vi plockade svamp i skogen bakom stugan hela förmiddagen.\n\n"
    "Kantarellerna stod tätt under granarna, och korgen blev full på en timme."
)


def _post_then(extra: str) -> dict[str, str]:
    """Clean the mushroom post followed by ``extra``: the body must be intact; returns the drops' reasons."""
    cleaned = clean_text(f"Svampdagen\n\n{BODY}\n\n{extra}")
    assert [b.text for b in cleaned.paragraphs] == BODY.split("\n\n")
    return {d.text: d.reason for d in cleaned.dropped}


def test_teasers_each_followed_by_read_more_are_other_posts() -> None:
    teasers = (
        "Höstens bästa soppa\n\nEn enkel soppa på rotfrukter som värmer en kall kväll.\n\nLäs mer\n\n"
        "Att torka svamp\n\nSå torkar du svamp i ugnen utan att den blir seg.\n\nLäs mer"
    )
    reasons = _post_then(teasers)
    assert reasons["Så torkar du svamp i ugnen utan att den blir seg."].startswith("teasers for other posts")
    # One read-more line alone may point to the rest of this very post.
    single = clean_text(f"Svampdagen\n\n{BODY}\n\nEn enkel soppa på rotfrukter som värmer en kall kväll.\n\nLäs mer")
    assert "En enkel soppa på rotfrukter som värmer en kall kväll." in [b.text for b in single.paragraphs]


def test_snippets_cut_off_with_an_ellipsis_are_teasers_but_not_a_list_that_says_and_so_on() -> None:
    snippets = (
        "Sommarens sista dopp\n\nVattnet var fortfarande varmt när vi badade vid bryggan i slutet av …\n\n"
        "Nya cykeln\n\nEfter tio år med samma cykel bestämde jag mig till slut för att köpa en …"
    )
    assert all(r.startswith("teasers for other posts") for r in _post_then(snippets).values())
    listed = clean_text(
        f"Svampdagen\n\n{BODY}\n\n- Svamp: kantarell, karljohan, trattkantarell ...\n- Bär: blåbär, lingon ..."
    )
    assert len(listed.paragraphs) == 4


def test_comments_without_a_heading_are_found_by_their_bylines() -> None:
    comments = (
        "Karin\n\n12 september 2023\n\nVilken fin dag! Vi var också ute i helgen.\n\n"
        "Olle B, 13 september 2023 kl. 08:10\n\nHittade ni några karljohan också?"
    )
    reasons = _post_then(comments)
    assert reasons["Karin"] == reasons["12 september 2023"] == "comment heading, author or date"
    assert reasons["Hittade ni några karljohan också?"].startswith("comment below the post")
    kept = clean_text(f"Svampdagen\n\n{BODY}\n\n{comments}", CleanOptions(keep_comments=True))
    assert [c.text for c in kept.comments] == [
        "Vilken fin dag! Vi var också ute i helgen.",
        "Hittade ni några karljohan också?",
    ]
