"""The two engines: CTranslate2 conversion (cached, atomic), int8 on both backends, auto fallback, same structure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_PARAGRAPHS, SAMPLE_POST, subprocess_env

from translate import EngineOptions, ModelOptions, Pipeline, PipelineOptions
from translate.cache import cache_root
from translate.errors import ConfigError
from translate.models.conversion import ConversionError, convert, find_converted
from translate.models.registry import load_registry
from translate.models.seq2seq import Seq2SeqGenerator
from translate.options import GenerationOptions


def _spec(folder: Path, kind: str = "translation"):  # type: ignore[no-untyped-def]
    return load_registry().resolve(str(folder), kind)  # type: ignore[arg-type]


def _copy_model(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for item in source.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    return target


def test_conversion_is_cached_and_keyed_by_quantization(tiny_marian: Path) -> None:
    spec = _spec(tiny_marian)
    first = convert(spec, "int8")
    again = convert(spec, "int8")
    assert again.path == first.path and again.seconds == 0.0
    manifest = json.loads((first.path / "manifest.json").read_text())
    assert manifest["compute_type"] == "int8" and str(tiny_marian) in manifest["source"]
    assert (first.hf_path / "tokenizer_config.json").is_file() and (first.hf_path / "generation_config.json").is_file()
    assert not list(first.hf_path.glob("*.safetensors"))  # the weights live in model.bin only
    other = convert(spec, "float32")
    assert other.path != first.path and other.path.parent == first.path.parent
    assert (found := find_converted(spec, "int8")) is not None and found.path == first.path
    assert not list(first.path.parent.glob(".converting-*"))


def test_a_changed_model_folder_is_converted_again(tiny_marian: Path, tmp_path: Path) -> None:
    folder = _copy_model(tiny_marian, tmp_path / "model")
    before = convert(_spec(folder), "int8")
    config = json.loads((folder / "generation_config.json").read_text())
    config["num_beams"] = 3
    (folder / "generation_config.json").write_text(json.dumps(config))
    after = convert(_spec(folder), "int8")
    assert after.path != before.path and after.seconds > 0


def test_a_failed_conversion_leaves_nothing_behind(tiny_marian: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import translate.models.conversion as conversion

    folder = _copy_model(tiny_marian, tmp_path / "broken")

    def half_then_fail(source: Path, scratch: Path, compute_type: str) -> None:
        (scratch / "model.bin").write_bytes(b"half a model")
        raise RuntimeError("disk full")

    monkeypatch.setattr(conversion, "_convert_into", half_then_fail)
    with pytest.raises(ConversionError, match="disk full"):
        convert(_spec(folder), "int8")
    assert find_converted(_spec(folder), "int8") is None
    leftovers = [p for p in (cache_root() / "ctranslate2").rglob("*") if "broken" in str(p)]
    assert all(p.is_dir() and not any(p.iterdir()) for p in leftovers), leftovers


def test_auto_falls_back_to_torch_when_conversion_fails(tiny_marian: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import translate.models.conversion as conversion

    folder = _copy_model(tiny_marian, tmp_path / "unconvertible")

    def unsupported(source: Path, scratch: Path, compute_type: str) -> None:
        raise ValueError("No conversion is registered for the model configuration FancyConfig")

    monkeypatch.setattr(conversion, "_convert_into", unsupported)
    generator = Seq2SeqGenerator(_spec(folder), engine=EngineOptions(device="cpu"))
    assert generator.engine.backend == "torch"
    assert generator.note and "FancyConfig" in generator.note and "torch" in generator.note
    with pytest.raises(ConversionError, match="--backend torch"):
        Seq2SeqGenerator(_spec(folder), engine=EngineOptions(backend="ctranslate2", device="cpu"))


def test_torch_int8_quantizes_the_linear_layers(tiny_marian: Path) -> None:
    import torch

    engine = EngineOptions(backend="torch", device="cpu", quantize="int8")
    generator = Seq2SeqGenerator(_spec(tiny_marian), engine=engine)
    modules = list(generator.engine.model.modules())  # type: ignore[attr-defined]
    quantized = [m for m in modules if "quantized" in type(m).__module__]
    assert quantized and not any(type(m) is torch.nn.Linear for m in modules)
    assert generator.engine_description == "torch int8 (dynamic) on cpu"
    outputs = generator.generate(["Vi gick hem.", "Kaffet var starkt."])
    assert len(outputs) == 2 and all(outputs)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (EngineOptions(backend="ctranslate2", quantize="int8"), "--compute-type"),
        (EngineOptions(backend="ctranslate2", device="cpu", compute_type="float16"), "supports"),
        (EngineOptions(backend="ctranslate2", device="cpu", shortlist=True), "translate models shortlist"),
        (EngineOptions(backend="torch", device="cpu", shortlist=True), "CTranslate2"),
        (EngineOptions(backend="torch", device="cpu", quantize="int4"), "int8"),
        (EngineOptions(backend="onnx"), "auto, torch, ctranslate2"),
    ],
)
def test_impossible_engine_settings_say_why(tiny_marian: Path, options: EngineOptions, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Seq2SeqGenerator(_spec(tiny_marian), engine=options)


def test_both_backends_give_the_same_aligned_structure(tiny_marian: Path, tiny_bart: Path) -> None:
    documents = {}
    for backend in ("torch", "ctranslate2"):
        options = PipelineOptions(
            models=ModelOptions(translation=str(tiny_marian), summarizer=str(tiny_bart)),
            engine=EngineOptions(backend=backend, device="cpu"),
        )
        pipeline = Pipeline(options)
        documents[backend] = pipeline.run(SAMPLE_POST)
        assert pipeline.translator.engine.backend == backend
        assert pipeline.summarizer is not None and pipeline.summarizer.engine.backend == backend
    torch_doc, ct2_doc = documents["torch"], documents["ctranslate2"]
    assert [p.source for p in ct2_doc.paragraphs] == [p.source for p in torch_doc.paragraphs] == SAMPLE_PARAGRAPHS
    for document in (torch_doc, ct2_doc):
        assert all(s.translation for s in document.all_sentences())
        assert document.summary is not None and document.summary.text
    assert [len(p.sentences) for p in ct2_doc.paragraphs] == [len(p.sentences) for p in torch_doc.paragraphs]


def test_greedy_output_matches_between_backends_in_float32(tiny_marian: Path) -> None:
    """Same weights, same settings: CTranslate2 float32 decodes what transformers decodes."""
    texts = ["Vi gick hem.", "Kaffet var starkt och barnen lekte i parken."]
    outputs = {}
    for backend, compute_type in (("torch", None), ("ctranslate2", "float32")):
        engine = EngineOptions(backend=backend, device="cpu", compute_type=compute_type)
        generator = Seq2SeqGenerator(_spec(tiny_marian), GenerationOptions(beams=1), engine)
        # One at a time: a batch's length cap is its longest input's, and CTranslate2 now spreads a
        # two-sentence plan over its two workers while torch runs one batch.
        outputs[backend] = [generator.generate([text])[0] for text in texts]
    assert outputs["torch"] == outputs["ctranslate2"]


def test_a_converted_model_runs_without_importing_torch(tiny_marian: Path, tiny_bart: Path) -> None:
    convert(_spec(tiny_marian), "int8")
    convert(_spec(tiny_bart, "summarization"), "int8")
    script = (
        "import sys\n"
        "from translate import EngineOptions, ModelOptions, Pipeline, PipelineOptions\n"
        f"models = ModelOptions(translation={str(tiny_marian)!r}, summarizer={str(tiny_bart)!r})\n"
        "options = PipelineOptions(models=models, engine=EngineOptions(device='cpu'))\n"
        f"document = Pipeline(options).run({str(SAMPLE_POST)!r})\n"
        "assert document.summary and all(s.translation for s in document.all_sentences())\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=subprocess_env(), timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_models_convert_command(cli, tiny_marian: Path, tiny_bart: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("models", "convert", tiny_marian, "--compute-type", "int8_float32")
    assert result.exit_code == 0, result.output
    assert "converted in" in result.stdout and "int8_float32" in result.stdout
    again = cli("models", "convert", tiny_marian, "--compute-type", "int8_float32")
    assert "already converted" in again.stdout
    summarizer = cli("models", "convert", tiny_bart, "--kind", "summarization")
    assert summarizer.exit_code == 0, summarizer.output
    unknown = cli("models", "convert", "no-such-model")
    assert unknown.exit_code == 3 and "Unknown translation model" in unknown.stderr


def test_run_reports_the_engine_and_rejects_contradictions(cli, post: Path, tiny_marian: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "--backend", "torch", "--quantize", "int8")
    assert result.exit_code == 0, result.output
    assert "torch int8 (dynamic) on cpu" in result.stderr
    result = cli("run", post, "-m", tiny_marian, "-s", "none", "--threads", "1", "-o", post.with_suffix(".b.html"))
    assert result.exit_code == 0, result.output
    assert "ctranslate2 int8 on cpu, 1x1 threads" in result.stderr
    clash = cli("run", post, "-m", tiny_marian, "--backend", "ctranslate2", "--quantize", "int8")
    assert clash.exit_code == 3 and "--compute-type" in clash.stderr
    # With --backend auto, --quantize int8 gets CTranslate2's int8 (not a silent switch to slow torch), and says so.
    auto = cli("run", post, "-m", tiny_marian, "-s", "none", "--quantize", "int8", "-o", post.with_suffix(".c.html"))
    assert auto.exit_code == 0, auto.output
    assert "ctranslate2 int8 on cpu" in auto.stderr and "add --backend torch for torch's" in auto.stderr


def test_shortlist_restricts_output_to_common_and_source_pieces(tiny_marian: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from translate.models.shortlist import VMAP, build_shortlist

    spec = _spec(tiny_marian)
    converted = convert(spec, "int8")
    allowed_count = build_shortlist(converted, size=100)
    lines = (converted.path / VMAP).read_text(encoding="utf-8").splitlines()
    fixed = lines[0].lstrip("\t").split(" ")
    assert lines[0].startswith("\t") and len(fixed) == allowed_count == 100
    assert "<pad>" not in fixed and "</s>" not in fixed

    engine = EngineOptions(backend="ctranslate2", device="cpu", shortlist=True)
    generator = Seq2SeqGenerator(spec, engine=engine)
    assert "vocabulary shortlist" in generator.engine_description
    texts = ["Vi gick hem.", "Kaffet var starkt och barnen lekte i parken."]
    inputs = [generator.tokenizer(t).input_ids for t in texts]
    outputs = generator.engine.generate(inputs, generator.generation_kwargs(max(map(len, inputs))))
    source_pieces = {p for ids in inputs for p in generator.tokenizer.convert_ids_to_tokens(ids)}
    produced = {p for ids in outputs for p in generator.tokenizer.convert_ids_to_tokens(ids)}
    assert produced and produced <= set(fixed) | source_pieces | {"</s>", "<unk>"}
    # Without the shortlist the same random model reaches outside it.
    plain = Seq2SeqGenerator(spec, engine=EngineOptions(backend="ctranslate2", device="cpu"))
    unrestricted = plain.engine.generate(inputs, plain.generation_kwargs(max(map(len, inputs))))
    reached = {p for ids in unrestricted for p in plain.tokenizer.convert_ids_to_tokens(ids)}
    assert not reached <= set(fixed) | source_pieces | {"</s>", "<unk>"}

    result = cli("models", "shortlist", tiny_marian, "--size", "120")
    assert result.exit_code == 0, result.output
    assert "shortlist of 120" in result.stdout
    summarizer_only = cli("models", "shortlist", str(tiny_marian.parent / "missing"))
    assert summarizer_only.exit_code == 3


def test_progress_says_when_a_model_is_being_converted(tiny_marian: Path, tmp_path: Path) -> None:
    folder = _copy_model(tiny_marian, tmp_path / "fresh")
    for expected in (True, False):  # converted on first use only
        stages: list[tuple[str, int, int]] = []
        options = PipelineOptions(
            models=ModelOptions(translation=str(folder), summarizer="none"), engine=EngineOptions(device="cpu")
        )
        Pipeline(options, progress=lambda *call, seen=stages: seen.append(call)).load_models()
        assert (("convert translation", 0, 1) in stages) is expected
        assert (("convert translation", 1, 1) in stages) is expected
        assert ("load translation", 1, 1) in stages


def test_ctrl_c_acts_at_once_while_ctranslate2_is_busy() -> None:
    """A thread blocked in a native result() would see the interrupt only when its batch is done."""
    import os
    import signal
    import threading
    import time

    from translate.models.engines import _as_finished

    class NeverDone:
        def result(self) -> None:
            threading.Event().wait()  # blocks for good, as a native wait on a long batch does

    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        list(_as_finished(iter([(0, [NeverDone()])]), 2))
    timer.join()
    assert time.perf_counter() - started < 2


def test_the_entry_point_leaves_at_once_after_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the interrupt's message, the process ends without waiting for the engine's queued native batches;
    any other ending is left to the interpreter as usual."""
    import importlib

    cli_app = importlib.import_module("translate.cli.app")  # the module; translate.cli.app is the Typer object
    left: list[int] = []
    monkeypatch.setattr(cli_app, "leave_now", left.append)
    for code in (130, 0, 2):

        def ending(code: int = code) -> None:
            raise SystemExit(code)

        monkeypatch.setattr(cli_app, "app", ending)
        with pytest.raises(SystemExit):
            cli_app.main()
    assert left == [130]


def test_ctranslate2_batches_come_back_as_they_finish() -> None:
    """Progress follows the work: a short batch finished early is reported before a long one queued first."""
    import time

    from translate.models.engines import _as_finished

    class Result:
        def __init__(self, seconds: float) -> None:
            self.seconds = seconds

        def result(self) -> None:
            time.sleep(self.seconds)

    queued = iter([(0, [Result(0.6), Result(0.1)]), (1, [Result(0.0)]), (2, [Result(0.3)])])
    started = time.perf_counter()
    order = [position for position, _ in _as_finished(queued, 3)]
    assert order == [1, 2, 0]
    # Told when each is done, not at the next poll: the three waits overlap, and nothing is waited for twice.
    assert time.perf_counter() - started < 0.85


def test_ctranslate2_keeps_only_a_window_of_batches_submitted() -> None:
    """A caller that stops early leaves at most the window running, not the whole plan."""
    from translate.models.engines import _as_finished

    submitted: list[int] = []

    class Done:
        def result(self) -> None:
            return None

    def queue():  # type: ignore[no-untyped-def]
        for position in range(10):
            submitted.append(position)
            yield position, [Done()]

    batches = _as_finished(queue(), 2)
    assert next(batches)[0] in (0, 1) and len(submitted) == 2  # the window (either may finish first)
    assert next(batches)[0] in (0, 1, 2) and len(submitted) == 3  # one more for the one done
    batches.close()
    assert len(submitted) == 3
