"""Abstractive summarization of text of any length: chunk by sentences, summarize each chunk, then combine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from summarize.chunking import pack_greedy


class TextGenerator(Protocol):
    """What the summarizer needs of a model: token counting, an input limit, batched generate."""

    @property
    def max_input_tokens(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def generate(self, texts: list[str], on_progress: Callable[[int, int], None] | None = None) -> list[str]: ...


def pack_chunks(sentences: list[str], count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Join consecutive sentences into chunks of at most ``limit`` tokens.

    A sentence longer than the limit becomes a chunk of its own; the generator cuts it
    further, so nothing is dropped here.
    """
    return pack_greedy(sentences, count_tokens, limit)


def summarize_abstractive(
    sentences: list[str],
    generator: TextGenerator,
    on_progress: Callable[[int, int], None] | None = None,
) -> str:
    """Summarize sentences of English text of any length.

    Text over the model's input limit is summarized chunk by chunk, and the chunk
    summaries are summarized again until one input fits: every sentence is read.
    """
    return summarize_many([sentences], generator, on_progress)[0]


def summarize_many(
    texts: list[list[str]],
    generator: TextGenerator,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """summarize_abstractive for several texts at once: each round's chunks of all texts go to
    the model together, so a batch of posts fills the model's batches."""
    current = [[s for s in sentences if s.strip()] for sentences in texts]
    results = ["" for _ in texts]
    active = [i for i, sentences in enumerate(current) if sentences]
    limit = generator.max_input_tokens
    while active:
        chunks = {i: pack_chunks(current[i], generator.count_tokens, limit) for i in active}
        flat = [chunk for i in active for chunk in chunks[i]]
        outputs = iter(generator.generate(flat, on_progress))
        still_active = []
        for i in active:
            partials = [p for p in (next(outputs) for _ in chunks[i]) if p.strip()]
            combined = " ".join(partials)
            # Done when one input fitted, or the model gave at most one partial summary.
            # Each further round must shrink the text, which guarantees the loop ends; a model
            # whose summaries are no shorter than their input gets its partial summaries back.
            if (
                len(chunks[i]) == 1
                or len(partials) <= 1
                or generator.count_tokens(combined) >= generator.count_tokens(" ".join(current[i]))
            ):
                results[i] = combined
            else:
                current[i] = partials
                still_active.append(i)
        active = still_active
    return results
