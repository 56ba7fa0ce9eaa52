"""The shape of the code: no import cycles, folders that name the stages, the README held to --help, each shared
option declared once, and one orchestrator behind every front end (checked on the fake engine: no model needed)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLE_POST

from translate import EngineOptions, HandoutOptions, ModelOptions, Pipeline, PipelineOptions
from translate.options import MemoryOptions

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("translate", "summarize")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports, at module level or inside functions alike."""
    files = {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # "from a.b import c" imports a.b.c when c is a module, else a.b.
                targets = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in files else node.module
                    for alias in node.names
                ]
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def test_the_import_graph_has_no_cycle() -> None:
    graph = _import_graph()
    assert len(graph) > 30 and graph["translate.pipeline"]  # the graph was really read
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                cycle = path[path.index(imported) :] + [imported]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_summarize_needs_nothing_of_translate() -> None:
    graph = _import_graph()
    assert not {t for m, ts in graph.items() if m.startswith("summarize") for t in ts if t.startswith("translate")}


def test_the_stages_do_not_reach_up_into_the_front_ends() -> None:
    """text/ models/ fidelity/ render/ never import the orchestrator or a front end."""
    graph = _import_graph()
    upper = ("translate.pipeline", "translate.batch", "translate.service", "translate.server", "translate.cli")
    for module, imported in graph.items():
        if module.startswith(("translate.text", "translate.models", "translate.fidelity", "translate.render")):
            assert not [t for t in imported if t.startswith(upper)], module
    assert graph["translate.options"] == set()  # the options tree is a leaf everyone may read


def test_the_folder_listing_names_the_stages() -> None:
    packages = {p.parent.name for p in (ROOT / "translate").glob("*/__init__.py")}
    assert packages == {"text", "models", "fidelity", "render", "cli", "web"}
    assert {p.stem for p in (ROOT / "translate" / "text").glob("*.py")} >= {"reading", "parsing", "cleaning", "segment"}
    assert {p.stem for p in (ROOT / "translate" / "models").glob("*.py")} >= {"registry", "hub", "engines", "seq2seq"}
    assert {p.stem for p in (ROOT / "translate" / "fidelity").glob("*.py")} >= {"glossary", "guard", "memory"}


# --- the CLI --------------------------------------------------------------------------------------


def _click_commands() -> dict[tuple[str, ...], object]:
    import typer

    from translate.cli import app

    found: dict[tuple[str, ...], object] = {}

    def walk(command: object, path: tuple[str, ...]) -> None:
        found[path] = command
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_exactly_the_commands_of_help() -> None:
    block = _readme().split("## Commands", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    commands = {path for path in _click_commands() if path}
    groups = {path[0] for path in commands if len(path) == 2}
    listed = set()
    for line in block.splitlines():
        words = line.split()
        if line.startswith("translate "):  # indented lines are descriptions
            path = tuple(w for w in words[1:3] if re.fullmatch(r"[a-z]+", w))
            if path:
                listed.add(path[:2] if path[0] in groups else path[:1])
                listed.add(path[:1])  # a subcommand's line lists its group too
    assert listed == commands


def test_the_readme_table_of_run_options_matches_help() -> None:
    table = _readme().split("Options of `run`:", 1)[1].split("\n\n", 2)[1]
    documented = {flag for row in table.splitlines()[2:] for flag in re.findall(r"--[a-z][a-z-]*", row.split("|")[1])}
    run = _click_commands()[("run",)]
    offered = {o for p in run.params for o in p.opts if o.startswith("--")} - {"--help"}  # type: ignore[attr-defined]
    assert documented == offered


def test_each_shared_option_is_declared_once() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "translate" / "cli").glob("*.py"))
    for flag in (
        "--model",
        "--summarizer",
        "--beams",
        "--device",
        "--backend",
        "--threads",
        "--glossary",
        "--input-format",
        "--keep-comments",
        "--vocab",
        "--memory",
        "--no-memory",
        "--shortlist",
    ):
        assert source.count(f'"{flag}"') == 1, flag
    commands = _click_commands()
    for path in (("run",), ("batch",), ("serve",), ("eval",)):
        assert "--model" in {o for p in commands[path].params for o in p.opts}, path  # type: ignore[attr-defined]


def test_a_registered_backend_runs_from_the_cli(cli, post: Path, fake_config: Path) -> None:
    """The fake engine goes through the real seam: models.yaml names it, and --backend accepts it too."""
    result = cli(
        "run", post, "--config", fake_config, "--backend", "fake", "-f", "json", "-o", post.with_suffix(".json")
    )
    assert result.exit_code == 0, result.output
    assert "fake engine" in result.stderr
    handout = json.loads(post.with_suffix(".json").read_text(encoding="utf-8"))
    first = handout["paragraphs"][0]["sentences"][0]
    assert first["translation"] == re.sub(r"[^\W\d_]+", lambda m: m.group()[::-1], first["source"])
    unknown = cli("run", post, "--config", fake_config, "--backend", "onnx")
    assert unknown.exit_code == 3 and "auto, torch, ctranslate2, fake" in unknown.stderr


# --- one orchestrator ---------------------------------------------------------------------------


def _same(handout: dict) -> dict:
    return {k: v for k, v in handout.items() if k not in ("stats", "input")}


def test_every_front_end_makes_the_same_document(cli, tmp_path: Path, fake_config: Path) -> None:
    """API, run, batch and serve all go through prepare_document and Pipeline.process_many: the same handout,
    the word list included (the service used to leave it out), and seconds.total meaning the same."""
    from fastapi.testclient import TestClient

    from translate.server import create_app
    from translate.service import ServiceOptions, TranslationService

    options = PipelineOptions(
        models=ModelOptions(config=fake_config, summarizer="extractive"), handout=HandoutOptions(vocab=5)
    )
    post = tmp_path / "posts" / "post.txt"
    post.parent.mkdir()
    post.write_bytes(SAMPLE_POST.read_bytes())

    document = Pipeline(options).run(post)
    api = json.loads(json.dumps(document.to_dict()))
    assert document.options == options and document.vocabulary is not None and len(document.vocabulary) == 5
    stats = document.stats
    parts = [stats.seconds_read, stats.seconds_load, stats.seconds_translate, stats.seconds_summarize]
    assert stats.seconds_total == pytest.approx(sum(parts) + stats.seconds_vocabulary) and stats.seconds_read > 0

    shared = ["--config", fake_config, "-s", "extractive", "--vocab", "5", "-f", "json"]
    assert cli("run", post, *shared, "-o", tmp_path / "run.json").exit_code == 0
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert cli("batch", post.parent, "-o", tmp_path / "out", "--no-memory", *shared).exit_code == 0
    batch = json.loads((tmp_path / "out" / "post.json").read_text(encoding="utf-8"))

    service = TranslationService(options, ServiceOptions(memory=MemoryOptions(enabled=False)))
    with TestClient(create_app(service)) as client:
        answer = client.post("/v1/handout", json={"text": post.read_text(encoding="utf-8"), "name": "post.txt"})
    assert answer.status_code == 200, answer.text
    served = answer.json()

    assert len(api["vocabulary"]) == 5
    assert _same(run) == _same(api) == _same(batch) == _same(served)
    for handout in (api, run, batch, served):
        seconds = handout["stats"]["seconds"]
        assert seconds["total"] >= seconds["load"] + seconds["translate"] + seconds["summarize"] - 0.002


def test_snippets_are_translated_but_not_summarized(fake_config: Path) -> None:
    """process_many's per-document choice: a handout gets its summary and word list, a snippet only its words."""
    from translate.text.snippets import parse_snippet

    options = PipelineOptions(
        models=ModelOptions(config=fake_config, summarizer="extractive"), handout=HandoutOptions(vocab=3)
    )
    pipeline = Pipeline(options)
    post = pipeline.prepare(SAMPLE_POST.read_bytes(), "post.txt")
    snippet = parse_snippet("Hej världen. Vi ses i morgon.")
    hits = pipeline.process_many([post, snippet.document], [True, False])
    assert hits == [0, 0]
    assert post.summary is not None and post.vocabulary is not None
    assert snippet.document.summary is None and snippet.document.vocabulary is None
    assert snippet.translated() == "jeH nedlräv. iV ses i nogrom."


def test_a_repeated_sentence_is_translated_once_across_documents(fake_config: Path) -> None:
    pipeline = Pipeline(PipelineOptions(models=ModelOptions(config=fake_config, summarizer="none")))
    first = pipeline.prepare("Det snöar i dag. Vi åker skidor.", "a.txt")
    second = pipeline.prepare("Det snöar i dag. Bussen är sen.", "b.txt")
    hits = pipeline.process_many([first, second])
    sent = [text for batch in pipeline.translator.engine.batches for text in batch]
    assert hits == [0, 1] and sorted(sent) == sorted(["Det snöar i dag.", "Vi åker skidor.", "Bussen är sen."])
    assert first.stats.sentences == second.stats.sentences == 2


def test_library_calls_change_no_process_wide_setting(tiny_marian: Path) -> None:
    """torch's thread count, and the log levels of transformers and WeasyPrint, are the program's to set."""
    import logging

    import torch

    threads = torch.get_num_threads()
    levels = {name: logging.getLogger(name).level for name in ("transformers", "weasyprint", "fontTools")}
    options = PipelineOptions(
        models=ModelOptions(translation=str(tiny_marian), summarizer="none"),
        engine=EngineOptions(backend="torch", device="cpu", threads=threads + 1),
    )
    pipeline = Pipeline(options)
    document = pipeline.run(SAMPLE_POST)
    assert pipeline.translator.engine.backend == "torch" and all(s.translation for s in document.all_sentences())
    from translate import render

    render(document, "pdf")
    assert torch.get_num_threads() == threads
    assert {name: logging.getLogger(name).level for name in levels} == levels
