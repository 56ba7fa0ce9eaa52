"""Protected spans, glossary, and the degenerate-output guard (translate/fidelity/)."""

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from translate import ConfigError, ModelOptions, Pipeline, PipelineOptions, Stats
from translate.fidelity.glossary import Glossary, load_glossary
from translate.fidelity.guard import (
    SAFE_DECODING,
    check,
    find_spans,
    mask,
    restore,
    translate_faithfully,
)
from translate.fidelity.numbers import english_number

RICH_SENTENCE = (
    "Läs https://example.se/a?b=1 eller mejla anna.b@example.se, följ @kommunen och #vintermys, "
    "öppna rapport_2020.pdf och kör `pip install x` (Rifkin.2011:115-116) för 3,5 procent av 1 000 kr."
)


@pytest.mark.parametrize(
    ("swedish", "english"),
    [("3,5", "3.5"), ("1 000", "1,000"), ("2 500 000", "2,500,000"), ("1 500,25", "1,500.25"), ("15.30", "15.30"),
     ("2011", "2011"), ("-3,5", "-3.5")],
)  # fmt: skip
def test_numbers_keep_their_value_in_english_notation(swedish: str, english: str) -> None:
    assert english_number(swedish) == english


def test_spans_of_every_kind() -> None:
    kinds = {span.source: span.kind for span in find_spans(RICH_SENTENCE)}
    assert kinds == {
        "https://example.se/a?b=1": "url",
        "anna.b@example.se": "email",
        "@kommunen": "handle",
        "#vintermys": "hashtag",
        "rapport_2020.pdf": "path",
        "`pip install x`": "code",
        "(Rifkin.2011:115-116)": "citation",
    }  # numbers are not masked: the real model writes them better itself (numbers.py)


def test_a_citation_with_swedish_words_is_translated_not_protected() -> None:
    assert [s.kind for s in find_spans("Se (Larson och LaFasto 1989, s.109) och (Smith et al. 2001).")] == ["citation"]
    assert find_spans("Se (Larson och LaFasto 1989, s.109).") == []


def test_markers_are_restored_wherever_the_model_put_them() -> None:
    masked = mask("Se https://a.se och mejla b@c.se i dag.")
    assert masked.text == "Se [1] och mejla [2] i dag."
    text, placed = restore(masked, "Email [ 2 ] today and see [1].")
    assert text == "Email b@c.se today and see https://a.se." and not placed


def test_lost_markers_are_put_back_by_position_and_invented_ones_removed() -> None:
    masked = mask("Se https://a.se och mejla b@c.se i dag.")
    text, placed = restore(masked, "See and email today [7].")
    assert placed
    assert text.count("https://a.se") == 1 and text.count("b@c.se") == 1
    assert "[" not in text
    assert text.index("https://a.se") < text.index("b@c.se")


def test_marker_format_avoids_brackets_in_the_text() -> None:
    masked = mask("Se [1] i listan och https://a.se.")
    assert masked.brackets != ("[", "]")
    assert restore(masked, masked.text)[0] == "Se [1] i listan och https://a.se."


def test_glossary_terms_in_swedish_inflections() -> None:
    glossary = Glossary({"elnät": "power grid", "bil": "car", "Kiruna": ""})
    masked = mask("Elnätet i Kiruna är gammalt, och bilens batteri laddas från elnäten.", glossary)
    replacements = [(s.source, s.replacement) for s in masked.spans]
    assert replacements == [
        ("Elnätet", "Power grid"),
        ("Kiruna", "Kiruna"),
        ("bilens", "car's"),
        ("elnäten", "power grid"),
    ]


def test_glossary_file(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("# terms\nelnät\tpower grid\nAnna Lindqvist\n\n", encoding="utf-8")
    assert load_glossary(path).terms == {"elnät": "power grid", "Anna Lindqvist": ""}
    path.write_text("elnät\tpower grid\textra\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        load_glossary(path)


def test_glossary_in_models_yaml(tmp_path: Path) -> None:
    (tmp_path / "names.tsv").write_text("Umeå\n", encoding="utf-8")
    config = tmp_path / "models.yaml"
    config.write_text("translation:\n  default: x\n  models: {x: {hub_id: a/b}}\nglossary:\n  samverkan: cooperation\n")
    assert _pipeline_glossary(config) == {"samverkan": "cooperation"}
    config.write_text("translation:\n  default: x\n  models: {x: {hub_id: a/b}}\nglossary: names.tsv\n")
    assert _pipeline_glossary(config) == {"Umeå": ""}
    (tmp_path / "more.tsv").write_text("elnät\tpower grid\n", encoding="utf-8")
    both = Pipeline(PipelineOptions(models=ModelOptions(config=config, glossary=tmp_path / "more.tsv")))
    assert both.glossary.terms == {"Umeå": "", "elnät": "power grid"}


def _pipeline_glossary(config: Path) -> dict[str, str]:
    """The glossary a pipeline built from this models.yaml uses (building it loads no model)."""
    return Pipeline(PipelineOptions(models=ModelOptions(config=config))).glossary.terms


@pytest.mark.parametrize(
    ("source", "translation", "flags"),
    [
        ("Vi gick hem efter mötet.", "We went home after the meeting.", []),
        ("Vi gick hem efter mötet.", "We we we we went home.", ["repetition"]),
        ("Vi gick hem efter mötet.", "the meeting the meeting the meeting home", ["repetition"]),
        ("Vi gick hem efter mötet i går kväll.", "Home.", ["length"]),
        ("Vi gick hem sedan.", "We went home, and then we talked about the long meeting all night.", ["length"]),
        ("Vi gick hem efter mötet.", "Vi gick hem efter mötet.", ["untranslated"]),
        ("Ja.", "Yes.", []),
        ("Ha ha ha ha!", "Ha ha ha ha!", []),  # repetition in the source is not the model's loop
    ],
)
def test_guard_checks(source: str, translation: str, flags: list[str]) -> None:
    assert check(source, translation) == flags


class ScriptedGenerator:
    """Returns queued outputs and records the calls."""

    options = SimpleNamespace(beams=None)
    engine_description = "scripted"
    can_decode_safer = True

    def __init__(self, *rounds: list[str]) -> None:
        self.rounds = list(rounds)
        self.calls: list[tuple[list[str], dict | None]] = []

    def generate(self, texts, on_progress=None, overrides=None):  # type: ignore[no-untyped-def]
        self.calls.append((list(texts), overrides))
        return self.rounds.pop(0)

    def default_beams(self) -> int:
        return 2


def test_failing_sentences_are_retried_with_safer_decoding() -> None:
    generator = ScriptedGenerator(
        ["We went home.", "the the the the the the the"],
        ["It was cold for 3 days."],
    )
    stats = Stats()
    results = translate_faithfully(generator, ["Vi gick hem.", "Det var kallt i 3 dagar."], stats=stats)
    assert [r.translation for r in results] == ["We went home.", "It was cold for 3 days."]
    assert [r.flags for r in results] == [[], []]
    texts, overrides = generator.calls[1]
    assert texts == ["Det var kallt i 3 dagar."]  # numbers are not masked
    assert overrides is not None and overrides["num_beams"] >= 5
    assert all(overrides[k] == v for k, v in SAFE_DECODING.items())
    assert stats.retried == 1 and stats.seconds_retry >= 0


def test_a_sentence_that_still_fails_keeps_the_better_candidate_and_its_flags() -> None:
    generator = ScriptedGenerator(["a a a a a"], ["one two one two one two one two"])
    [result] = translate_faithfully(generator, ["Vi gick hem efter mötet i går."])
    assert result.flags == ["repetition"]  # the first candidate was also far too short
    assert result.translation == "one two one two one two one two"


def test_characters_that_are_not_text_never_reach_a_handout() -> None:
    """A model can write control characters and U+FFFD; DOCX refuses them and XML formats break on them."""
    import docx

    from translate import Document, render
    from translate.document import Paragraph, Sentence

    noisy = "We went\x00 home\ufffd.\x1b"
    generator = ScriptedGenerator([noisy], [noisy])
    [result] = translate_faithfully(generator, ["Vi gick hem."])
    assert result.translation == "We went home." and result.flags == ["unreadable"]
    document = Document(
        input="post.txt",
        title=None,
        paragraphs=[Paragraph([Sentence("Vi gick hem.", result.translation, result.flags)])],
    )
    opened = docx.Document(io.BytesIO(render(document, "docx")))
    assert any("We went home." in cell.text for table in opened.tables for row in table.rows for cell in row.cells)
    for fmt in ("tmx", "xliff"):
        ET.fromstring(str(render(document, fmt)))  # well-formed


# --- with the tiny random Marian: a good adversary -----------------------------------------


def test_spans_survive_a_model_that_garbles_everything(cli, tmp_path: Path, tiny_marian: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text(
        "Länkar och siffror\n\n"
        "Läs mer på https://www.example.se/vinter/2024?lang=sv och mejla oss på info@example.se i dag. "
        "Studien visar samma sak (Rifkin.2011:115-116). Priset steg med 3,5 procent till 1 000 kronor.\n\n"
        "Följ @kommunen och #vintermys, eller läs rapport_2020.pdf.\n",
        encoding="utf-8",
    )
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-", "--beams", "1")
    assert result.exit_code == 0, result.output
    handout = json.loads(result.stdout)
    first, second = (p["translation"] for p in handout["paragraphs"])
    for span in (
        "https://www.example.se/vinter/2024?lang=sv",
        "info@example.se",
        "(Rifkin.2011:115-116)",
    ):
        assert span in first
    for span in ("@kommunen", "#vintermys", "rapport_2020.pdf"):
        assert span in second
    # Numbers are not masked; the garbled sentence lost them, and that is flagged rather than patched.
    prices = handout["paragraphs"][0]["sentences"][-1]
    assert "3,5" in prices["source"] and "number" in prices["flags"]


def test_glossary_terms_come_out_as_given(cli, tmp_path: Path, tiny_marian: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text(
        "Rubrik\n\nSamverkan är viktig. Elnätet i Umeå byggs ut, och elnäten i landet moderniseras.\n",
        encoding="utf-8",
    )
    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("samverkan\tcooperation\nelnät\tpower grid\nUmeå\n", encoding="utf-8")
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-", "--glossary", glossary)
    assert result.exit_code == 0, result.output
    [paragraph] = json.loads(result.stdout)["paragraphs"]
    first, second = (s["translation"] for s in paragraph["sentences"])
    assert "Cooperation" in first
    assert second.count("ower grid") == 2 and "Umeå" in second


def test_degenerate_output_is_flagged_and_reported(cli, post: Path, tiny_marian: Path) -> None:
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", post.with_name("out.json"))
    assert result.exit_code == 0, result.output
    handout = json.loads(post.with_name("out.json").read_text(encoding="utf-8"))
    flags = [f for p in handout["paragraphs"] for s in p["sentences"] for f in s["flags"]]
    assert flags and set(flags) <= {"repetition", "length", "untranslated", "restored"}
    assert "sentences flagged for checking" in result.stderr and "retried with safer decoding" in result.stderr
    html = cli("run", post, "-m", tiny_marian, "-s", "none", "-o", "-", "-q").stdout
    assert 'class="flagged"' in html and "Check this sentence" in html


def test_eval_scores_with_sacrebleu(tmp_path: Path, fake_config: Path, phrases: dict[str, str]) -> None:
    """eval goes through the pipeline's own path: a model that writes the references scores 100, one that does not
    scores less, and a sentence the guard flags is counted."""
    from translate.evaluation import score_parallel_text

    sources, references = tmp_path / "sv.txt", tmp_path / "en.txt"
    sources.write_text("Jag heter Anna.\nVi bor i Umeå.\n", encoding="utf-8")
    references.write_text("My name is Anna.\nWe live in Umeå.\n", encoding="utf-8")
    phrases.update({"Jag heter Anna.": "My name is Anna.", "Vi bor i Umeå.": "We live in Umeå."})
    pipeline = Pipeline(PipelineOptions(models=ModelOptions(config=fake_config, summarizer="none")))
    scores = score_parallel_text(pipeline, sources, references)
    assert scores["pipeline"]["bleu"] == 100.0 and scores["pipeline"]["chrf"] == 100.0 and scores["sentences"] == 2
    assert scores["bleu_signature"].startswith("nrefs:1") and scores["pipeline"]["flagged"] == 0
    assert scores["model_alone"]["bleu"] == 100.0
    phrases["Vi bor i Umeå."] = "We we we we live."
    scores = score_parallel_text(pipeline, sources, references)
    assert scores["pipeline"]["bleu"] < 100.0 and scores["pipeline"]["flags"] == {"repetition": 1}


def test_eval_scores_the_fidelity_layer_beside_the_model_alone(
    tmp_path: Path, fake_config: Path, phrases: dict[str, str]
) -> None:
    """A model that leaves a Swedish-format number as it was scores lower alone than through the pipeline, which
    writes the number the English way; --no-compare scores the pipeline only."""
    from translate.evaluation import score_parallel_text

    sources, references = tmp_path / "sv.txt", tmp_path / "en.txt"
    sources.write_text("Det kostar 6 000 kronor.\n", encoding="utf-8")
    references.write_text("It costs 6,000 kronor.\n", encoding="utf-8")
    phrases["Det kostar 6 000 kronor."] = "It costs 6 000 kronor."
    pipeline = Pipeline(PipelineOptions(models=ModelOptions(config=fake_config, summarizer="none")))
    scores = score_parallel_text(pipeline, sources, references)
    assert scores["pipeline"]["bleu"] == 100.0 and scores["model_alone"]["bleu"] < 100.0
    assert score_parallel_text(pipeline, sources, references, compare=False)["model_alone"] is None


def test_eval_command(cli, tmp_path: Path, fake_config: Path, phrases: dict[str, str]) -> None:
    sources, references = tmp_path / "sv.txt", tmp_path / "en.txt"
    sources.write_text("Jag heter Anna.\nVi bor i Umeå.\n", encoding="utf-8")
    references.write_text("My name is Anna.\nWe live in Umeå.\n", encoding="utf-8")
    phrases.update({"Jag heter Anna.": "My name is Anna.", "Vi bor i Umeå.": "We live in Umeå."})
    result = cli("eval", sources, references, "--config", fake_config, "--json", "-q")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["pipeline"]["bleu"] == 100.0 and scores["model"] == "fake-mt" and scores["engine"].startswith("fake")
    phrases["Jag heter Anna."] = "I am called Anna."
    result = cli("eval", sources, references, "--config", fake_config, "--json", "-q", "--no-compare")
    assert json.loads(result.stdout)["pipeline"]["bleu"] < 100 and json.loads(result.stdout)["model_alone"] is None
    table = cli("eval", sources, references, "--config", fake_config, "-q").stdout
    assert "pipeline (what users get)" in table and "model alone" in table and "BLEU" in table
    references.write_text("Only one line.\n", encoding="utf-8")
    result = cli("eval", sources, references, "--config", fake_config)
    assert result.exit_code == 2 and "needs one reference per source line" in result.stderr


# --- numbers: checked after translation, not masked ------------------------------------------


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("Det kostar 6 000 kronor.", "It costs 6 000 kronor.", "It costs 6,000 kronor."),
        ("Måtten är 75,6 x 62,2 cm.", "It is 75,6 x 62,2 cm.", "It is 75.6 x 62.2 cm."),
        ("Det kostar 3,50 kr.", "It costs 3,50 kr.", "It costs 3.50 kr."),
        # Three decimals could be an English thousand: left alone, and so is a number the model already converted.
        ("Värdet är 1,500.", "The value is 1,500.", "The value is 1,500."),
        ("Det kostar 6 000 kronor.", "It costs 6,000 kronor, not 16 000.", "It costs 6,000 kronor, not 16 000."),
    ],
)  # fmt: skip
def test_swedish_format_numbers_the_model_copied_are_written_the_english_way(
    source: str, output: str, expected: str
) -> None:
    from translate.fidelity.numbers import englished, source_numbers

    assert englished(source_numbers(source), output) == expected


def test_numbers_inside_protected_spans_are_not_checked() -> None:
    from translate.fidelity.guard import _finish, mask

    source = "Läs https://example.se/2024/rapport-7 i dag."
    masked = mask(source)
    assert _finish(source, masked, "Read [1] today.").flags == []


def test_the_model_translates_numbers_itself() -> None:
    """Numbers reach the model as they are; its English form stands and nothing is inserted."""
    generator = ScriptedGenerator(["Taiwan's history goes back to the 15th century, 35,000 years."])
    [result] = translate_faithfully(generator, ["Taiwans historia går tillbaka till 1400-talet, 35 000 år."])
    assert generator.calls[0][0] == ["Taiwans historia går tillbaka till 1400-talet, 35 000 år."]
    assert result.translation == "Taiwan's history goes back to the 15th century, 35,000 years." and result.flags == []


def test_the_second_pass_over_flagged_sentences_reports_its_progress() -> None:
    generator = ScriptedGenerator(["We went home.", "the the the the the the the"], ["It was cold for 3 days."])
    first: list[tuple[int, int]] = []
    second: list[tuple[int, int]] = []
    translate_faithfully(
        generator, ["Vi gick hem.", "Det var kallt i 3 dagar."], on_progress=lambda d, t: first.append((d, t)),
        on_retry=lambda d, t: second.append((d, t)),
    )  # fmt: skip
    assert second[0] == (0, 1)  # the bar for the second pass shows before it starts
