"""Seq2seq generation: run a translation or summarization model over many texts in batches, never truncating.

A text longer than the model's input limit is cut at clause boundaries, the pieces are
generated separately, and their outputs re-joined, so no input is ever lost. Pieces are
sorted by length and packed into batches by a token budget and a beam-row limit; the engine
underneath (torch or CTranslate2, see engines.py) runs the batches, CTranslate2 one per worker at a
time, and hands each back as it is done; its outputs are put back in input order here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

from translate.models.engines import load_engine
from translate.models.spec import ModelSpec
from translate.options import EngineOptions, GenerationOptions
from translate.text.segment import split_to_fit

# Called with (pieces done, pieces in all) after each batch.
ProgressCallback = Callable[[int, int], None]
Task = Literal["translation", "summarization"]

# A translation may be longer than its source (English is often longer than Swedish);
# its generation cap is OUTPUT_RATIO * input tokens + OUTPUT_SLACK, and inputs are cut
# so that this cap always fits in the decoder's positions.
OUTPUT_RATIO = 2.0
OUTPUT_SLACK = 10


class Seq2SeqGenerator:
    """A loaded seq2seq model with batched, length-sorted, never-truncating generate()."""

    can_decode_safer = True  # generate() takes decoding overrides (the guard's retries)

    def __init__(
        self,
        spec: ModelSpec,
        options: GenerationOptions | None = None,
        engine: EngineOptions | None = None,
        task: Task = "translation",
        on_convert: Callable[[], None] | None = None,
    ) -> None:
        self.spec = spec
        self.task = task
        self.options = options or GenerationOptions()
        self.tokenizer, self.engine, self.note = load_engine(spec, engine or EngineOptions(), on_convert)
        self.generated_tokens = 0

    @property
    def engine_description(self) -> str:
        return self.engine.describe()

    def output_settings(self) -> dict[str, Any]:
        """What about the engine can change an output (the translation memory's key)."""
        return self.engine.output_settings()

    @property
    def max_positions(self) -> int:
        """Positions the model has; the tokenizer's model_max_length is often a placeholder."""
        positions = self.engine.config.get("max_position_embeddings") or 512
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < positions:
            positions = tokenizer_limit
        return positions

    @property
    def max_input_tokens(self) -> int:
        """The longest input the model takes (for translation: that leaves room for its output)."""
        if self.task == "summarization":
            return self.max_positions - 2
        return max(4, int((self.max_positions - 1 - OUTPUT_SLACK) / OUTPUT_RATIO))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text).input_ids)

    def default_beams(self) -> int:
        """The beam size generate() uses when nothing overrides it."""
        if self.options.beams is not None:
            return self.options.beams
        return int(self.spec.generation.get("num_beams") or self.engine.generation_defaults.get("num_beams") or 1)

    def generation_kwargs(self, input_tokens: int, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = dict(self.spec.generation)
        if self.options.beams is not None:
            kwargs["num_beams"] = self.options.beams
        kwargs.update(overrides or {})
        if self.task == "summarization":
            # A summary's length is the model's own choice (its generation config's
            # max_length), kept inside the decoder's positions.
            configured = self.engine.generation_defaults.get("max_length") or self.max_positions
            kwargs.setdefault("max_length", min(configured, self.max_positions))
            return kwargs
        # A cap from the input length with headroom, never a fixed small one; bounded by
        # the decoder's positions, which the input limit above keeps out of reach.
        kwargs["max_new_tokens"] = min(self.max_positions - 1, math.ceil(OUTPUT_RATIO * input_tokens) + OUTPUT_SLACK)
        return kwargs

    def batch_size(self, beams: int) -> int:
        """Sentences per batch at this beam size."""
        if self.options.max_batch_sentences is not None:
            return max(1, self.options.max_batch_sentences)
        return max(1, self.options.max_batch_rows // max(1, beams))

    def _batches(self, lengths: list[int], beams: int | None = None) -> list[list[int]]:
        """Indexes sorted longest first and packed so that padded size stays under the token budget."""
        most = self.batch_size(beams or self.default_beams())
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        batches: list[list[int]] = []
        current: list[int] = []
        for index in order:
            # Sorted longest first, so the batch's first item sets its padded width.
            width = lengths[current[0]] if current else lengths[index]
            if current and (width * (len(current) + 1) > self.options.max_batch_tokens or len(current) >= most):
                batches.append(current)
                current = []
            current.append(index)
        if current:
            batches.append(current)
        return _spread(batches, getattr(self.engine, "parallel_batches", 1))

    def generate(
        self,
        texts: list[str],
        on_progress: ProgressCallback | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> list[str]:
        """Generate one output per input text, in input order, with no input cut short.

        ``overrides`` are generate() settings for this call only (the guard's safer decoding).
        """
        # Each text is tokenized once: most fit, and their ids are what the engine gets.
        piece_ids: list[list[int]] = []
        owners: list[int] = []
        for owner, text in enumerate(texts):
            ids = self.tokenizer(text).input_ids
            if len(ids) <= self.max_input_tokens:
                pieces = [ids]
            else:
                split = split_to_fit(text, self.count_tokens, self.max_input_tokens)
                pieces = [self.tokenizer(piece).input_ids for piece in split]
            piece_ids.extend(pieces)
            owners.extend([owner] * len(pieces))
        lengths = [len(ids) for ids in piece_ids]
        outputs: list[str] = [""] * len(piece_ids)
        plan = self._batches(lengths, (overrides or {}).get("num_beams"))
        requests = [
            ([piece_ids[i] for i in batch], self.generation_kwargs(max(lengths[i] for i in batch), overrides))
            for batch in plan
        ]
        done = 0
        if on_progress:
            on_progress(0, len(piece_ids))  # the bar shows at once, with its clock, before the first batch is done
        # The engine may run several batches at once; each comes back when it is done, in any order.
        for position, generated in self.engine.generate_batches(requests):
            batch = plan[position]
            self.generated_tokens += sum(len(ids) for ids in generated)
            decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, decoded):
                outputs[index] = text.strip()
            done += len(batch)
            if on_progress:
                on_progress(done, len(piece_ids))
        joined: list[list[str]] = [[] for _ in texts]
        for owner, output in zip(owners, outputs):
            if output:
                joined[owner].append(output)
        return [" ".join(parts) for parts in joined]


def _spread(batches: list[list[int]], workers: int) -> list[list[int]]:
    """Fewer batches than the engine runs at once (one short request, a short post) leave workers idle: the
    largest batches are halved until every worker has one, or every batch is one sentence.

    On the 2-core machine, a two-sentence request as one batch used one core (29 CPU-seconds per
    30 s); as two batches it uses both (benchmarks/serve_load.py, README "Speed").
    """
    batches = [list(b) for b in batches]
    while len(batches) < workers:
        largest = max(range(len(batches)), key=lambda i: len(batches[i]), default=None)
        if largest is None or len(batches[largest]) < 2:
            break
        batch = batches.pop(largest)
        half = (len(batch) + 1) // 2
        batches[largest:largest] = [batch[:half], batch[half:]]
    return batches
