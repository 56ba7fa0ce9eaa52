"""Abstractive summarization of text of any length: chunk by sentences, summarize each chunk, then combine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from translate.segment import pack_greedy


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
    sentences = [s for s in sentences if s.strip()]
    if not sentences:
        return ""
    limit = generator.max_input_tokens
    while True:
        chunks = pack_chunks(sentences, generator.count_tokens, limit)
        partials = [p for p in generator.generate(chunks, on_progress) if p.strip()]
        if len(chunks) == 1 or len(partials) <= 1:
            return " ".join(partials)
        combined = " ".join(partials)
        # Each round must shrink the text, which guarantees the loop ends; a model whose
        # summaries are no shorter than their input gets its partial summaries back.
        if generator.count_tokens(combined) >= generator.count_tokens(" ".join(sentences)):
            return combined
        sentences = partials
