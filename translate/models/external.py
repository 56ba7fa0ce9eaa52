"""An engine given from Python: any object that turns a batch of Swedish strings into English strings, driven by the
pipeline the way it drives a loaded model, so that cleaning, alignment, fidelity and handouts can sit in front of
another MT system.

    class MyEngine:
        name = "my-mt"                      # optional: shown in handouts and reports
        def translate(self, texts: list[str]) -> list[str]: ...

    Pipeline(options, translator=MyEngine())   # a plain function list[str] -> list[str] works too

Such an engine cannot be asked for safer decoding, so the guard flags what fails instead of
retrying it; and its outputs are not token-counted (its tokenizer is its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from translate.errors import EngineError


@runtime_checkable
class TextTranslator(Protocol):
    def translate(self, texts: list[str]) -> list[str]: ...


TranslatorLike = TextTranslator | Callable[[list[str]], list[str]]

# Texts per call: big enough for an engine to batch, small enough for progress to move.
BATCH_SIZE = 32


class ExternalGenerator:
    """A TextTranslator (or a function) with the generator interface that the guard and the pipeline use."""

    can_decode_safer = False
    generated_tokens = 0

    def __init__(self, translator: TranslatorLike, name: str | None = None, batch_size: int = BATCH_SIZE) -> None:
        if isinstance(translator, TextTranslator):
            self._call: Callable[[list[str]], list[str]] = translator.translate
        elif callable(translator):
            self._call = translator
        else:
            raise TypeError("translator must have translate(texts) -> list[str], or be such a function")
        self.name = name or getattr(translator, "name", None) or getattr(translator, "__name__", None)
        self.name = str(self.name or type(translator).__name__)
        self.version = str(getattr(translator, "version", ""))
        self.batch_size = max(1, batch_size)

    @property
    def engine_description(self) -> str:
        return f"external engine {self.name}"

    def output_settings(self) -> dict[str, Any]:
        return {"backend": "external", "name": self.name, "version": self.version}

    def default_beams(self) -> int:
        return 1

    def count_tokens(self, text: str) -> int:
        """A word count: the service's size limits need a measure, and this engine's tokenizer is not ours."""
        return len(text.split()) + 1

    def generate(
        self,
        texts: list[str],
        on_progress: Callable[[int, int], None] | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> list[str]:
        """One translation per text, in order; ``overrides`` (decoding settings) cannot apply and are ignored."""
        outputs: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            answer = self._call(list(batch))
            if not isinstance(answer, list | tuple) or len(answer) != len(batch):
                got = len(answer) if isinstance(answer, list | tuple) else type(answer).__name__
                raise EngineError(
                    f"The translation engine {self.name} answered {len(batch)} texts with {got}: "
                    "an engine must return one translation per text, in order."
                )
            if not all(isinstance(text, str) for text in answer):
                raise EngineError(f"The translation engine {self.name} returned something other than text.")
            outputs.extend(text.strip() for text in answer)
            if on_progress:
                on_progress(len(outputs), len(texts))
        return outputs
