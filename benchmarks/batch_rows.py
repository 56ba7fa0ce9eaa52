"""Decoded tokens/s of CTranslate2 by sentences per batch, at equal lengths, both workers fed.

    .venv/bin/python benchmarks/batch_rows.py      # under a minute on 2 cores

48 real FLORES sentences (sorted by length) through the opus-mt-sv-en-shaped model (CTranslate2
int8, 2 workers x 1 thread, beam 4), every sentence decoding 30 tokens, in batches of 1 to 16
sentences, all batches queued at once. This is why a server that batches concurrent requests
together beats one that decodes each request's sentences one per batch (benchmarks/peers.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "tests"))

from opus_shaped import converted_opus_shaped_marian  # noqa: E402
from replay_engine import load_real_pairs  # noqa: E402

TOKENS = 30


def main() -> None:
    import ctranslate2

    from translate.models.conversion import convert
    from translate.models.engines import load_tokenizer
    from translate.models.registry import load_registry

    model, _ = converted_opus_shaped_marian(Path("/tmp/sv2en-speed"))
    converted = convert(load_registry().resolve(str(model), "translation"), "int8")
    tokenizer = load_tokenizer(converted.hf_path)
    sources = sorted(
        (
            tokenizer.convert_ids_to_tokens(tokenizer(" ".join(p.source.split())).input_ids)
            for p in load_real_pairs()[:48]
        ),
        key=len,
    )
    translator = ctranslate2.Translator(str(converted.path), device="cpu", inter_threads=2, intra_threads=1)
    translator.translate_batch(sources[:2], beam_size=4, max_decoding_length=5)  # warm-up
    print(f"{len(sources)} sentences x {TOKENS} tokens, beam 4, 2x1 threads")
    for size in (1, 2, 4, 6, 8, 12, 16):
        started = time.perf_counter()
        pending = [
            translator.translate_batch(
                sources[i : i + size], beam_size=4, max_decoding_length=TOKENS, asynchronous=True
            )
            for i in range(0, len(sources), size)
        ]
        for results in pending:
            for result in results:
                result.result()
        seconds = time.perf_counter() - started
        print(f"{size:3d} sentences a batch: {seconds:5.2f} s, {len(sources) * TOKENS / seconds:4.0f} tokens/s")


if __name__ == "__main__":
    main()
