"""Translation speed on a CPU: this tool's default path against the model card's way and against bare CTranslate2.

    .venv/bin/python benchmarks/speed.py                 # the table in the README (about 5 minutes on 2 cores)
    .venv/bin/python benchmarks/speed.py --sweep         # also batch budgets and thread layouts
    .venv/bin/python benchmarks/speed.py --sentences 48  # quicker

The model is a random-weight MarianMT of opus-mt-sv-en's exact shape (benchmarks/opus_shaped.py).
Random weights never choose </s>, so every sentence decodes until its length cap: the
variants are compared in generated tokens per second, all with the model's 4 beams and the
same cap rule (max_new_tokens = min(511, 2 x longest input in the batch + 10)).

  a  model card: sentences in document order, batches of 8, torch float32, model.generate()
  b  this tool's default: Seq2SeqGenerator with default options (CTranslate2 int8 when
     installed, length-sorted batches packed by a token budget), tokenizing and decoding included
  c  bare CTranslate2 int8 translate_batch on the same token lists, batches and caps as b,
     timing only translate_batch, with CTranslate2's default threads and the batches in turn
  c2 the same with the tool's thread layout (2 workers x 1 thread on 2 cores) and all batches
     queued at once: the engine's own limit for the tool's plan, so b/c2 is the tool's overhead
  d  b with the vocabulary shortlist (opt-in --shortlist); the map here is the tool's own
     builder run on this model, so its speed is real and its effect on output is not measured

Each variant runs in a fresh process, so peak RSS is that variant's alone. The whole-process
wall time of `translate run` is measured on a 600-word post built from the test corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from opus_shaped import build_opus_shaped_marian  # noqa: E402

CAP_SLACK = 10
BEAMS = 4  # --beams sets it for every variant


def benchmark_sentences(count: int) -> list[str]:
    """Real blog sentences from the test corpus, in document order, at least 4 words each."""
    from translate.pipeline import prepare_document

    sentences: list[str] = []
    for path in sorted((ROOT / "tests" / "corpus" / "posts").iterdir()):
        if path.suffix in (".txt", ".md", ".html"):
            document = prepare_document(path.read_bytes(), path.name)
            sentences.extend(s.source for s in document.all_sentences() if len(s.source.split()) >= 4)
    return sentences[:count]


def post_of_words(words: int) -> str:
    """A plain-text post of at least this many words: a title and corpus paragraphs."""
    from translate.pipeline import prepare_document

    paragraphs: list[str] = []
    total = 0
    for path in sorted((ROOT / "tests" / "corpus" / "posts").glob("*.txt")):
        for paragraph in prepare_document(path.read_bytes(), path.name).paragraphs:
            if total >= words:
                break
            paragraphs.append(paragraph.source)
            total += len(paragraph.source.split())
    return "Ett inlägg för mätningen\n\n" + "\n\n".join(paragraphs) + "\n"


def _cap(longest_input: int) -> int:
    return min(511, 2 * longest_input + CAP_SLACK)


def _peak_rss_mb() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec.
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_model_card(model: Path, sentences: list[str], beams: int) -> dict[str, Any]:
    started = time.perf_counter()
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    network = AutoModelForSeq2SeqLM.from_pretrained(model).eval()
    load = time.perf_counter() - started

    def translate(batch: list[str]) -> int:
        encoded = tokenizer(batch, return_tensors="pt", padding=True)
        with torch.inference_mode():
            out = network.generate(
                **encoded, num_beams=beams, max_new_tokens=_cap(int(encoded["attention_mask"].sum(1).max()))
            )
        tokenizer.batch_decode(out, skip_special_tokens=True)
        return int((out[:, 1:] != tokenizer.pad_token_id).sum())

    translate(sentences[:1])  # warm-up
    started = time.perf_counter()
    tokens = sum(translate(sentences[i : i + 8]) for i in range(0, len(sentences), 8))
    seconds = time.perf_counter() - started
    return {"tokens": tokens, "seconds": seconds, "load": load, "threads": torch.get_num_threads()}


def _generator(model: Path, **engine: Any) -> Any:
    from translate.models.registry import load_registry
    from translate.models.seq2seq import Seq2SeqGenerator
    from translate.options import EngineOptions, GenerationOptions

    spec = load_registry().resolve(str(model), "translation")
    names = ("beams", "max_batch_tokens", "max_batch_sentences", "max_batch_rows")
    generation = GenerationOptions(**{name: engine.pop(name) for name in names if name in engine})
    return Seq2SeqGenerator(spec, generation, EngineOptions(**engine))


def run_default(model: Path, sentences: list[str], **engine: Any) -> dict[str, Any]:
    started = time.perf_counter()
    generator = _generator(model, **engine)
    load = time.perf_counter() - started
    generator.generate(sentences[:1])  # warm-up
    generator.generated_tokens = 0
    started = time.perf_counter()
    generator.generate(sentences)
    seconds = time.perf_counter() - started
    return {
        "tokens": generator.generated_tokens,
        "seconds": seconds,
        "load": load,
        "engine": generator.engine_description,
        "torch_imported": "torch" in sys.modules,
    }


def run_bare_ctranslate2(model: Path, sentences: list[str], layout: str, beams: int) -> dict[str, Any]:
    """translate_batch on the same token lists, batches and caps as the default path; only it is timed.

    layout "default": a Translator with CTranslate2's default threads (one worker), batches
    one after another, as its documentation shows. layout "tool": this tool's thread layout
    and all batches queued asynchronously, i.e. the engine's limit for the tool's plan.
    """
    import ctranslate2

    from translate.models.engines import available_cores, thread_layout

    generator = _generator(model, backend="ctranslate2", beams=beams)
    engine = generator.engine
    del engine.translator  # only one model in memory, so that RSS means something
    folder = str(_converted_folder(model))
    ids = [generator.tokenizer(s).input_ids for s in sentences]
    assert all(len(i) <= generator.max_input_tokens for i in ids)
    tokens = [generator.tokenizer.convert_ids_to_tokens(i) for i in ids]
    plan = [
        ([tokens[i] for i in batch], engine._decoding(generator.generation_kwargs(max(len(ids[i]) for i in batch))))
        for batch in generator._batches([len(i) for i in ids])
    ]
    started = time.perf_counter()
    if layout == "tool":
        inter, intra = thread_layout(available_cores())
        translator = ctranslate2.Translator(
            folder, device="cpu", compute_type="int8", inter_threads=inter, intra_threads=intra
        )
    else:
        translator = ctranslate2.Translator(folder, device="cpu", compute_type="int8")
    load = time.perf_counter() - started
    translator.translate_batch(tokens[:1], **plan[0][1])  # warm-up
    started = time.perf_counter()
    if layout == "tool":
        pending = [translator.translate_batch(t, asynchronous=True, **d) for t, d in plan]
        results = [r.result() for batch in pending for r in batch]
    else:
        results = [r for t, d in plan for r in translator.translate_batch(t, **d)]
    seconds = time.perf_counter() - started
    generated = sum(len(r.hypotheses[0]) for r in results)
    return {"tokens": generated, "seconds": seconds, "load": load, "batches": len(plan)}


def _converted_folder(model: Path) -> Path:
    from translate.models.conversion import find_converted
    from translate.models.registry import load_registry

    found = find_converted(load_registry().resolve(str(model), "translation"), "int8")
    assert found is not None
    return found.path


def child(variant: str, model: Path, sentences_file: Path, extra: dict[str, Any]) -> None:
    sentences = json.loads(sentences_file.read_text(encoding="utf-8"))
    if variant == "a":
        result = run_model_card(model, sentences, beams=extra.pop("beams", 4))
    elif variant in ("c", "c2"):
        result = run_bare_ctranslate2(model, sentences, "default" if variant == "c" else "tool", extra.pop("beams", 4))
    else:
        result = run_default(model, sentences, **extra)
    result["rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))


def in_fresh_process(variant: str, model: Path, sentences_file: Path, **extra: Any) -> dict[str, Any]:
    extra.setdefault("beams", BEAMS)
    command = [sys.executable, __file__, "--child", variant, "--model", str(model), "--sentences-file"]
    command += [str(sentences_file), "--extra", json.dumps(extra)]
    done = subprocess.run(command, capture_output=True, text=True, env=_env())
    if done.returncode != 0:
        raise SystemExit(f"variant {variant} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["tokens_per_s"] = result["tokens"] / result["seconds"]
    return result


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


def time_translate_run(post: Path, model: Path, *options: str) -> dict[str, float]:
    output = post.with_suffix(".out.html")
    command = [sys.executable, "-m", "translate", "run", str(post), "-m", str(model), "-s", "extractive"]
    command += ["-o", str(output), "-f", "json", "-q", *options]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=_env(), cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"translate run failed:\n{done.stderr}")
    stats = json.loads(output.read_text(encoding="utf-8"))["stats"]
    return {"wall": wall, **stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=96, help="How many corpus sentences to translate.")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-speed"), help="Model and scratch folder.")
    parser.add_argument("--sweep", action="store_true", help="Also try batch budgets and thread layouts.")
    parser.add_argument("--beams", type=int, default=4, help="Beams for every variant (opus-mt-sv-en's config: 6).")
    parser.add_argument("--no-run", action="store_true", help="Skip timing whole `translate run` processes.")
    parser.add_argument("--json", type=Path, help="Write all figures here too.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sentences-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.model, args.sentences_file, json.loads(args.extra))
        return
    global BEAMS
    BEAMS = args.beams

    # Conversions go to a cache inside the work folder, not the user's.
    os.environ.setdefault("HANDOUT_CACHE_DIR", str(args.work / "cache"))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    model = build_opus_shaped_marian(args.work / "opus-mt-sv-en-shaped")
    print(f"model ready in {time.perf_counter() - started:.0f} s: {model}", file=sys.stderr)
    sentences = benchmark_sentences(args.sentences)
    sentences_file = args.work / "sentences.json"
    sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")

    from translate.models.conversion import convert
    from translate.models.registry import load_registry
    from translate.models.shortlist import build_shortlist

    converted = convert(load_registry().resolve(str(model), "translation"), "int8", force=True)
    shortlist_size = build_shortlist(converted)
    figures: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "sentences": len(sentences),
        "words": sum(len(s.split()) for s in sentences),
        "conversion_seconds": converted.seconds,
        "shortlist_size": shortlist_size,
    }
    variants = {
        "a": in_fresh_process("a", model, sentences_file),
        "b": in_fresh_process("b", model, sentences_file),
        "c": in_fresh_process("c", model, sentences_file),
        "c2": in_fresh_process("c2", model, sentences_file),
        "d": in_fresh_process("b", model, sentences_file, shortlist=True),
    }
    figures["variants"] = variants
    if args.sweep:
        sweep = {}
        for budget, sentences_per_batch in ((1024, 8), (1024, 16), (2048, 32), (2048, 64)):
            sweep[f"batches of {budget} tokens, {sentences_per_batch} sentences"] = in_fresh_process(
                "b", model, sentences_file, max_batch_tokens=budget, max_batch_sentences=sentences_per_batch
            )
        sweep["torch int8 (--quantize int8)"] = in_fresh_process(
            "b", model, sentences_file, backend="torch", quantize="int8"
        )
        sweep["1 thread"] = in_fresh_process("b", model, sentences_file, threads=1)
        sweep["torch float32, sorted batches"] = in_fresh_process("b", model, sentences_file, backend="torch")
        figures["sweep"] = sweep

    post = args.work / "post600.txt"
    post.write_text(post_of_words(600), encoding="utf-8")
    figures["post_words"] = len(post.read_text(encoding="utf-8").split())
    figures["translate_run"] = (
        {
            "default": time_translate_run(post, model, "--beams", str(BEAMS)),
            "torch": time_translate_run(post, model, "--beams", str(BEAMS), "--backend", "torch"),
        }
        if not args.no_run
        else {}
    )
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def report(figures: dict[str, Any]) -> None:
    v = figures["variants"]
    print(f"\n{figures['machine']}; {figures['sentences']} sentences ({figures['words']} words), {BEAMS} beams")
    print(f"{'variant':58} {'tokens':>7} {'s':>7} {'tok/s':>7} {'RSS MB':>7} {'load s':>7}")
    names = {
        "a": "a model card: torch fp32, batches of 8 in order",
        "b": f"b default: {v['b'].get('engine', '')}",
        "c": "c bare CTranslate2 int8, default threads, in turn",
        "c2": "c2 bare CTranslate2 int8, tool's threads, queued",
        "d": f"d default + --shortlist ({figures['shortlist_size']} common pieces)",
    }
    for key, result in list(v.items()) + list(figures.get("sweep", {}).items()):
        name = names.get(key, f"  sweep: {key} ({result.get('engine', '')})")
        print(
            f"{name[:58]:58} {result['tokens']:7d} {result['seconds']:7.1f} {result['tokens_per_s']:7.0f} "
            f"{result['rss_mb']:7.0f} {result['load']:7.1f}"
        )
    print(f"\nb/a tokens/s: {v['b']['tokens_per_s'] / v['a']['tokens_per_s']:.2f}x")
    print(f"b/c tokens/s: {v['b']['tokens_per_s'] / v['c']['tokens_per_s']:.2f}")
    print(f"b/c2 tokens/s: {v['b']['tokens_per_s'] / v['c2']['tokens_per_s']:.2f}")
    print(f"d/b tokens/s (shortlist): {v['d']['tokens_per_s'] / v['b']['tokens_per_s']:.2f}x")
    print(f"peak RSS b/a: {v['b']['rss_mb'] / v['a']['rss_mb']:.2f} (torch imported by b: {v['b']['torch_imported']})")
    print(f"one-time conversion to CTranslate2 int8: {figures['conversion_seconds']:.1f} s")
    for name, run in figures["translate_run"].items():
        print(
            f"translate run, {figures['post_words']}-word post, {name}: {run['wall']:.1f} s wall "
            f"(load {run['seconds']['load']:.1f} s, translate {run['seconds']['translate']:.1f} s, "
            f"{run['sentences']} sentences, {run['generated_tokens']} tokens)"
        )


if __name__ == "__main__":
    main()
