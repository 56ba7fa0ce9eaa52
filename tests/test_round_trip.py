"""The teacher's round trip: a handout's JSON or XLIFF corrected with an independent library, rendered again
without the model, the corrections found in every format and marked as revised."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SAMPLE_POST

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
CORRECTIONS = ["The first corrected sentence.", "A second one, by the teacher.", "And a third fix."]


@pytest.fixture
def made(cli, tmp_path: Path, fake_config: Path) -> dict[str, Path]:
    post = tmp_path / "post.txt"
    post.write_text(SAMPLE_POST.read_text(encoding="utf-8"), encoding="utf-8")
    files = {}
    for fmt in ("json", "xliff"):
        target = tmp_path / f"post.handout.{'xlf' if fmt == 'xliff' else fmt}"
        result = cli("run", post, "--config", fake_config, "-s", "extractive", "-f", fmt, "-o", target, "-q")
        assert result.exit_code == 0, result.output
        files[fmt] = target
    return files


def _correct_json(path: Path) -> list[str]:
    """Three sentences' translations changed with the json module; returns their sources."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sentences = [s for p in data["paragraphs"] for s in p["sentences"]][:3]
    for sentence, correction in zip(sentences, CORRECTIONS):
        sentence["translation"] = correction
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return [s["source"] for s in sentences]


def _correct_xliff(path: Path) -> list[str]:
    """The same in the XLIFF, as a CAT tool would: the <target> changed, the state set to reviewed."""
    ET.register_namespace("", XLIFF)
    ET.register_namespace("mtc", "urn:oasis:names:tc:xliff:matches:2.0")
    tree = ET.parse(path)
    segments = [u.find(f"{{{XLIFF}}}segment") for u in tree.iter(f"{{{XLIFF}}}unit")]
    segments = [s for s in segments if s is not None][1:4]  # after the title's
    for segment, correction in zip(segments, CORRECTIONS):
        segment.find(f"{{{XLIFF}}}target").text = correction  # type: ignore[union-attr]
        segment.set("state", "reviewed")
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return [s.findtext(f"{{{XLIFF}}}source") or "" for s in segments]


def _texts(path: Path, fmt: str) -> str:
    if fmt == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", " ")
    if fmt == "docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join(
            [p.text for p in document.paragraphs] + cells + [document.sections[0].footer.paragraphs[0].text]
        )
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["json", "xliff"])
def test_corrections_come_back_in_every_format_marked_as_revised(cli, made: dict[str, Path], kind: str) -> None:
    edited = made[kind]
    _correct_json(edited) if kind == "json" else _correct_xliff(edited)
    formats = ["html", "docx", "json"] + (["pdf"] if pytest.importorskip("weasyprint") else [])
    for fmt in formats:
        out = edited.with_name(f"revised-{kind}.{fmt}")
        result = cli("render", edited, "-o", out)
        assert result.exit_code == 0, result.output
        assert "3 sentences revised by hand" in result.stderr
        text = _texts(out, fmt)
        for correction in CORRECTIONS:
            assert correction in text, (fmt, correction)
        if fmt != "json":
            assert "3 sentences of the translation revised by hand" in text.replace("\n", " "), fmt
    rendered = json.loads(edited.with_name(f"revised-{kind}.json").read_text(encoding="utf-8"))
    revised = [s for p in rendered["paragraphs"] for s in p["sentences"] if s.get("revised")]
    assert [s["translation"] for s in revised] == CORRECTIONS
    assert all(s["machine_translation"] != s["translation"] for s in revised)
    html = edited.with_name(f"revised-{kind}.html").read_text(encoding="utf-8")
    assert html.count('class="s revised"') == 3


def test_a_changed_source_is_refused_with_where_it_is(cli, made: dict[str, Path]) -> None:
    data = json.loads(made["json"].read_text(encoding="utf-8"))
    data["paragraphs"][1]["sentences"][0]["source"] = "En helt annan mening."
    made["json"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli("render", made["json"], "-o", "-")
    assert (
        result.exit_code == 2
        and "paragraph 2, sentence 1" in result.stderr
        and "not the text that was translated" in result.stderr
    )
    tree = ET.parse(made["xliff"])
    source = next(tree.iter(f"{{{XLIFF}}}source"))
    source.text = "Något annat."
    tree.write(made["xliff"], encoding="utf-8", xml_declaration=True)
    result = cli("render", made["xliff"], "-o", "-")
    assert result.exit_code == 2 and "not the text that was translated" in result.stderr


def test_an_unedited_handout_renders_the_same_and_never_over_itself(cli, made: dict[str, Path]) -> None:
    original = json.loads(made["json"].read_text(encoding="utf-8"))
    again = json.loads(cli("render", made["json"], "-f", "json", "-o", "-").stdout)
    for key in ("title", "summary", "paragraphs", "models"):
        assert again[key] == original[key], key
    refused = cli("render", made["json"], "-o", made["json"])
    assert refused.exit_code == 5 and "Refusing to write" in refused.stderr
    assert cli("render", made["json"], "-q").exit_code == 0
    assert made["json"].with_name("post.handout.html").is_file()
    not_a_handout = made["json"].with_name("x.json")
    not_a_handout.write_text('{"a": 1}', encoding="utf-8")
    assert cli("render", not_a_handout).exit_code == 2


def test_imported_corrections_are_reused_by_the_next_post_of_the_series(
    cli, made: dict[str, Path], tmp_path: Path, fake_config: Path
) -> None:
    sources = _correct_json(made["json"])
    memory = tmp_path / "memory.sqlite3"
    imported = cli("memory", "import", made["json"], "--memory", memory)
    assert imported.exit_code == 0, imported.output
    assert "3 corrected sentences found, 3 new or changed" in imported.stderr
    again = cli("memory", "import", made["json"], "--memory", memory)
    assert "0 new or changed" in again.stderr
    # The next post shares two of the corrected sentences.
    posts = tmp_path / "next"
    posts.mkdir()
    (posts / "nasta.txt").write_text(
        f"Nästa inlägg\n\n{sources[0]} Något nytt här.\n\n{sources[2]}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    args = ("--config", fake_config, "-s", "none", "-f", "json", "--memory", memory, "-q")
    assert cli("batch", posts, "-o", out, *args).exit_code == 0
    handout = json.loads((out / "nasta.json").read_text(encoding="utf-8"))
    translations = {s["source"]: s["translation"] for p in handout["paragraphs"] for s in p["sentences"]}
    assert translations[sources[0]] == CORRECTIONS[0] and translations[sources[2]] == CORRECTIONS[2]
    assert translations["Något nytt här."] != "Something new here."  # the model's (backwards words), not a person's


@pytest.mark.parametrize(
    ("paper", "points", "cm"), [("a4", (595, 842), (21.0, 29.7)), ("letter", (612, 792), (21.6, 27.9))]
)
def test_pdf_and_docx_are_laid_out_on_the_paper_asked_for(cli, made: dict[str, Path], paper: str, points, cm) -> None:
    import docx

    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    pdf, word = made["json"].with_name(f"{paper}.pdf"), made["json"].with_name(f"{paper}.docx")
    for out in (pdf, word):
        assert cli("render", made["json"], "--paper", paper, "-o", out, "-q").exit_code == 0
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
    section = docx.Document(str(word)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == cm


def test_a_corrected_handout_is_rendered_again_in_any_layout_and_size(cli, made: dict[str, Path]) -> None:
    import docx

    word = made["json"].with_name("large.docx")
    result = cli("render", made["json"], "--font-size", "14", "--layout", "sentences", "-o", word, "-q")
    assert result.exit_code == 0, result.output
    opened = docx.Document(str(word))
    assert opened.styles["Normal"].font.size.pt == 14
    assert opened.tables[0].rows[1].cells[0].text.startswith("§1")
    html = cli("render", made["json"], "--layout", "interlinear", "--hide", "english", "-o", "-").stdout
    assert 'class="lines' in html and 'class="blank"' in html
