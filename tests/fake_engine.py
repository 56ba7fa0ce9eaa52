"""A fake translation backend registered through the real seam (translate.models.engines.register_backend), as
simonw/llm's tests register a mock model through its real plugin hook.

It needs no weights and no torch: a word-level tokenizer over one shared vocabulary, and an
engine that looks each input up in a phrase table (PHRASES, which a test may fill) and
otherwise writes every word backwards. Its output is deterministic and never loops, so tests
of the pipeline see exactly which sentence went where. Markers ("[1]") and numbers pass
through unchanged, as a real model mostly keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from translate.models.engines import register_backend

BACKEND = "fake"
MODEL = "fake-mt"
# source text -> translation, for tests that want a given output
PHRASES: dict[str, str] = {}
_TOKEN = re.compile(r"\[\d+\]|\{\d+\}|<\d+>|\w+|[^\w\s]")


class FakeTokenizer:
    pad_token_id = 0
    eos_token_id = 1
    model_max_length = 512

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {"<pad>": 0, "</s>": 1}
        self.pieces: list[str] = ["<pad>", "</s>"]

    def _id(self, token: str) -> int:
        if token not in self.vocab:
            self.vocab[token] = len(self.pieces)
            self.pieces.append(token)
        return self.vocab[token]

    def __call__(self, text: str) -> SimpleNamespace:
        return SimpleNamespace(input_ids=[self._id(t) for t in _TOKEN.findall(text)] + [self.eos_token_id])

    def decode(self, ids: list[int]) -> str:
        text = " ".join(self.pieces[i] for i in ids if i > 1)
        return re.sub(r"\s+([.,;:!?)])", r"\1", re.sub(r"\(\s+", "(", text))

    def batch_decode(self, rows: list[list[int]], skip_special_tokens: bool = True) -> list[str]:
        return [self.decode(row) for row in rows]


class FakeEngine:
    backend = BACKEND
    device = "cpu"
    config: dict[str, Any] = {"max_position_embeddings": 512}
    generation_defaults: dict[str, Any] = {"num_beams": 1}

    def __init__(self, tokenizer: FakeTokenizer) -> None:
        self.tokenizer = tokenizer
        self.batches: list[list[str]] = []  # what each batch held, decoded, for tests to inspect

    def describe(self) -> str:
        return "fake engine (phrase table, else words backwards)"

    def output_settings(self) -> dict[str, Any]:
        return {"backend": self.backend}

    def _translate(self, text: str) -> str:
        if text in PHRASES:
            return PHRASES[text]
        return _TOKEN.sub(lambda m: m.group()[::-1] if m.group().isalpha() else m.group(), text)

    def generate(self, inputs: list[list[int]], settings: dict[str, Any]) -> list[list[int]]:
        texts = [self.tokenizer.decode(ids) for ids in inputs]
        self.batches.append(texts)
        cap = settings.get("max_new_tokens") or 10_000
        return [self.tokenizer(self._translate(text)).input_ids[:cap] for text in texts]

    def generate_batches(
        self, requests: list[tuple[list[list[int]], dict[str, Any]]]
    ) -> Iterator[tuple[int, list[list[int]]]]:
        # Last first: callers must place each batch by its position, not by the order it comes back in.
        for position in reversed(range(len(requests))):
            yield position, self.generate(*requests[position])


def load_fake(spec: Any, options: Any, on_convert: Any = None) -> tuple[FakeTokenizer, FakeEngine]:
    tokenizer = FakeTokenizer()
    return tokenizer, FakeEngine(tokenizer)


def write_config(folder: Path) -> Path:
    """A models.yaml whose default translation model runs on the fake backend (and no summary model)."""
    config = folder / "models.yaml"
    config.write_text(
        "translation:\n"
        f"  default: {MODEL}\n"
        f"  models:\n    {MODEL}: {{hub_id: tests/{MODEL}, backend: {BACKEND}}}\n"
        "summarization:\n  default: extractive\n",
        encoding="utf-8",
    )
    return config


register_backend(BACKEND, load_fake)
