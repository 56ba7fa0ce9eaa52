import json
from pathlib import Path

import pytest

from translate import CleanOptions, ReadOptions, prepare_document
from translate.text.blocks import split_line_group
from translate.text.parsing import detect_format, parse_html, parse_markdown


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("post.html", "plain words", "html"),
        ("post.HTM", "", "html"),
        ("post.md", "# Rubrik", "md"),
        ("post.txt", "<html><body>x</body></html>", "txt"),
        ("<stdin>", "<!DOCTYPE html>\n<html><body><p>Hej</p></body></html>", "html"),
        (None, "Vanlig text med <b>en tagg</b>.", "txt"),
    ],
)
def test_detect_format(name, text, expected) -> None:
    assert detect_format(name, text) == expected


def test_hard_wrapped_lines_are_joined_and_short_last_lines_end_paragraphs() -> None:
    lines = [
        "Vårens första träff blir lördagen den 18 mars kl. 14.00 i",
        "bygdegården. Vi kommer att prata om de gamla fäbodarna och",
        "visa bilder.",
        "Kaffe och hembakat bröd finns till självkostnadspris. Ta gärna",
        "med egna bilder.",
    ]
    assert split_line_group(lines) == [
        "Vårens första träff blir lördagen den 18 mars kl. 14.00 i bygdegården. Vi kommer att prata om "
        "de gamla fäbodarna och visa bilder.",
        "Kaffe och hembakat bröd finns till självkostnadspris. Ta gärna med egna bilder.",
    ]


def test_one_paragraph_per_line_is_kept_apart() -> None:
    lines = [
        "Att läsa högt är en av de bästa sakerna man kan göra för ett barns språkutveckling. Det visar forskning.",
        "När vi läser tillsammans får barnet höra ord som sällan används i vardagligt tal, och ordförrådet växer.",
        "Vilka böcker läser ni?",
    ]
    assert split_line_group(lines) == lines


def test_lists_and_signatures_keep_their_lines() -> None:
    assert split_line_group(["Ingredienser", "- 50 g jäst", "- 5 dl mjölk"]) == [
        "Ingredienser",
        "- 50 g jäst",
        "- 5 dl mjölk",
    ]
    assert split_line_group(["Varma hälsningar,", "Styrelsen"]) == ["Varma hälsningar,", "Styrelsen"]
    assert split_line_group(["1. Smält smöret och häll i", "mjölken.", "2. Baka."]) == [
        "1. Smält smöret och häll i mjölken.",
        "2. Baka.",
    ]


def test_markdown_structure() -> None:
    post = parse_markdown(
        "---\ntitle: Surdeg\n---\n\n# Surdeg\n\nEtt **fett** och *kursivt* ord med [länk](https://x.se).\n\n"
        "## Steg\n\n1. Blanda\n2. Vänta\n\n> Ett citat.\n\n```\nkod = 1\n```\n\n[Subscribe](https://x.se/s)\n"
    )
    assert post.title == "Surdeg"
    assert [(b.kind, b.text) for b in post.blocks] == [
        ("paragraph", "Ett fett och kursivt ord med länk (https://x.se)."),  # the address stays, for paper
        ("heading", "Steg"),
        ("list-item", "1. Blanda"),  # an ordered list keeps its numbers, as the plain text of one does
        ("list-item", "2. Vänta"),
        ("quote", "Ett citat."),
        ("code", "kod = 1"),
        ("paragraph", "Subscribe"),
    ]
    assert post.blocks[-1].link_only and not post.blocks[0].link_only


def test_html_main_content_title_and_comments() -> None:
    html = (Path(__file__).parent / "corpus" / "posts" / "10_blogger.html").read_text(encoding="utf-8")
    post = parse_html(html)
    assert post.title == "Sommarens bästa deckare"
    assert post.blocks[0].text.startswith("Varje sommar läser jag")
    assert not any("Bloggarkiv" in b.text or "Startsida" in b.text for b in post.blocks)
    assert [c.text for c in post.comments or []][1:3] == [
        "Tack för tipsen! Debuten låter spännande.",
        "Den är verkligen bra, läs den!",
    ]


def test_keep_comments_and_keep_all() -> None:
    text = (Path(__file__).parent / "corpus" / "posts" / "01_wordpress_sv_comments.txt").read_text(encoding="utf-8")
    default = prepare_document(text, "post.txt")
    assert default.comments is None
    assert "comments" not in default.to_clean_dict()
    kept = prepare_document(text, "post.txt", ReadOptions(clean=CleanOptions(keep_comments=True)))
    assert [c.source for c in kept.comments or []] == [
        "Så fint! Jag ska också så rädisor i helgen.",
        "Lycka till, Lena!",
    ]
    assert kept.paragraphs == default.paragraphs
    assert json.loads(json.dumps(kept.to_clean_dict()))["comments"][1]["text"] == "Lycka till, Lena!"
    everything = prepare_document(text, "post.txt", ReadOptions(clean=CleanOptions(keep_all=True)))
    assert everything.dropped == []
    sources = [p.source for p in everything.paragraphs]
    assert "Hoppa till innehåll" in sources and "Blogga med WordPress.com." in sources


def test_every_block_is_kept_or_dropped_with_a_reason() -> None:
    """Nothing a user wrote disappears silently: kept, comments and dropped account for every block."""
    from translate.text.cleaning import clean_post
    from translate.text.parsing import parse_post
    from translate.text.reading import read_text

    for path in sorted((Path(__file__).parent / "corpus" / "posts").iterdir()):
        if path.name.endswith(".json"):
            continue
        post = parse_post(read_text(path), detect_format(path.name, ""))
        cleaned = clean_post(post, CleanOptions(keep_comments=True))
        title_from_blocks = 1 if post.title is None and cleaned.title is not None else 0
        accounted = len(cleaned.paragraphs) + len(cleaned.comments) + len(cleaned.dropped) + title_from_blocks
        assert accounted == len(post.blocks) + len(post.comments or []), path.name
        assert all(d.reason for d in cleaned.dropped), path.name


def test_paragraphs_inside_a_table_cell_or_a_list_item_stay_apart() -> None:
    """trafilatura nests <p> in <cell> and <item>; their texts once ran together with no space."""
    html = (
        "<html><body><article><h1>Rubrik</h1><p>Det här är en lång inledande mening om ämnet som behövs.</p>"
        "<table><tr><td><p>Första stycket i cellen.</p><p>Andra stycket i cellen.</p></td><td>Enkel cell</td></tr>"
        "</table><ul><li><p>Punkt ett, första stycket.</p><p>Punkt ett, andra stycket.</p></li><li>Punkt två.</li>"
        "</ul><p>Ett avslutande stycke som är tillräckligt långt för att räknas som brödtext.</p>"
        "</article></body></html>"
    )
    blocks = [(b.kind, b.text) for b in parse_html(html).blocks]
    assert ("paragraph", "Första stycket i cellen.") in blocks and ("paragraph", "Andra stycket i cellen.") in blocks
    assert ("list-item", "Punkt ett, första stycket.") in blocks
    assert ("list-item", "Punkt ett, andra stycket.") in blocks
    assert not any("cellen.Andra" in text or "stycket.Punkt" in text for _, text in blocks)
