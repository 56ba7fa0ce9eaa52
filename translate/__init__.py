"""Swedish-to-English bilingual handouts: clean a post, translate it sentence by sentence, summarize, render.

The public API (the CLI only calls these)::

    from translate import Pipeline, PipelineOptions, render

    pipeline = Pipeline(PipelineOptions(model="opus-mt-sv-en", summarizer="extractive"))
    document = pipeline.run("post.txt")        # read, clean, segment, translate, summarize
    html = render(document, "html")            # or "md", "json"

Importing this package is cheap: torch and transformers load only with the first model.
"""

from translate.cleaning import CleanOptions
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
    HandoutError,
    InputError,
    ModelLoadError,
    OutputError,
)
from translate.output import default_output_path, write_atomic
from translate.pipeline import (
    Pipeline,
    PipelineOptions,
    load_document,
    prepare_document,
)
from translate.reading import read_text
from translate.registry import ModelSpec, Registry, load_registry
from translate.render import FORMATS, render, render_clean

__version__ = "0.1.0"

__all__ = [
    "CleanOptions",
    "ConfigError",
    "Document",
    "DroppedBlock",
    "FORMATS",
    "HandoutError",
    "InputError",
    "ModelLoadError",
    "OutputError",
    "ModelSpec",
    "Paragraph",
    "Pipeline",
    "PipelineOptions",
    "Registry",
    "Sentence",
    "Stats",
    "Summary",
    "default_output_path",
    "load_document",
    "load_registry",
    "prepare_document",
    "read_text",
    "render",
    "render_clean",
    "write_atomic",
]
