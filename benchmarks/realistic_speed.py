"""End-to-end time of a 600-word post when generated lengths follow the real model's, not the length cap.

    .venv/bin/python benchmarks/realistic_speed.py            # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/realistic_speed.py --json benchmarks/results/realistic-2-core-x86_64.json

speed.py decodes a random-weight model of opus-mt-sv-en's shape, which never chooses </s>, so
every sentence runs to its cap (2 x input + 10 tokens): that measures the engine, but says
little about what a user waits for. Here the post is 600 words of real consecutive Swedish
sentences (tests/data/realdata/, FLORES-101), and each batch decodes exactly as many tokens as
the longest recorded real output among its sentences (the real opus-mt-sv-en's output, its
length in the real model's pieces estimated from its words: replayed_lengths.real_output_tokens;
the shaped model's own tokenizer, trained on Swedish, would cut English three times finer
and triple every decode). A real batch runs until its longest row ends,
so this is what the real model would cost, to within its rows finishing early (CTranslate2
drops finished rows; torch does not).

Variants, each with a fresh Pipeline (load, conversion cache warm, translate, extractive
summary, render as HTML), all with the real model's default of 6 beams:
  capped      the default settings, lengths to the cap as in speed.py (the baseline)
  realistic   the default settings, lengths as the real model's
  shortlist   realistic with --shortlist (a vocabulary shortlist; its effect on output is not
              measured here: random weights)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "tests"))

from opus_shaped import build_opus_shaped_marian  # noqa: E402
from replay_engine import load_real_pairs  # noqa: E402

REAL_BEAMS = 6  # opus-mt-sv-en's generation_config


def real_post(words: int) -> tuple[str, list[tuple[str, str]]]:
    """A post of at least ``words`` words: consecutive real sources, five to a paragraph; and (source, real output)."""
    pairs = load_real_pairs()
    used: list[tuple[str, str]] = []
    total = 0
    for pair in pairs:
        if total >= words:
            break
        used.append((" ".join(pair.source.split()), pair.outputs["opus-mt-sv-en"]))
        total += len(pair.source.split())
    paragraphs = [" ".join(s for s, _ in used[i : i + 5]) for i in range(0, len(used), 5)]
    return "\n\n".join(paragraphs) + "\n", used


def recorded_lengths(tokenizer: Any, used: list[tuple[str, str]]) -> dict[tuple[int, ...], int]:
    """Input ids of each sentence the splitter makes -> tokens of its real output (a share of it, by characters,
    when the splitter cuts a recorded line in two)."""
    from replayed_lengths import real_output_tokens

    from translate.text.segment import split_sentences

    lengths: dict[tuple[int, ...], int] = {}
    for source, output in used:
        produced = real_output_tokens(output)
        for piece in split_sentences(source):
            share = len(piece) / len(source)
            lengths[tuple(tokenizer(piece).input_ids)] = max(2, round(produced * share))
    return lengths


def force_real_lengths(generator: Any, lengths: dict[tuple[int, ...], int]) -> dict[str, int]:
    """Make each batch decode as many tokens as its longest recorded output; returns counts of known/unknown rows."""
    engine = generator.engine
    original = engine.generate_batches
    seen = {"known": 0, "estimated": 0}

    def generate_batches(requests: list[Any]) -> Iterator[tuple[int, list[list[int]]]]:
        forced = []
        for inputs, settings in requests:
            wanted = []
            for ids in inputs:
                if tuple(ids) in lengths:
                    seen["known"] += 1
                    wanted.append(lengths[tuple(ids)])
                else:  # a title or a piece: about as long as its input, as the real outputs are
                    seen["estimated"] += 1
                    wanted.append(len(ids) + 2)
            forced.append((inputs, dict(settings, max_new_tokens=max(wanted))))
        return original(forced)

    engine.generate_batches = generate_batches
    return seen


def run_variant(model: Path, post: Path, used: list[tuple[str, str]], realistic: bool, shortlist: bool) -> dict:
    from translate import EngineOptions, ModelOptions, Pipeline, PipelineOptions, render

    started = time.perf_counter()
    options = PipelineOptions(
        models=ModelOptions(translation=str(model), summarizer="extractive"),
        engine=EngineOptions(shortlist=shortlist),
    )
    pipeline = Pipeline(options)
    pipeline.load_models()
    loaded = time.perf_counter() - started
    seen = (
        force_real_lengths(pipeline.translator, recorded_lengths(pipeline.translator.tokenizer, used))
        if (realistic)
        else None
    )
    document = pipeline.run(post)
    render(document, "html")
    wall = time.perf_counter() - started
    return {
        "wall": round(wall, 2),
        "load": round(loaded, 2),
        "translate": round(document.stats.seconds_translate, 2),
        # Random outputs fail the guard, so every sentence is retried once; the real model's
        # rarely do (1 of 500 real outputs is flagged), so "real_wall" leaves the retries out.
        "retried": document.stats.retried,
        "retry": round(document.stats.seconds_retry, 2),
        "real_wall": round(wall - document.stats.seconds_retry, 2),
        "sentences": document.stats.sentences,
        "generated_tokens": document.stats.generated_tokens,
        "engine": pipeline.translator.engine_description,
        "rows": seen,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=600, help="Length of the post.")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-realistic"), help="Model and scratch folder.")
    parser.add_argument("--json", type=Path, help="Write the figures here too.")
    args = parser.parse_args()
    os.environ.setdefault("HANDOUT_CACHE_DIR", str(args.work / "cache"))
    args.work.mkdir(parents=True, exist_ok=True)
    model = build_opus_shaped_marian(args.work / "opus-mt-sv-en-shaped-6-beams", num_beams=REAL_BEAMS)
    text, used = real_post(args.words)
    post = args.work / "post.txt"
    post.write_text(text, encoding="utf-8")

    # Conversion to CTranslate2 and the shortlist's map happen once per model (cached): not timed.
    from translate.models.conversion import convert
    from translate.models.registry import load_registry
    from translate.models.shortlist import build_shortlist

    build_shortlist(convert(load_registry().resolve(str(model), "translation"), "int8"))
    variants = {
        "capped": run_variant(model, post, used, realistic=False, shortlist=False),
        "realistic": run_variant(model, post, used, realistic=True, shortlist=False),
        "shortlist": run_variant(model, post, used, realistic=True, shortlist=True),
    }
    figures = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "post_words": len(text.split()),
        "beams": REAL_BEAMS,
        "variants": variants,
    }
    print(f"{figures['machine']}; a {figures['post_words']}-word real post, {REAL_BEAMS} beams")
    print(
        f"{'variant':12} {'wall s':>7} {'load s':>7} {'transl s':>8} {'retry s':>8} {'no-retry wall':>13} "
        f"{'sentences':>9} {'tokens':>7}"
    )
    for name, v in variants.items():
        print(
            f"{name:12} {v['wall']:7.1f} {v['load']:7.1f} {v['translate']:8.1f} {v['retry']:8.1f} "
            f"{v['real_wall']:13.1f} {v['sentences']:9d} {v['generated_tokens']:7d}"
        )
    capped, real, short = variants["capped"], variants["realistic"], variants["shortlist"]
    print(f"\nrealistic/capped wall: {real['wall'] / capped['wall']:.2f}")
    print(f"shortlist/realistic wall: {short['wall'] / real['wall']:.2f}")
    print(f"shortlist/realistic wall without retries: {short['real_wall'] / real['real_wall']:.2f}")
    print(f"rows with a recorded length: {real['rows']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
