"""The options tree: every setting of a run, in one nested object built once at each edge and passed down.

Each stage reads its own branch (reading and cleaning, which models, how they run, how they
generate, what a handout holds), and the finished Document carries the whole tree back, as
faster-whisper returns its options with a transcription. This module imports nothing of the
tool's own, so every stage can depend on it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# Limits, so that one setting cannot take the machine (the pipeline checks them when it is built).
# One post, whatever its format: a long blog post is well under 1 MB; a book-length export a few.
DEFAULT_MAX_INPUT_MB = 20.0
# Beam search past this gains nothing measurable for MT and costs memory in proportion
# (--beams 100000 took 5.7 GB); opus-mt's own setting is 4 to 6.
MAX_BEAMS = 32
# CPU threads per model, as a multiple of the cores the process may use.
MAX_THREADS_PER_CORE = 4

# How a post's text is parsed; None in ReadOptions means: by extension, else sniffed.
InputFormat = Literal["txt", "md", "html"]
INPUT_FORMATS: tuple[str, ...] = ("txt", "md", "html")


@dataclass(frozen=True)
class CleanOptions:
    """What cleaning keeps besides the post itself."""

    keep_comments: bool = False  # the comments below the post, as their own section
    keep_all: bool = False  # no cleaning at all: every block, chrome included


@dataclass(frozen=True)
class ReadOptions:
    """How a post becomes a Document: its format and its cleaning."""

    input_format: InputFormat | None = None
    clean: CleanOptions = field(default_factory=CleanOptions)
    max_input_mb: float = DEFAULT_MAX_INPUT_MB  # a bigger post is refused, after reading only this much

    @property
    def max_input_bytes(self) -> int:
        return int(self.max_input_mb * 1e6)


@dataclass(frozen=True)
class ModelOptions:
    """Which models and which terms: names are models.yaml keys or aliases, local folders or hub ids."""

    translation: str | None = None  # None: models.yaml's default
    summarizer: str | None = None  # the same, or "extractive" or "none"; None: the default
    config: Path | None = None  # another models.yaml
    glossary: Path | None = None  # a TSV glossary, on top of the models.yaml one


@dataclass(frozen=True)
class EngineOptions:
    """How a model runs. None means: what models.yaml says for the model, else the default."""

    backend: str | None = None  # auto, torch, ctranslate2, or a registered backend
    device: str = "auto"  # auto, cpu or cuda
    compute_type: str | None = None  # CTranslate2: int8 on CPU and float16 on CUDA unless set
    quantize: str | None = None  # torch: "int8" quantizes the Linear layers dynamically
    threads: int = 0  # CPU threads for one model; 0: every core this process may use
    shortlist: bool = False  # CTranslate2: restrict the output layer to the model's vocabulary map


@dataclass(frozen=True)
class GenerationOptions:
    """What the caller may override of generation; everything else comes from the model's generation config."""

    beams: int | None = None  # None: the model's generation config
    # Padded input tokens per batch, and beam rows (sentences x beams) per batch. Small
    # batches win on a CPU: a batch decodes until its longest sentence's cap, and every row
    # keeps its own attention cache, so memory grows with rows x length. In
    # benchmarks/speed.py (CTranslate2 int8, 2 cores, 4 beams) batches of 6-8 sentences were
    # as fast as 16 and about 3x faster per token than 64, with the lowest peak memory.
    max_batch_tokens: int = 1024
    max_batch_rows: int = 24
    max_batch_sentences: int | None = None  # overrides max_batch_rows // beams when set


@dataclass(frozen=True)
class HandoutOptions:
    """What a handout holds besides the translation."""

    summary_sentences: int = 5  # upper bound for the extractive summary
    vocab: int = 0  # words in the learners' vocabulary list; 0: no list
    paper: str = "a4"  # the page size of PDF and DOCX handouts: "a4" or "letter"
    # How the pairs are laid out: "paragraphs" side by side, "sentences" (a numbered row per
    # sentence pair) or "interlinear" (each Swedish sentence with its English under it).
    layout: str = "paragraphs"
    hide_english: bool = False  # an exercise sheet: the English column left empty to write in
    font_size: float = 10.5  # points, of the text of PDF and DOCX handouts (large print: 14)


@dataclass(frozen=True)
class MemoryOptions:
    """The translation memory that batch and serve read and add to (see fidelity/memory.py)."""

    path: Path | None = None  # None: the default file in the user's cache folder
    enabled: bool = True


@dataclass(frozen=True)
class PipelineOptions:
    """The root of the tree: everything the pipeline needs, from reading a post to a finished Document."""

    read: ReadOptions = field(default_factory=ReadOptions)
    models: ModelOptions = field(default_factory=ModelOptions)
    engine: EngineOptions = field(default_factory=EngineOptions)
    generation: GenerationOptions = field(default_factory=GenerationOptions)
    handout: HandoutOptions = field(default_factory=HandoutOptions)

    def to_dict(self) -> dict[str, Any]:
        """The tree as plain data (paths as strings): for fingerprints and for handing to worker processes."""
        return _plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PipelineOptions:
        """The inverse of to_dict."""
        models = dict(data.get("models", {}))
        for name in ("config", "glossary"):
            if models.get(name) is not None:
                models[name] = Path(models[name])
        read = dict(data.get("read", {}))
        read["clean"] = CleanOptions(**read.get("clean", {}))
        return cls(
            read=ReadOptions(**read),
            models=ModelOptions(**models),
            engine=EngineOptions(**data.get("engine", {})),
            generation=GenerationOptions(**data.get("generation", {})),
            handout=HandoutOptions(**data.get("handout", {})),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    return value
