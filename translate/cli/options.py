"""The command-line options that several commands share, each declared once, and the one function that builds the
options tree from them.

A command asks for a tree by declaring a parameter ``options: PipelineOptions`` (and
``memory: MemoryOptions`` for the translation memory) and decorating itself with
``@takes(GROUP, ...)``: the decorator puts the groups' options into the command's signature
in that parameter's place, which is what Typer reads, and hands the command the built tree.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from translate import options as tree


class InputFormat(str, Enum):
    auto = "auto"
    txt = "txt"
    md = "md"
    html = "html"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class Quantize(str, Enum):
    int8 = "int8"


class Paper(str, Enum):
    a4 = "a4"
    letter = "letter"


class Layout(str, Enum):
    paragraphs = "paragraphs"
    sentences = "sentences"
    interlinear = "interlinear"


class Hidden(str, Enum):
    english = "english"


@dataclass(frozen=True)
class Declared:
    """One command-line option: the parameter's name, its Typer annotation and its default."""

    name: str
    annotation: Any
    default: Any


def _option(name: str, kind: Any, default: Any, *flags: str, **settings: Any) -> Declared:
    return Declared(name, Annotated[kind, typer.Option(*flags, **settings)], default)


READ = (
    _option(
        "input_format",
        InputFormat,
        InputFormat.auto,
        "--input-format",
        help="auto: by extension (.txt, .md, .html), else HTML if it looks like a page.",
    ),
    _option(
        "keep_comments", bool, False, "--keep-comments", help="Keep the comments below the post, as their own section."
    ),
    _option("keep_all", bool, False, "--keep-all", help="No cleaning: keep every block, chrome included."),
    _option(
        "max_input_mb",
        float,
        tree.DEFAULT_MAX_INPUT_MB,
        "--max-input-mb",
        min=0.001,
        help="A bigger post is refused (after reading only this much).",
    ),
)
TRANSLATION_MODEL = (
    _option(
        "model",
        Optional[str],
        None,
        "--model",
        "-m",
        help="Translation model: models.yaml name, folder or hub id.",
    ),
    _option("config", Optional[Path], None, "--config", help="Another models.yaml to read model names from."),
    _option(
        "glossary",
        Optional[Path],
        None,
        "--glossary",
        help="TSV of 'Swedish<TAB>English' terms (a lone name: keep as is).",
    ),
)
SUMMARIZER = (
    _option(
        "summarizer",
        Optional[str],
        None,
        "--summarizer",
        "-s",
        help="Summary model: models.yaml name, folder or hub id; 'extractive' (no model) or 'none'.",
    ),
)
ENGINE = (
    _option(
        "beams",
        Optional[int],
        None,
        "--beams",
        min=1,
        max=tree.MAX_BEAMS,
        help="Beam size. Default: the model's generation config.",
    ),
    _option("device", Device, Device.auto, "--device", help="auto uses a CUDA GPU when there is one."),
    _option(
        "backend",
        Optional[str],
        None,
        "--backend",
        help="auto, torch or ctranslate2. auto: CTranslate2 when installed and the model converts (converted once, "
        "cached), else torch. Default: the model's 'backend' in models.yaml, else auto.",
    ),
    _option(
        "compute_type",
        Optional[str],
        None,
        "--compute-type",
        help="CTranslate2 precision: int8 (default on CPU), int8_float32, float32; on CUDA float16 (default), "
        "int8_float16, bfloat16.",
    ),
    _option(
        "quantize",
        Optional[Quantize],
        None,
        "--quantize",
        help="torch backend: int8 dynamic quantization of the Linear layers (CPU).",
    ),
    _option("threads", int, 0, "--threads", min=0, help="CPU threads per model; 0: every core this process may use."),
    _option(
        "shortlist",
        bool,
        False,
        "--shortlist",
        help="CTranslate2: score only a shortlist of likely output tokens (faster; can change the output; "
        "build it first with 'translate models shortlist').",
    ),
)
HANDOUT = (
    _option(
        "vocab",
        int,
        0,
        "--vocab",
        min=0,
        help="Add a learners' list of the post's N most characteristic Swedish words, glossed.",
    ),
)
# How a handout is laid out on the page: what `translate render` can change without the model.
PAGE = (
    _option("paper", Paper, Paper.a4, "--paper", help="Page size of PDF and DOCX handouts."),
    _option(
        "font_size",
        float,
        10.5,
        "--font-size",
        min=6.0,
        max=32.0,
        help="Text size in points of PDF and DOCX handouts (14 for large print).",
    ),
    _option(
        "layout",
        Layout,
        Layout.paragraphs,
        "--layout",
        help="paragraphs side by side; sentences: a numbered row per sentence pair; interlinear: each Swedish "
        "sentence with its English under it.",
    ),
    _option("hide", Optional[Hidden], None, "--hide", help="english: leave the English empty, for an exercise sheet."),
)
MEMORY = (
    _option(
        "memory_file",
        Optional[Path],
        None,
        "--memory",
        help="Translation memory file (SQLite). Default: one in the user cache folder.",
    ),
    _option("no_memory", bool, False, "--no-memory", help="Neither read nor add to a translation memory."),
)
PIPELINE_GROUPS = (READ, TRANSLATION_MODEL, SUMMARIZER, ENGINE, HANDOUT, PAGE)
_DEFAULTS = {d.name: d.default for group in PIPELINE_GROUPS for d in group}


def build_options(values: dict[str, Any]) -> tree.PipelineOptions:
    """The options tree from whichever shared options a command declares; the rest keep their declared defaults."""
    values = {**_DEFAULTS, **values}
    input_format, quantize = values["input_format"], values["quantize"]
    return tree.PipelineOptions(
        read=tree.ReadOptions(
            input_format=None if input_format is InputFormat.auto else input_format.value,
            clean=tree.CleanOptions(keep_comments=values["keep_comments"], keep_all=values["keep_all"]),
            max_input_mb=values["max_input_mb"],
        ),
        models=tree.ModelOptions(
            translation=values["model"],
            summarizer=values["summarizer"],
            config=values["config"],
            glossary=values["glossary"],
        ),
        engine=tree.EngineOptions(
            backend=values["backend"],
            device=values["device"].value,
            compute_type=values["compute_type"],
            quantize=quantize.value if quantize else None,
            threads=values["threads"],
            shortlist=values["shortlist"],
        ),
        generation=tree.GenerationOptions(beams=values["beams"]),
        handout=tree.HandoutOptions(
            vocab=values["vocab"],
            paper=values["paper"].value,
            font_size=values["font_size"],
            layout=values["layout"].value,
            hide_english=values["hide"] is Hidden.english,
        ),
    )


def takes(*groups: tuple[Declared, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the options of these groups, built into its ``options`` (and ``memory``) parameter."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command, eval_str=True)
        pipeline = [d for group in groups if group in PIPELINE_GROUPS for d in group]
        memory = [d for group in groups if group is MEMORY for d in group]
        wanted = {"options": pipeline, "memory": memory}
        declared = {d.name for d in pipeline + memory}
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.name in wanted:
                parameters += [
                    inspect.Parameter(
                        d.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d.default, annotation=d.annotation
                    )
                    for d in wanted[parameter.name]
                ]
            else:
                parameters.append(parameter)

        @functools.wraps(command)
        def wrapper(**values: Any) -> Any:
            shared = {name: values.pop(name) for name in list(values) if name in declared}
            if "options" in signature.parameters:
                values["options"] = build_options(shared)
            if "memory" in signature.parameters:
                values["memory"] = tree.MemoryOptions(
                    path=shared.get("memory_file"), enabled=not shared.get("no_memory")
                )
            return command(**values)

        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return wrapper

    return decorate
