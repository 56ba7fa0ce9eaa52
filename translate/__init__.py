"""Swedish-to-English bilingual handouts: clean a post, translate it sentence by sentence, summarize, render.

The public API (the CLI only calls these)::

    from translate import ModelOptions, Pipeline, PipelineOptions, render

    pipeline = Pipeline(PipelineOptions(models=ModelOptions(summarizer="extractive")))
    document = pipeline.run("post.txt")        # read, clean, segment, translate, summarize
    html = render(document, "html")            # or "md", "json", "pdf", "docx", "tmx", "xliff"

The packages read as the pipeline: text/ (bytes to sentences), models/ (everything that
touches weights), fidelity/ (glossary, guard, memory, word list), render/ (handouts), and
pipeline.py, the one orchestrator that the front ends (cli/, batch.py, service.py and
server.py) all use. Importing this package is cheap: torch and transformers load only with
the first model.
"""

import logging

from translate.document import (
    Document,
    DroppedBlock,
    Paragraph,
    Sentence,
    Stats,
    Summary,
)
from translate.errors import (
    ConfigError,
    EngineError,
    HandoutError,
    InputError,
    ModelLoadError,
    OutputError,
)
from translate.models.registry import Registry, load_registry
from translate.models.spec import ModelSpec
from translate.options import (
    CleanOptions,
    EngineOptions,
    GenerationOptions,
    HandoutOptions,
    MemoryOptions,
    ModelOptions,
    PipelineOptions,
    ReadOptions,
)
from translate.pipeline import Pipeline, load_document, prepare_document, require_text
from translate.render import FORMATS, render, render_clean
from translate.render.output import default_output_path, write_atomic
from translate.text.reading import read_text
from translate.version import __version__

# A library logs, and its user decides where that goes.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CleanOptions",
    "ConfigError",
    "EngineError",
    "Document",
    "DroppedBlock",
    "EngineOptions",
    "FORMATS",
    "GenerationOptions",
    "HandoutError",
    "HandoutOptions",
    "InputError",
    "MemoryOptions",
    "ModelLoadError",
    "ModelOptions",
    "ModelSpec",
    "OutputError",
    "Paragraph",
    "Pipeline",
    "PipelineOptions",
    "ReadOptions",
    "Registry",
    "Sentence",
    "Stats",
    "Summary",
    "__version__",
    "default_output_path",
    "load_document",
    "load_registry",
    "prepare_document",
    "read_text",
    "render",
    "render_clean",
    "require_text",
    "write_atomic",
]
