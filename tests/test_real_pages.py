"""The quality gate over real Swedish pages nobody on the project wrote (tests/realpages/, provenance in its README).

The gates sit a little under what cleaning measures today (benchmarks/real_pages.py prints
the table), so that a change which loses the post on a real page fails here. The blind part
was scored once before any rule was tuned on the corpus; its first-run figures are kept in
benchmarks/results/real-pages-blind-first-run.json and reported in the README.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import lxml.html
import pytest

from translate.evaluation import evaluate_real_pages
from translate.pipeline import load_document
from translate.text.landmarks import read_landmark
from translate.text.recurring import drop_batch_chrome

CORPUS = Path(__file__).parent / "realpages"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
# Pages from these repositories are kept for the project's own evaluation (issue 15).
RESERVED = {
    "Upsalafandom/upsala.fandom.se", "psu/vegegariskhusmanskost.se", "visansvanner/hfors-arkiv",
    "hhursev/recipe-scrapers", "staffanm/ferenda", "dan-larsson/dan-larsson.github.io", "athega/athega.github.io",
    "madr/se", "justarrived/justarrived.github.io", "danderydsgymnasium/www", "luftdata/luftdata.se",
    "stavenek/minmerca",
}  # fmt: skip


@pytest.fixture(scope="module")
def report():
    return evaluate_real_pages(CORPUS)


def test_every_page_says_where_it_came_from() -> None:
    assert len(MANIFEST) >= 40
    pages = {entry["page"] for entry in MANIFEST}
    assert len(pages) == len(MANIFEST)
    assert pages == {p.name for p in (CORPUS / "pages").iterdir()}
    for entry in MANIFEST:
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), entry
        assert entry["repo"] and entry["path"] and entry["site"] and entry["platform"] and entry["captured"], entry
        assert entry["repo"] not in RESERVED, entry
        assert entry["format"] == {".html": "html", ".md": "md", ".txt": "txt"}[Path(entry["page"]).suffix]
        truth = json.loads((CORPUS / "expected" / f"{entry['page']}.json").read_text(encoding="utf-8"))
        assert truth["paragraphs"] and all(isinstance(p, str) and p.strip() for p in truth["paragraphs"])
    assert {e["format"] for e in MANIFEST} == {"html", "md", "txt"}
    assert len({e["site"] for e in MANIFEST}) >= 5


def test_the_blind_part_is_the_one_fixed_before_tuning() -> None:
    """A page's part follows from its group's name, so no page can move out of the blind part unseen."""
    for entry in MANIFEST:
        blind = int(hashlib.sha1(entry["group"].encode()).hexdigest()[:8], 16) % 3 == 0
        assert entry["split"] == ("blind" if blind else "dev"), entry["page"]
    assert sum(e["split"] == "blind" for e in MANIFEST) >= 10


def test_development_pages_keep_the_post_and_little_else(report) -> None:
    assert report.precision("dev") >= 0.96
    assert report.recall("dev") >= 0.99
    lost = {p.page: round(p.recall, 3) for p in report.select("dev") if p.recall < 0.93}
    assert not lost, lost
    wrong_titles = [(p.page, p.title_kept) for p in report.select("dev") if p.title_kept != p.title_expected]
    assert len(wrong_titles) <= 1, wrong_titles


def test_no_blind_page_loses_its_post(report) -> None:
    """Recall is the part of the issue's target the blind pages meet; precision is gated where it stands."""
    assert report.recall("blind") >= 0.99
    lost = {p.page: round(p.recall, 3) for p in report.select("blind") if p.recall < 0.9}
    assert not lost, lost
    assert report.precision("blind") >= 0.65


def test_html_pages_are_read_by_their_landmarks_where_they_mark_them(report) -> None:
    readings = {p.page: p.reading for p in report.pages if p.page.endswith(".html")}
    assert readings["rr-bugg.html"] == "page landmarks (<main>)"
    assert readings["bth-parlkransar.html"] == "page landmarks (<article>)"
    assert all(readings.values())


def _dropped(page: str) -> dict[str, str]:
    document = load_document(CORPUS / "pages" / page)
    return {d.text: d.reason for d in document.dropped}


def test_the_page_markup_is_a_reason_and_says_so() -> None:
    """Back-to-top links, a table of contents of in-page links, a byline box and a breadcrumb trail are
    dropped for what the markup says they are, each with that reason."""
    reasons = set(_dropped("bth-php-steg.html").values())
    assert "link within the page (table of contents or back to top)" in reasons
    assert "breadcrumb trail (so marked in the page)" in set(_dropped("rr-bugg.html").values())


def test_a_gallery_beside_the_article_is_the_article() -> None:
    """The pictures' captions stand in an <aside> before the <article>; they are the post's."""
    document = load_document(CORPUS / "pages" / "bth-parlkransar.html")
    captions = [p.source for p in document.paragraphs if p.source.startswith("Pärlkrans, gravprydnad")]
    assert len(captions) == 7
    assert document.title and document.title.source == "Pärlkransar"


def test_the_first_heading_of_the_content_names_the_post_not_the_title_tag() -> None:
    document = load_document(CORPUS / "pages" / "rr-bugg.html")
    page = (CORPUS / "pages" / "rr-bugg.html").read_text(encoding="utf-8")
    assert re.search(r"<title>(.*?)</title>", page).group(1) == "Bugg - Kursöversikt - Danskurser | Rockrullarna"
    assert document.title and document.title.source == "Bugg med fart, rytm och improvisation"


def test_a_table_of_contents_link_named_comments_does_not_start_the_comments() -> None:
    """bth-php-steg's table of contents links to a section "Kommentarer"; the body after it is the post."""
    document = load_document(CORPUS / "pages" / "bth-php-steg.html")
    assert not any("comment" in reason for reason in _dropped("bth-php-steg.html").values())
    assert sum(len(p.source.split()) for p in document.paragraphs) > 1800


def test_a_plain_text_copy_finds_its_title_over_the_byline() -> None:
    """In the browser copy the captions come before the title; the title stands over "Av ... 14:e oktober 2010"."""
    document = load_document(CORPUS / "pages" / "bth-konfekt.txt")
    assert document.title and document.title.source == "Begravningskonfekt"
    reasons = _dropped("bth-konfekt.txt")
    assert reasons["Av Ronny Holm, bearbetad av Mikael Roos, mos@bth.se. 14:e oktober 2010"] == "byline, date or tags"
    assert any(r == "author bio or signature after the sign-off" for r in reasons.values())


# --- the reading of landmarks, mechanism by mechanism (small pages, as a browser builds them) ------------------


def _landmark(body: str):
    return read_landmark(lxml.html.fromstring(f"<!DOCTYPE html><html><body>{body}</body></html>"))


def test_a_page_without_landmarks_gets_no_landmark_reading() -> None:
    assert _landmark("<div><p>Text.</p></div><div><p>Mer.</p></div>") is None
    assert _landmark("<article><p>En.</p></article><article><p>Två.</p></article>") is None


def test_what_the_page_hides_or_calls_navigation_is_not_read() -> None:
    landmark = _landmark(
        "<main><nav><a href='/'>Hem</a></nav><p aria-hidden='true'>ETIKETT</p><p hidden>Dold</p>"
        "<p style='display: none'>Osynlig</p><h1>Rubrik</h1><p>Brödtext här.</p><form><p>Sök</p></form>"
        "<p class='visible-phone'>Tips för mobilen</p><footer>Sidfot</footer></main>"
    )
    assert [b.text for b in landmark.blocks] == ["Rubrik", "Brödtext här."]
    assert landmark.h1 == "Rubrik" and landmark.region == "main"


def test_asides_inside_the_content_are_kept_unless_they_are_links() -> None:
    landmark = _landmark(
        "<main><h1>R</h1><p>Text.</p><aside><h2>Bra att veta</h2><p>Faktaruta med text.</p></aside>"
        "<aside><a href='/a'>Annat inlägg ett</a> <a href='/b'>Annat inlägg två</a></aside></main>"
        "<aside><p>Sidopanel utanför innehållet.</p></aside>"
    )
    assert [b.text for b in landmark.blocks] == ["R", "Text.", "Bra att veta", "Faktaruta med text."]


def _markup_reasons(body: str) -> dict[str, str | None]:
    """Each block's text, and what the markup says of it."""
    return {b.text: b.markup_reason for b in _landmark(body).blocks}


def test_links_are_marked_by_where_they_point() -> None:
    reasons = _markup_reasons(
        "<main><p><a href='#top'>Till toppen</a></p><p><a class='btn btn-primary' href='/kurser'>Se kurser</a></p>"
        "<p><a href='/exempel.php'>Se exemplet</a></p><div><a href='https://x.se/lista'>Hämtar listan...</a>"
        "<script src='https://x.se/init.js'></script></div></main>"
    )
    assert reasons == {
        "Till toppen": "link within the page (table of contents or back to top)",
        "Se kurser": "button link",
        "Se exemplet": None,  # a link in the body is the body's
        "Hämtar listan...": "stand-in for content a script loads",
    }
    assert all(b.link_only for b in _landmark("<main><p><a href='/a'>A</a></p><p><a href='#b'>B</a></p></main>").blocks)


def test_links_in_prose_keep_where_they_lead_and_menus_do_not() -> None:
    """Paper cannot be clicked: "läs mer här" says nothing without its address. Only addresses a reader of the
    handout can open are added, and none where the text already spells out the address."""
    landmark = _landmark(
        "<main><h2><a href='https://x.se/del'>Rubrik med länk</a></h2>"
        "<p>Läs mer <a href='https://x.se/a'>här</a> och på <a href='https://x.se'>x.se</a>, "
        "<a href='/relativ'>relativt</a> eller <a href='mailto:a@x.se'>mejla</a>.</p>"
        "<ul><li><a href='https://x.se/hem'>Hem</a></li></ul></main>"
    )
    assert [b.text for b in landmark.blocks] == [
        "Rubrik med länk",
        "Läs mer här (https://x.se/a) och på x.se, relativt eller mejla.",
        "Hem",
    ]
    assert landmark.blocks[2].link_only


def test_cells_list_items_and_run_in_labels_keep_their_boundaries() -> None:
    landmark = _landmark(
        "<main><table><tr><td><p>Första.</p><p>Andra.</p></td></tr></table>"
        "<ul><li>Ett</li><li>Två</li></ul><div><strong>Tid</strong>45 minuter</div>"
        "<p>Ord med <b>fet</b>stil.</p><p><span>Hej</span> <a href='/x'>där</a> och text.</p></main>"
    )
    assert [(b.kind, b.text) for b in landmark.blocks] == [
        ("paragraph", "Första."), ("paragraph", "Andra."), ("list-item", "Ett"), ("list-item", "Två"),
        ("paragraph", "Tid"), ("paragraph", "45 minuter"), ("paragraph", "Ord med fetstil."),
        ("paragraph", "Hej där och text."),
    ]  # fmt: skip


def test_a_photo_credit_caption_and_a_time_line_are_marked() -> None:
    reasons = _markup_reasons(
        "<article><h1>R</h1><p>Publicerad <time datetime='2024-01-02'>2 januari 2024</time></p>"
        "<figure><img src='a.jpg' alt='alt'><figcaption>Bron. Foto: Eva Ek</figcaption></figure>"
        "<p>Texten.</p></article>"
    )
    assert reasons["Publicerad 2 januari 2024"] == "date line (so marked in the page)"
    assert reasons["Bron. Foto: Eva Ek"] == "photo caption (it credits the photographer)"
    assert reasons["Texten."] is None
    assert "alt" not in " ".join(reasons)


def _site_batch(site: str, fmt: str) -> list:
    pages = [e["page"] for e in MANIFEST if e["site"] == site and e["format"] == fmt and e["split"] == "dev"]
    documents = [load_document(CORPUS / "pages" / page) for page in pages]
    drop_batch_chrome(documents)
    return documents


def test_a_batch_of_one_sites_pages_drops_what_recurs_on_them_and_keeps_recurring_headings() -> None:
    association = _site_batch("rockrullarna.se", "html")
    recurring = {d.text for doc in association for d in doc.dropped if d.reason.startswith("recurs in 4 of the 11")}
    assert recurring == {"Om listan inte laddas automatiskt hittar du kurserna via dans.se/rockrullarna/shop."}
    blog = _site_batch("dannesteknikhorna.se", "md")
    assert sum(p.source == "Status" and p.kind == "heading" for doc in blog for p in doc.paragraphs) == 3
    assert not any(d.reason.startswith("recurs") for doc in blog for d in doc.dropped)
