"""What one reader waits for: `translate run` on a 600-word post, cold (first use: the model is converted) and warm
(converted, cached), with the time split into its phases.

    .venv/bin/python benchmarks/post_latency.py          # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/post_latency.py --json benchmarks/results/post-latency-2-core-x86_64.json

The post and the generated lengths are realistic_speed.py's: 600 words of real consecutive
Swedish (tests/data/realdata/, FLORES-101), each batch decoding as many tokens as the real
opus-mt-sv-en's longest output among its sentences, on the random-weight model of its shape
(6 beams, CTranslate2 int8). Phases:
  start-up     a new Python process importing the command (what `translate run` pays before any work)
  conversion   transformers -> CTranslate2, first use only
  loading      the converted model (and its tokenizer) into memory
  reading      decoding, parsing, cleaning and segmenting the post
  translation  the guard's first pass; "retry" is its second pass over flagged sentences, which random
               weights make of every sentence and the real model of about one in a thousand
  summary      extractive (TextRank)
  rendering    the HTML handout, and the PDF one
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from opus_shaped import build_opus_shaped_marian  # noqa: E402
from realistic_speed import REAL_BEAMS, force_real_lengths, real_post, recorded_lengths  # noqa: E402


def start_up_seconds(runs: int = 3) -> float:
    """Median wall time of a new interpreter importing the command and its pipeline."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import translate.cli.app, translate.pipeline"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def one_run(model: Path, post: Path, used: list[tuple[str, str]]) -> dict[str, float]:
    from translate import ModelOptions, Pipeline, PipelineOptions, render

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(f"{stage} start", time.perf_counter())
        if done >= total:
            marks[f"{stage} end"] = time.perf_counter()

    pipeline = Pipeline(
        PipelineOptions(models=ModelOptions(translation=str(model), summarizer="extractive")), progress=progress
    )
    started = time.perf_counter()
    pipeline.load_models()
    loading = time.perf_counter() - started
    conversion = marks.get("convert translation end", 0.0) - marks.get("convert translation start", 0.0)
    force_real_lengths(pipeline.translator, recorded_lengths(pipeline.translator.tokenizer, used))
    document = pipeline.run(post)
    stats = document.stats
    timed = time.perf_counter()
    render(document, "html")
    html = time.perf_counter() - timed
    timed = time.perf_counter()
    render(document, "pdf")
    pdf = time.perf_counter() - timed
    return {
        "conversion": round(conversion, 2),
        "loading": round(loading - conversion, 2),
        "reading": round(stats.seconds_read, 2),
        "translation": round(stats.seconds_translate - stats.seconds_retry, 2),
        "retry": round(stats.seconds_retry, 2),
        "summary": round(stats.seconds_summarize, 2),
        "rendering_html": round(html, 2),
        "rendering_pdf": round(pdf, 2),
        "sentences": stats.sentences,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-latency"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / "cache"
    shutil.rmtree(cache, ignore_errors=True)  # cold: nothing converted yet
    os.environ["HANDOUT_CACHE_DIR"] = str(cache)
    model = build_opus_shaped_marian(args.work / "opus-mt-sv-en-shaped-6-beams", num_beams=REAL_BEAMS)
    text, used = real_post(args.words)
    post = args.work / "post.txt"
    post.write_text(text, encoding="utf-8")
    start_up = round(start_up_seconds(), 2)
    runs = {"cold": one_run(model, post, used), "warm": one_run(model, post, used)}
    for run in runs.values():
        run["start_up"] = start_up
        phases = [k for k in run if k != "sentences"]
        run["total"] = round(sum(run[k] for k in phases if k != "rendering_pdf"), 2)
    figures = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "post_words": len(text.split()),
        "beams": REAL_BEAMS,
        "runs": runs,
    }
    order = ["start_up", "conversion", "loading", "reading", "translation", "retry", "summary", "rendering_html"]
    print(f"{figures['machine']}; a {figures['post_words']}-word real post, {REAL_BEAMS} beams, seconds")
    print(f"{'':6}" + "".join(f"{name:>15}" for name in [*order, "total (html)", "rendering_pdf"]))
    for name, run in runs.items():
        print(f"{name:6}" + "".join(f"{run[k]:15.2f}" for k in [*order, "total", "rendering_pdf"]))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
