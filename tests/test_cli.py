"""The real CLI, end to end, with tiny models built by the session fixtures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_CHROME, SAMPLE_PARAGRAPHS, SAMPLE_TITLE, SEED_POST, subprocess_env, without_sentence_spans
from markupsafe import escape

from translate.text.segment import split_sentences

HANDOUT_KEYS = {"input", "title", "summary", "paragraphs", "models", "stats"}


def _assert_aligned(handout: dict) -> None:
    for paragraph in handout["paragraphs"]:
        assert set(paragraph) == {"source", "translation", "kind", "sentences"}
        sources = [s["source"] for s in paragraph["sentences"]]
        assert " ".join(sources) == paragraph["source"]
        assert sources == split_sentences(paragraph["source"])
        # The model's own translation and the source's digest let `translate render` see a correction.
        sentence_keys = {"source", "translation", "flags", "machine_translation", "source_digest"}
        assert all(set(s) == sentence_keys for s in paragraph["sentences"])
        assert all(s["machine_translation"] == s["translation"] for s in paragraph["sentences"])
        assert all(isinstance(s["flags"], list) for s in paragraph["sentences"])
        assert all(s["translation"].strip() for s in paragraph["sentences"])
        assert paragraph["translation"] == " ".join(s["translation"] for s in paragraph["sentences"])


def test_run_json_with_abstractive_summary(cli, post: Path, tiny_marian: Path, tiny_bart: Path) -> None:
    out = post.with_name("out.json")
    result = cli("run", post, "--model", tiny_marian, "--summarizer", tiny_bart, "-f", "json", "-o", out)
    assert result.exit_code == 0, result.output
    handout = json.loads(out.read_text(encoding="utf-8"))
    assert set(handout) == HANDOUT_KEYS
    assert handout["input"] == str(post)
    assert handout["title"]["source"] == SAMPLE_TITLE and handout["title"]["translation"].strip()
    assert [p["source"] for p in handout["paragraphs"]] == SAMPLE_PARAGRAPHS
    _assert_aligned(handout)
    assert handout["summary"]["method"] == "abstractive"
    assert handout["summary"]["model"] == str(tiny_bart)
    assert handout["summary"]["text"].strip()
    assert handout["models"] == {"translation": str(tiny_marian), "summarization": str(tiny_bart)}
    stats = handout["stats"]
    assert stats["sentences"] == 1 + sum(len(p["sentences"]) for p in handout["paragraphs"])
    assert stats["generated_tokens"] >= stats["sentences"]
    assert set(stats["seconds"]) == {"load", "translate", "summarize", "total"}
    assert stats["seconds"]["total"] >= stats["seconds"]["translate"] > 0
    assert not any(chrome in out.read_text(encoding="utf-8") for chrome in SAMPLE_CHROME)


def test_run_extractive_summary_quotes_the_translation(cli, post: Path, tiny_marian: Path) -> None:
    result = cli("run", post, "--model", tiny_marian, "--summarizer", "extractive", "-f", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    handout = json.loads(result.stdout)
    _assert_aligned(handout)
    summary = handout["summary"]
    assert summary["method"] == "extractive" and summary["model"] == "textrank"
    translated = [s["translation"] for p in handout["paragraphs"] for s in p["sentences"]]
    assert any(t in summary["text"] for t in translated)
    assert handout["models"]["summarization"] == "textrank"


def test_run_without_summary(cli, post: Path, tiny_marian: Path) -> None:
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-", "--beams", "1")
    assert result.exit_code == 0, result.output
    handout = json.loads(result.stdout)
    assert handout["summary"] is None and handout["models"]["summarization"] is None


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_readable_formats_hold_every_paragraph_and_no_chrome(cli, post: Path, tiny_marian: Path, fmt: str) -> None:
    result = cli("run", post, "-m", tiny_marian, "-s", "extractive", "-f", fmt, "-q")
    assert result.exit_code == 0, result.output
    text = without_sentence_spans(post.with_name(f"post.handout.{fmt}").read_text(encoding="utf-8"))
    for paragraph in SAMPLE_PARAGRAPHS:
        assert paragraph in text
    assert SAMPLE_TITLE in text
    for chrome in SAMPLE_CHROME:
        assert chrome not in text
    assert not list(post.parent.glob("*.tmp"))  # atomic write leaves nothing behind


def test_html_is_self_contained_escaped_and_printable(cli, tmp_path: Path, tiny_marian: Path) -> None:
    post = tmp_path / "evil.txt"
    post.write_text(
        "Rubrik <b>fet</b>\n\nEtt stycke med <script>alert('x')</script> i sig.\n\n"
        "Och <img src=x onerror=alert(1)> här.\n",
        encoding="utf-8",
    )
    result = cli("run", post, "-m", tiny_marian, "-s", "extractive", "-o", "-")
    assert result.exit_code == 0, result.output
    html = result.stdout
    # The one script is the handout's own sentence highlighter, after the content.
    assert html.count("<script>") == 1 and html.index("<script>") > html.index("</footer>") and "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert 'lang="sv"' in html and 'lang="en"' in html
    assert "@media print" in html and "break-inside: avoid" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from the network


def test_default_output_goes_next_to_the_post(cli, post: Path, tiny_marian: Path) -> None:
    result = cli("run", post, "-m", tiny_marian, "-s", "none")
    assert result.exit_code == 0, result.output
    target = post.with_name("post.handout.html")
    assert target.exists()
    assert f"Wrote {target}" in result.stderr


def test_no_truncation_of_a_long_post(cli, tmp_path: Path, tiny_marian: Path, backend: str) -> None:
    """A 3,000-word post with a 300-word sentence and a long comma list, on a 40-position model."""
    long_sentence = " ".join(["Vi pratade länge om skolan och biblioteket"] * 43) + "."
    comma_list = "Vi köpte " + ", ".join(f"sak nummer {i}" for i in range(150)) + "."
    body = [long_sentence, comma_list] + [
        "Det var en gång en liten by vid havet där alla kände varandra. " * 6 for _ in range(30)
    ]
    post = tmp_path / "long.txt"
    post.write_text("Ett långt inlägg\n\n" + "\n\n".join(p.strip() for p in body), encoding="utf-8")
    assert len(post.read_text(encoding="utf-8").split()) > 3000
    result = cli(
        "run",
        post,
        "-m",
        tiny_marian,
        "-s",
        "extractive",
        "-f",
        "json",
        "-o",
        tmp_path / "long.json",
        "--beams",
        "1",
        "--backend",
        backend,
    )
    assert result.exit_code == 0, result.output
    # The "Wrote ..." line names the engine that ran: the one asked for, not a fallback.
    assert f"; {backend} " in result.stderr
    handout = json.loads((tmp_path / "long.json").read_text(encoding="utf-8"))
    assert len(handout["paragraphs"]) == len(body)
    assert handout["paragraphs"][0]["source"] == long_sentence
    assert len(handout["paragraphs"][0]["sentences"]) == 1
    _assert_aligned(handout)


def test_clean_json_schema(cli, post: Path) -> None:
    result = cli("clean", post, "--format", "json")
    assert result.exit_code == 0, result.output
    cleaned = json.loads(result.stdout)
    assert set(cleaned) == {"input", "title", "paragraphs", "dropped"}
    assert cleaned["title"] == SAMPLE_TITLE
    assert [p["text"] for p in cleaned["paragraphs"]] == SAMPLE_PARAGRAPHS
    assert all(" ".join(p["sentences"]) == p["text"] for p in cleaned["paragraphs"])
    assert all(set(d) == {"text", "reason"} and d["reason"] for d in cleaned["dropped"])


def test_clean_text_shows_reasons(cli, post: Path) -> None:
    result = cli("clean", post)
    assert result.exit_code == 0
    assert "Title: Vintern i Norrland" in result.stdout
    assert "[comment form] Lämna ett svar" in result.stdout


def test_clean_reads_standard_input(cli) -> None:
    result = cli("clean", "-", "--format", "json", input="Rubrik\n\nEtt stycke. Två meningar.\n".encode("utf-16"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["paragraphs"][0]["sentences"] == ["Ett stycke.", "Två meningar."]


@pytest.mark.skipif(not SEED_POST.exists(), reason="the shared sample post is not beside this checkout")
@pytest.mark.parametrize("summarizer", ["bart", "extractive"])
def test_real_post_end_to_end(cli, tmp_path: Path, tiny_marian: Path, tiny_bart: Path, summarizer: str) -> None:
    chosen = str(tiny_bart) if summarizer == "bart" else "extractive"
    out = tmp_path / "seed.json"
    result = cli("run", SEED_POST, "-m", tiny_marian, "-s", chosen, "-f", "json", "-o", out)
    assert result.exit_code == 0, result.output
    handout = json.loads(out.read_text(encoding="utf-8"))
    assert handout["title"]["source"] == "En ekonomi för samverkan"
    assert handout["title"]["translation"].strip()
    assert len(handout["paragraphs"]) == 5
    _assert_aligned(handout)
    assert handout["summary"]["method"] == ("abstractive" if summarizer == "bart" else "extractive")
    assert handout["summary"]["text"].strip()
    chrome = ["profil 3", "Leave a Reply", "Log Out", "bloggers like this", "WordPress.com Logo"]
    for fmt in ("md", "html"):
        target = tmp_path / f"seed.{fmt}"
        result = cli("run", SEED_POST, "-m", tiny_marian, "-s", chosen, "-f", fmt, "-o", target)
        assert result.exit_code == 0, result.output
        text = without_sentence_spans(target.read_text(encoding="utf-8"))
        for paragraph in handout["paragraphs"]:
            rendered = paragraph["source"] if fmt == "md" else str(escape(paragraph["source"]))
            assert rendered in text
        assert not any(c in text for c in chrome)


def test_models_lists_entries_and_availability(cli, tmp_path: Path, tiny_marian: Path) -> None:
    result = cli("models")
    assert result.exit_code == 0, result.output
    assert "opus-mt-sv-en" in result.stdout and "distilbart-cnn" in result.stdout
    assert "not downloaded" in result.stdout
    config = tmp_path / "models.yaml"
    config.write_text(f"translation:\n  default: tiny\n  models:\n    tiny: {{path: {tiny_marian}}}\n")
    result = cli("models", "--config", config)
    assert result.exit_code == 0, result.output
    assert f"local folder {tiny_marian}" in result.stdout


# --- errors: one message, a non-zero exit code, no traceback ---------------------------------


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 2, "no such file"),
        (b"", 2, "is empty"),
        (bytes(range(256)) * 8, 2, "binary"),
    ],
)
def test_bad_input_files(cli, tmp_path: Path, tiny_marian: Path, content, code: int, message: str) -> None:
    path = tmp_path / "post.txt"
    if content is not None:
        path.write_bytes(content)
    result = cli("run", path, "-m", tiny_marian, "-s", "none")
    assert result.exit_code == code
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output


def test_unknown_model_name(cli, post: Path) -> None:
    result = cli("run", post, "--model", "opus-mt-sv-eng")
    assert result.exit_code == 3
    assert "Unknown translation model 'opus-mt-sv-eng'" in result.stderr


def test_broken_model_folder(cli, post: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    result = cli("run", post, "--model", broken, "-s", "none")
    assert result.exit_code == 4
    assert f"from the folder {broken}" in result.stderr
    assert "Traceback" not in result.output


def test_offline_hub_model_fails_with_advice(post: Path, tmp_path: Path) -> None:
    """The real hub id with HF_HUB_OFFLINE=1 and an empty cache, through the installed console script."""
    env = subprocess_env(HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "empty-hf"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "translate",
            "run",
            str(post),
            "--model",
            "Helsinki-NLP/opus-mt-sv-en",
            "-s",
            "none",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 4, done.stderr
    assert "Helsinki-NLP/opus-mt-sv-en" in done.stderr
    assert "HF_HUB_OFFLINE" in done.stderr and "--model PATH" in done.stderr
    assert "Traceback" not in done.stderr
    assert not post.with_name("post.handout.html").exists()


def test_debug_shows_the_traceback(cli, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such file"):
        cli("run", tmp_path / "nope.txt", "--debug")


def test_help_and_clean_do_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from translate.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        f"CliRunner().invoke(app, ['clean', {str(Path(__file__).parent / 'data' / 'post_sv.txt')!r}])\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False False", done.stderr


def test_console_script_help() -> None:
    done = subprocess.run([sys.executable, "-m", "translate", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    for command in ("run", "clean", "models"):
        assert command in done.stdout


def test_post_that_is_all_chrome(cli, tmp_path: Path, tiny_marian: Path) -> None:
    path = tmp_path / "chrome.txt"
    path.write_text("Lämna ett svar\n\nAvbryt svar\n\n%d bloggare gillar detta:\n", encoding="utf-8")
    result = cli("run", path, "-m", tiny_marian, "-s", "none")
    assert result.exit_code == 2
    assert "nothing is left to translate" in result.stderr and "translate clean" in result.stderr


def test_refuses_to_overwrite_the_input(cli, post: Path, tiny_marian: Path) -> None:
    before = post.read_bytes()
    result = cli("run", post, "-m", tiny_marian, "-o", post)
    assert result.exit_code == 5
    assert "over its own input" in result.stderr
    assert post.read_bytes() == before


def test_cuda_without_a_gpu(cli, post: Path, tiny_marian: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "--device", "cuda")
    assert result.exit_code == 3
    assert "no CUDA GPU" in result.stderr


def test_run_from_standard_input_to_standard_output(cli, tiny_marian: Path) -> None:
    text = "Rubrik\n\nEtt stycke. Två meningar.\n\nTredje stycket här.\n"
    result = cli("run", "-", "-m", tiny_marian, "-s", "none", "-f", "json", input=text.encode("cp1252"))
    assert result.exit_code == 0, result.output
    handout = json.loads(result.stdout)
    assert handout["input"] == "<stdin>"
    assert [p["source"] for p in handout["paragraphs"]] == [
        "Ett stycke. Två meningar.",
        "Tredje stycket här.",
    ]


def test_missing_summarizer_fails_before_translating(post: Path, tmp_path: Path, tiny_marian: Path) -> None:
    from translate import ModelLoadError, ModelOptions, Pipeline, PipelineOptions, load_document

    pipeline = Pipeline(PipelineOptions(models=ModelOptions(translation=str(tiny_marian), summarizer="distilbart-cnn")))
    document = load_document(post)
    with pytest.raises(ModelLoadError, match="--summarizer extractive"):
        pipeline.process(document)
    assert all(s.translation is None for s in document.all_sentences())


def test_keep_comments_translates_them_as_their_own_section(cli, tmp_path: Path, tiny_marian: Path) -> None:
    source = Path(__file__).parent / "corpus" / "posts" / "02_wordpress_en_interface.txt"
    result = cli("run", source, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-", "--keep-comments")
    assert result.exit_code == 0, result.output
    handout = json.loads(result.stdout)
    assert [c["source"] for c in handout["comments"]] == ["Tack för tipsen! Jag har cyklat i två vintrar nu."]
    assert all(s["translation"] for c in handout["comments"] for s in c["sentences"])
    result = cli("run", source, "-m", tiny_marian, "-s", "none", "-f", "html", "-o", "-", "--keep-comments")
    assert "Comments</h2>" in result.stdout and "Tack för tipsen!" in result.stdout


def test_html_and_markdown_posts_end_to_end(cli, tiny_marian: Path) -> None:
    posts = Path(__file__).parent / "corpus" / "posts"
    result = cli("run", posts / "11_medium.html", "-m", tiny_marian, "-s", "extractive", "-f", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    handout = json.loads(result.stdout)
    assert handout["title"]["source"] == "Varför jag slutade med sociala medier"
    assert "Responses" not in result.stdout and "min read" not in result.stdout
    result = cli("run", posts / "08_markdown_export.md", "-m", tiny_marian, "-s", "none", "-f", "md", "-o", "-")
    assert "### Så startar du en grund" in result.stdout
    assert "1. Blanda 1 dl rågmjöl" in result.stdout and "**mjöl**" not in result.stdout  # its number kept


def test_input_format_override(cli, tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("# Rubrik\n\nEtt *stycke* här.\n", encoding="utf-8")
    as_text = json.loads(cli("clean", post, "-f", "json").stdout)
    as_markdown = json.loads(cli("clean", post, "-f", "json", "--input-format", "md").stdout)
    assert as_text["paragraphs"][0]["text"] == "Ett *stycke* här."
    assert as_markdown["title"] == "Rubrik" and as_markdown["paragraphs"][0]["text"] == "Ett stycke här."


def test_code_blocks_are_kept_untranslated(cli, tmp_path: Path, tiny_marian: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("# Rubrik\n\nKör så här.\n\n```\npip install sv2en-handout\n```\n", encoding="utf-8")
    handout = json.loads(cli("run", post, "-m", tiny_marian, "-s", "none", "-f", "json", "-o", "-").stdout)
    code = handout["paragraphs"][1]
    assert code["source"] == code["translation"] == "pip install sv2en-handout"


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("infer.docx", b"PK\x03\x04"),
        ("infer.json", b"{"),
        ("infer.md", b"# "),
        ("infer.xliff", b"<?xml"),
        ("x.htm", b"<!"),
    ],
)
def test_the_output_name_sets_the_format(cli, post: Path, fake_config: Path, name: str, magic: bytes) -> None:
    out = post.with_name(name)
    result = cli("run", post, "--config", fake_config, "-s", "none", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_an_output_name_that_contradicts_the_format_is_refused_before_any_work(
    cli, post: Path, fake_config: Path
) -> None:
    result = cli("run", post, "--config", fake_config, "-s", "none", "-o", post.with_name("x.pdf"), "-f", "md")
    assert result.exit_code == 3 and "names a pdf file but --format is md" in result.stderr
    assert not post.with_name("x.pdf").exists()
    # An extension that names no handout format leaves the choice to --format (default html).
    assert cli("run", post, "--config", fake_config, "-s", "none", "-o", post.with_name("x.txt"), "-q").exit_code == 0
    assert post.with_name("x.txt").read_text(encoding="utf-8").startswith("<!")
