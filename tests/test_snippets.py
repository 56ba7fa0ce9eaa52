"""Snippets (the API's q): every run of text is translated, and everything around it comes back unchanged."""

from __future__ import annotations

import re

from translate.text.snippets import parse_snippet


def _fake_translate(snippet, marker: str = "EN") -> None:  # type: ignore[no-untyped-def]
    for number, sentence in enumerate(snippet.document.all_sentences()):
        sentence.translation = f"{marker}{number}"


def test_text_keeps_its_line_breaks_and_edges() -> None:
    text = "  Hej världen. Det snöar.\n\nNy rad  här\n\t\nSlut.\n"
    snippet = parse_snippet(text)
    assert [p.source for p in snippet.document.paragraphs] == ["Hej världen. Det snöar.", "Ny rad här", "Slut."]
    assert [s.source for s in snippet.document.all_sentences()] == ["Hej världen.", "Det snöar.", "Ny rad här", "Slut."]
    _fake_translate(snippet)
    # Leading spaces and every line break are kept; a whitespace-only line stays as it was (normalized).
    assert snippet.translated() == "  EN0 EN1\n\nEN2\n \nEN3\n"


def test_text_without_words_has_nothing_to_translate() -> None:
    snippet = parse_snippet(" \n\n ")
    assert snippet.document.paragraphs == []
    assert snippet.translated() == " \n\n "
    assert snippet.document.source_characters() == 0


def test_html_keeps_every_tag_and_leaves_code_alone() -> None:
    markup = (
        '<p class="lead">Hej <b>världen</b>!</p>\n<!-- en kommentar -->'
        "<pre>kod &lt;här&gt;</pre><script>var svensk = 'text';</script>"
        '<img src="bild.jpg" alt="En bild"/><p>Fisk &amp; potatis.</p>'
    )
    snippet = parse_snippet(markup, "html")
    assert [s.source for s in snippet.document.all_sentences()] == ["Hej", "världen", "!", "Fisk & potatis."]
    for sentence in snippet.document.all_sentences():
        sentence.translation = "a < b & c"
    out = snippet.translated()
    tags = re.compile(r"<!--.*?-->|<[^>]+>")
    assert tags.findall(out) == tags.findall(markup)
    # Text inside pre and script is untouched; new text is escaped so it cannot open a tag.
    assert "<pre>kod &lt;här&gt;</pre><script>var svensk = 'text';</script>" in out
    assert '<p class="lead">a &lt; b &amp; c <b>a &lt; b &amp; c</b>a &lt; b &amp; c</p>' in out


def test_html_unclosed_verbatim_element_keeps_the_rest() -> None:
    snippet = parse_snippet("<p>Ett.</p><code>x = 1<p>Två.</p>", "html")
    assert [s.source for s in snippet.document.all_sentences()] == ["Ett."]
