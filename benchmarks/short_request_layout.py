"""How to use both cores for a short request: the layout rule of seq2seq._spread, chosen by this measurement.

    .venv/bin/python benchmarks/short_request_layout.py            # about 2 minutes on 2 cores
    .venv/bin/python benchmarks/short_request_layout.py --json benchmarks/results/short-request-layout.json

A two-sentence request (as LibreTranslate clients send) on the random-weight opus-mt-sized
model (CTranslate2 int8, 4 beams), translated over and over, interleaved, three ways:
  one batch, 2x1     two workers of one thread each, the request as one batch (one core idle)
  spread, 2x1        the same workers, the request split into one batch per worker (the rule)
  one batch, 1x2     one worker with two threads, the request as one batch (the alternative:
                     a second translator of this layout would have to be kept for short plans)
Each way gets its own generator; each round times every way once, in turn, so that the
machine's drift touches all three alike. The figure is the median time per request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from opus_shaped import converted_opus_shaped_marian  # noqa: E402
from speed import benchmark_sentences  # noqa: E402


def generator(model: Path, layout: tuple[int, int], spread: bool):  # type: ignore[no-untyped-def]
    import translate.models.engines as engines
    import translate.models.seq2seq as seq2seq
    from translate.models.registry import load_registry
    from translate.options import EngineOptions, GenerationOptions

    original_layout = engines.thread_layout
    engines.thread_layout = lambda threads: layout  # only while this one is built
    try:
        built = seq2seq.Seq2SeqGenerator(
            load_registry().resolve(str(model), "translation"),
            GenerationOptions(),
            EngineOptions(backend="ctranslate2", device="cpu", threads=2),
        )
    finally:
        engines.thread_layout = original_layout
    if not spread:
        built.engine = _OneBatch(built.engine)
    return built


class _OneBatch:
    """The engine as it was before the rule: it says it runs one batch at a time, so nothing is split."""

    parallel_batches = 1

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self._engine = engine

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._engine, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-speed"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    model, _ = converted_opus_shaped_marian(args.work)
    sentences = benchmark_sentences(2 * args.rounds + 2)
    ways = {
        "one batch, 2x1": generator(model, (2, 1), spread=False),
        "spread, 2x1": generator(model, (2, 1), spread=True),
        "one batch, 1x2": generator(model, (1, 2), spread=False),
    }
    for way in ways.values():
        way.generate(sentences[-2:])  # warm-up
    times: dict[str, list[float]] = {name: [] for name in ways}
    for number in range(args.rounds):
        request = sentences[2 * number : 2 * number + 2]
        for name, way in ways.items():
            started = time.perf_counter()
            way.generate(request)
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["one batch, 2x1"])
    figures = {
        name: {
            "median_s": round(statistics.median(t), 3),
            "speed_vs_one_batch_2x1": round(base / statistics.median(t), 2),
        }
        for name, t in times.items()
    }
    for name, f in figures.items():
        print(f"{name:16} median {f['median_s']:.3f} s per two-sentence request, {f['speed_vs_one_batch_2x1']:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"rounds": args.rounds, "ways": figures}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
