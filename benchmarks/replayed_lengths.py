"""Make a random-weight model cost what the real opus-mt-sv-en costs, in this tool and in Argos Translate alike.

A random-weight model never chooses </s>, so every sentence would decode to its length cap:
that measures the cap, not the work a user waits for. Here every batch that CTranslate2 runs
decodes exactly as many tokens as the longest real output among its sentences (what the real
opus-mt-sv-en wrote for them, tests/data/realdata/), in both tools, by the same rule:

- a sentence that is a recorded FLORES line: its real output's length in the real model's pieces (estimated
  from its words, real_output_tokens below: the shaped model's own Swedish-trained pieces would cut
  English three times finer);
- a part of a recorded line (a splitter cut it): that count times its share of the line's characters;
- anything else (a title): its input length + 2, as real outputs are about as long as their inputs.

A real batch runs until its longest row ends, so this is what the real model would cost, to
within its rows finishing early. The lengths file (made by peers.py) maps each recorded
source line to its real output and that output's tokens; the sentences are recognized from their
sentencepiece pieces, so both tools' tokenizations meet the same table.

This tool's engine is also given the real output back instead of the random ones,
so that its fidelity guard sees what it would see with the real model (and retries what it
would retry, about one sentence in a thousand) instead of retrying every random sentence.
Argos has no guard, so its output is left as decoded.

Used as a launcher, in whichever virtual environment runs the tool (imports nothing of either
tool at the top):

    python replayed_lengths.py LENGTHS.json COUNTS.json ours ARGS...          # translate ARGS, replayed
    python replayed_lengths.py LENGTHS.json COUNTS.json libretranslate ARGS... # libretranslate ARGS, replayed
    python replayed_lengths.py LENGTHS.json COUNTS.json ours-offline POST MODEL
    python replayed_lengths.py LENGTHS.json COUNTS.json argos-offline POST

COUNTS.json is rewritten after every batch: batches, rows and decoded tokens so far (so that a
server that is stopped leaves its counts behind), which is how peers.py shows both tools
decoded the same amount.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

SPACE = "\u2581"  # sentencepiece's word boundary


def squash(text: str) -> str:
    return " ".join(text.split())


def pieces_text(pieces: list[str]) -> str:
    """The text a row of sentencepiece pieces spells, without the end token."""
    return squash("".join(p for p in pieces if p not in ("</s>", "<s>")).replace(SPACE, " "))


# Pieces per English word of a sentencepiece vocabulary the size of opus-mt's (tens of thousands of
# pieces, shared with Swedish): common words are one piece, names and compounds a few.
PIECES_PER_WORD = 1.3


def real_output_tokens(output: str) -> int:
    """The steps the real opus-mt-sv-en decoded for output (its pieces and </s>), estimated from its words.

    Not the shaped model's own count: its sentencepiece has 4,000 pieces trained on Swedish and
    cuts English into about three pieces a word, which would triple every decode.
    """
    return round(PIECES_PER_WORD * len(output.split())) + 1


class RecordedLengths:
    """The replay table and the decode counters of one process."""

    def __init__(self, lengths_file: Path, counts_file: Path) -> None:
        table = json.loads(lengths_file.read_text(encoding="utf-8"))
        # Each line under its text and under the text its token ids spell (a character the shaped
        # model's vocabulary lacks comes back from the ids as <unk>).
        self.lines: dict[str, dict[str, Any]] = {}
        for row in table:
            self.lines[squash(row["source"])] = row
            self.lines.setdefault(squash(row["key"]), row)
        self.counts_file = counts_file
        self.counts = {"batches": 0, "rows": 0, "decoded_tokens": 0, "recorded": 0, "part": 0, "estimated": 0}
        self._lock = threading.Lock()

    def lookup(self, pieces: list[str]) -> tuple[int, str | None, str]:
        """(tokens to decode, the real output or None, how it was found) for one input row.

        A part of a line gets its share of the line's tokens and the same share of its output's
        words, from the same place (what a model that translated the parts separately would write)."""
        text = pieces_text(pieces)
        row = self.lines.get(text)
        if row is not None:
            return int(row["tokens"]), str(row["output"]), "recorded"
        if len(text) >= 10:
            for line, row in self.lines.items():
                start = line.find(text)
                if start >= 0:
                    share = len(text) / len(line)
                    words = str(row["output"]).split()
                    first, last = (
                        round(len(words) * start / len(line)),
                        round(len(words) * (start + len(text)) / len(line)),
                    )
                    return (
                        max(2, round(int(row["tokens"]) * share)),
                        " ".join(words[first : max(last, first + 1)]),
                        "part",
                    )
        return len([p for p in pieces if p != "</s>"]) + 2, None, "estimated"

    def record(self, rows: int, decoded: int, kinds: list[str]) -> None:
        with self._lock:
            self.counts["batches"] += 1
            self.counts["rows"] += rows
            self.counts["decoded_tokens"] += decoded
            for kind in kinds:
                self.counts[kind] += 1
            temporary = self.counts_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.counts), encoding="utf-8")
            os.replace(temporary, self.counts_file)


# --- this tool: a backend registered through the real plugin seam ---------------------------------


def register_ours(table: RecordedLengths) -> str:
    """Register 'ctranslate2-replayed': the real CTranslate2 backend, each batch capped at its recorded length."""
    from translate.models import engines

    def load(spec: Any, options: Any, on_convert: Any) -> tuple[Any, Any]:
        tokenizer, engine = engines._load_ctranslate2(spec, options, on_convert)
        decode = engine.generate_batches

        def generate_batches(requests: list[Any]) -> Any:
            capped, replies, kinds = [], [], []
            for inputs, settings in requests:
                found = [table.lookup(tokenizer.convert_ids_to_tokens(ids)) for ids in inputs]
                cap = max(tokens for tokens, _, _ in found)
                # The generation config forces </s> at the cap: one step more, so that the tool
                # decodes `cap` tokens, as Argos is given max_decoding_length=cap.
                capped.append((inputs, dict(settings, max_new_tokens=cap + 1)))
                replies.append([output for _, output, _ in found])
                kinds.append([kind for _, _, kind in found])
            for position, outputs in decode(capped):
                table.record(len(outputs), sum(len(ids) for ids in outputs), kinds[position])
                real = [
                    tokenizer(text_target=output).input_ids if output is not None else ids
                    for ids, output in zip(outputs, replies[position])
                ]
                yield position, real

        engine.generate_batches = generate_batches
        return tokenizer, engine

    engines.register_backend("ctranslate2-replayed", load)
    return "ctranslate2-replayed"


# --- Argos Translate: its CTranslate2 Translator, wrapped -----------------------------------------


def patch_argos(table: RecordedLengths) -> None:
    """Every translate_batch that Argos makes is split into the batches CTranslate2 itself would make, each
    run with its own recorded cap (concurrently, as CTranslate2 runs them)."""
    import ctranslate2

    real_translator = ctranslate2.Translator

    class ReplayedTranslator:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._translator = real_translator(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._translator, name)

        def translate_batch(
            self,
            source: list[list[str]],
            target_prefix: list[list[str]] | None = None,
            max_batch_size: int = 0,
            batch_type: str = "examples",
            **options: Any,
        ) -> list[Any]:
            found = [table.lookup(pieces) for pieces in source]
            pending = []
            for chunk in ctranslate2_batches([len(p) for p in source], max_batch_size, batch_type):
                cap = max(found[i][0] for i in chunk)
                prefix = [target_prefix[i] for i in chunk] if target_prefix else None
                results = self._translator.translate_batch(
                    [source[i] for i in chunk],
                    prefix,
                    max_decoding_length=cap,
                    asynchronous=True,
                    **{k: v for k, v in options.items() if k != "max_decoding_length"},
                )
                pending.append((chunk, results))
            answers: list[Any] = [None] * len(source)
            for chunk, results in pending:
                done = [r.result() for r in results]
                table.record(len(chunk), sum(len(d.hypotheses[0]) for d in done), [found[i][2] for i in chunk])
                for index, result in zip(chunk, done):
                    answers[index] = result
            return answers

    ctranslate2.Translator = ReplayedTranslator  # argostranslate calls ctranslate2.Translator(...) by module


def ctranslate2_batches(lengths: list[int], max_batch_size: int, batch_type: str) -> list[list[int]]:
    """The batches CTranslate2's translate_batch makes of its inputs (its rebatch_input): sorted longest first,
    then cut when the next input would pass max_batch_size examples, or tokens (the inputs' lengths summed)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    if max_batch_size <= 0:
        return [order] if order else []
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index in order:
        increment = lengths[index] if batch_type == "tokens" else 1
        if current and size + increment > max_batch_size:
            batches.append(current)
            current, size = [], 0
        current.append(index)
        size += increment
    if current:
        batches.append(current)
    return batches


# --- offline runs: one post, model loaded, warm -----------------------------------------------------


def ours_offline(post: Path, model: str) -> dict[str, Any]:
    from translate import ModelOptions, Pipeline, PipelineOptions
    from translate.options import EngineOptions

    pipeline = Pipeline(
        PipelineOptions(
            models=ModelOptions(translation=model, summarizer="none"),
            engine=EngineOptions(backend="ctranslate2-replayed"),
        )
    )
    pipeline.load_models()
    pipeline.run_text("Det här är en mening. Och en till.")  # warm-up
    started = time.perf_counter()
    document = pipeline.run(post)
    seconds = time.perf_counter() - started
    sentences = document.all_sentences()
    return {
        "seconds": seconds,
        "sentences": len(sentences),
        "retried": document.stats.retried,
        "engine": pipeline.translator.engine_description,
    }


def argos_offline(post: Path) -> dict[str, Any]:
    from argostranslate import settings, translate

    languages = {language.code: language for language in translate.get_installed_languages()}
    translation = languages["sv"].get_translation(languages["en"])
    translation.translate("Det här är en mening. Och en till.")  # warm-up (loads the translator)
    text = post.read_text(encoding="utf-8")
    started = time.perf_counter()
    translated = translation.translate(text)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "paragraphs_out": len([p for p in translated.split("\n") if p.strip()]),
        "settings": {
            "inter_threads": settings.inter_threads,
            "intra_threads": settings.intra_threads,
            "batch_size": settings.batch_size,
            "beam_size": settings.beam_size,
            "chunk_type": settings.chunk_type.name,
        },
    }


def main() -> None:
    lengths_file, counts_file, mode, *rest = sys.argv[1:]
    table = RecordedLengths(Path(lengths_file), Path(counts_file))
    if mode in ("ours", "ours-offline"):
        register_ours(table)
    else:
        patch_argos(table)
    if mode == "ours":
        from translate.cli import main as translate_main

        sys.argv = ["translate", *rest]
        translate_main()
    elif mode == "libretranslate":
        from libretranslate.main import main as libretranslate_main

        sys.argv = ["libretranslate", *rest]
        libretranslate_main()
    elif mode == "ours-offline":
        print(json.dumps({**ours_offline(Path(rest[0]), rest[1]), "counts": table.counts}))
    elif mode == "argos-offline":
        print(json.dumps({**argos_offline(Path(rest[0])), "counts": table.counts}))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
