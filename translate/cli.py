"""The `translate` command: parses options, calls the library, turns its errors into messages and exit codes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from translate import (
    CleanOptions,
    Document,
    HandoutError,
    Pipeline,
    PipelineOptions,
    load_document,
    load_registry,
    render,
    render_clean,
    write_atomic,
)
from translate.output import resolve_output
from translate.registry import Kind, Registry

if TYPE_CHECKING:
    from translate.batch import BatchReport

app = typer.Typer(
    help="Turn a Swedish blog post into a bilingual Swedish/English handout with an English summary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class HandoutFormat(str, Enum):
    html = "html"
    md = "md"
    json = "json"
    pdf = "pdf"
    docx = "docx"
    tmx = "tmx"
    xliff = "xliff"


class CleanFormat(str, Enum):
    text = "text"
    json = "json"


class InputFormat(str, Enum):
    auto = "auto"
    txt = "txt"
    md = "md"
    html = "html"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class ModelKind(str, Enum):
    translation = "translation"
    summarization = "summarization"


class Backend(str, Enum):
    auto = "auto"
    torch = "torch"
    ctranslate2 = "ctranslate2"


class Quantize(str, Enum):
    int8 = "int8"


BackendOption = Annotated[
    Optional[Backend],
    typer.Option(
        "--backend",
        help="auto: CTranslate2 when installed and the model converts (converted once, cached), else torch. "
        "Default: the model's 'backend' in models.yaml, else auto.",
    ),
]
ComputeTypeOption = Annotated[
    Optional[str],
    typer.Option(
        "--compute-type",
        help="CTranslate2 precision: int8 (default on CPU), int8_float32, float32; on CUDA float16 (default), "
        "int8_float16, bfloat16.",
    ),
]
QuantizeOption = Annotated[
    Optional[Quantize],
    typer.Option("--quantize", help="torch backend: int8 dynamic quantization of the Linear layers (CPU)."),
]
ThreadsOption = Annotated[
    int, typer.Option("--threads", min=0, help="CPU threads per model; 0: every core this process may use.")
]
ShortlistOption = Annotated[
    bool,
    typer.Option(
        "--shortlist",
        help="CTranslate2: score only a shortlist of likely output tokens (faster; can change the output; "
        "build it first with 'translate models shortlist').",
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show the full traceback when something fails.")]
Config = Annotated[Optional[Path], typer.Option("--config", help="Another models.yaml to read model names from.")]
InputFormatOption = Annotated[
    InputFormat,
    typer.Option("--input-format", help="auto: by extension (.txt, .md, .html), else HTML if it looks like a page."),
]
KeepComments = Annotated[
    bool, typer.Option("--keep-comments", help="Keep the comments below the post, as their own section.")
]
KeepAll = Annotated[bool, typer.Option("--keep-all", help="No cleaning: keep every block, chrome included.")]


def _read(input: str, input_format: InputFormat, keep_comments: bool, keep_all: bool) -> Document:
    """The post, parsed, cleaned and segmented as the options say."""
    return load_document(
        input,
        None if input_format is InputFormat.auto else input_format.value,  # type: ignore[arg-type]
        CleanOptions(keep_comments=keep_comments, keep_all=keep_all),
    )


def _err(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)


@contextmanager
def _user_errors(debug: bool, interrupted: str = "Interrupted; nothing was written.") -> Iterator[None]:
    """Library errors become one message and an exit code; --debug shows the traceback instead."""
    try:
        yield
    except HandoutError as error:
        if debug:
            raise
        _err(f"Error: {error}")
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        _err(interrupted)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        # The reader of our output went away (`translate models | head`): not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(141) from None
    except Exception as error:
        if debug:
            raise
        _err(f"Unexpected error: {type(error).__name__}: {error}. Run again with --debug for the traceback.")
        raise typer.Exit(1) from None


@contextmanager
def _progress_display(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr for model loading, translation and summarization."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    labels = {
        "load translation": "Loading translation model",
        "load summarization": "Loading summary model",
        "convert translation": "Converting the translation model to CTranslate2 (first use only)",
        "convert summarization": "Converting the summary model to CTranslate2 (first use only)",
        "translate": "Translating sentences",
        "summarize": "Summarizing",
    }
    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


ModelOption = Annotated[
    Optional[str],
    typer.Option("--model", "-m", help="Translation model: models.yaml name, folder or hub id."),
]
SummarizerOption = Annotated[
    Optional[str],
    typer.Option(
        "--summarizer",
        "-s",
        help="Summary model: models.yaml name, folder or hub id; 'extractive' (no model) or 'none'.",
    ),
]
BeamsOption = Annotated[
    Optional[int],
    typer.Option("--beams", min=1, help="Beam size. Default: the model's generation config."),
]
DeviceOption = Annotated[Device, typer.Option("--device", help="auto uses a CUDA GPU when there is one.")]
VocabOption = Annotated[
    int,
    typer.Option(
        "--vocab", min=0, help="Add a learners' list of the post's N most characteristic Swedish words, glossed."
    ),
]
GlossaryOption = Annotated[
    Optional[Path],
    typer.Option("--glossary", help="TSV of 'Swedish<TAB>English' terms (a lone name: keep as is)."),
]


@app.command()
def run(
    input: Annotated[str, typer.Argument(help="The post: a text file, or - for standard input.")],
    model: ModelOption = None,
    summarizer: SummarizerOption = None,
    fmt: Annotated[
        HandoutFormat,
        typer.Option("--format", "-f", help="Handout format (pdf needs the [pdf] extra; tmx/xliff for CAT tools)."),
    ] = HandoutFormat.html,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Where to write; - for standard output. Default: POST.handout.FORMAT beside the post.",
        ),
    ] = None,
    beams: BeamsOption = None,
    device: DeviceOption = Device.auto,
    backend: BackendOption = None,
    compute_type: ComputeTypeOption = None,
    quantize: QuantizeOption = None,
    threads: ThreadsOption = 0,
    shortlist: ShortlistOption = False,
    config: Config = None,
    glossary: GlossaryOption = None,
    vocab: VocabOption = 0,
    input_format: InputFormatOption = InputFormat.auto,
    keep_comments: KeepComments = False,
    keep_all: KeepAll = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or messages.")] = False,
    debug: Debug = False,
) -> None:
    """Translate a post and write a bilingual handout with a summary."""
    with _user_errors(debug):
        target = resolve_output(input, output, fmt.value)
        document = _read(input, input_format, keep_comments, keep_all)
        options = PipelineOptions(
            model=model,
            summarizer=summarizer,
            config=config,
            beams=beams,
            device=device.value,
            glossary=glossary,
            vocab=vocab,
            **_engine_settings(backend, compute_type, quantize, threads, shortlist),
        )
        show_progress = not quiet and sys.stderr.isatty()
        with _progress_display(show_progress) as progress:
            pipeline = Pipeline(options, progress=progress)
            pipeline.process(document)
        text = render(document, fmt.value)
        if target is None:
            if isinstance(text, bytes):
                sys.stdout.buffer.write(text)
            else:
                sys.stdout.write(text)
            sys.stdout.flush()
        else:
            written = write_atomic(target, text)
            if not quiet:
                stats = document.stats
                typer.echo(
                    f"Wrote {written} ({len(document.paragraphs)} paragraphs, {stats.sentences} sentences, "
                    f"{stats.seconds_total:.1f} s; {pipeline.translator.engine_description})",
                    err=True,
                )
        if not quiet:
            _report_notes(pipeline)
            _report_flags(document)


@app.command()
def batch(
    inputs: Annotated[
        list[str], typer.Argument(help="Folders (searched recursively), quoted glob patterns, or files.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the handouts; the input tree is mirrored.")
    ],
    formats: Annotated[
        Optional[list[HandoutFormat]], typer.Option("--format", "-f", help="Handout format; repeat for several.")
    ] = None,
    model: ModelOption = None,
    summarizer: SummarizerOption = None,
    beams: BeamsOption = None,
    device: DeviceOption = Device.auto,
    backend: BackendOption = None,
    compute_type: ComputeTypeOption = None,
    quantize: QuantizeOption = None,
    threads: ThreadsOption = 0,
    shortlist: ShortlistOption = False,
    config: Config = None,
    glossary: GlossaryOption = None,
    vocab: VocabOption = 0,
    input_format: InputFormatOption = InputFormat.auto,
    keep_comments: KeepComments = False,
    keep_all: KeepAll = False,
    memory: Annotated[
        Optional[Path],
        typer.Option("--memory", help="Translation memory file (SQLite). Default: one in the user cache folder."),
    ] = None,
    no_memory: Annotated[
        bool, typer.Option("--no-memory", help="Neither read nor add to a translation memory.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Translate again even what is up to date.")] = False,
    shard: Annotated[
        Optional[str],
        typer.Option("--shard", help="i/n: only this machine's share of the inputs (i from 0 to n-1)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary table.")] = False,
    debug: Debug = False,
) -> None:
    """Translate many posts: one model load, sentences batched across files, resumable; writes batch-report.json."""
    from translate.batch import BatchOptions, collect_inputs, parse_shard, report_path, run_batch

    stopped = "Interrupted. Finished handouts are kept; run the same command again to continue."
    with _user_errors(debug, interrupted=stopped):
        options = BatchOptions(
            output=output,
            formats=[f.value for f in formats] if formats else ["html"],
            force=force,
            memory=memory,
            use_memory=not no_memory,
            shard=parse_shard(shard) if shard else None,
            input_format=None if input_format is InputFormat.auto else input_format.value,  # type: ignore[arg-type]
            clean=CleanOptions(keep_comments=keep_comments, keep_all=keep_all),
        )
        pipeline_options = PipelineOptions(
            model=model,
            summarizer=summarizer,
            config=config,
            beams=beams,
            device=device.value,
            glossary=glossary,
            vocab=vocab,
            **_engine_settings(backend, compute_type, quantize, threads, shortlist),
        )
        found = collect_inputs(inputs, exclude=output)
        with _batch_progress(not quiet and sys.stderr.isatty()) as progress:
            report = run_batch(found, options, pipeline_options, progress)
        if not quiet:
            _report_batch(report, report_path(options))
        if report.count("failed"):
            raise typer.Exit(1)


@contextmanager
def _batch_progress(enabled: bool) -> Iterator[Callable[[int, int, int, int], None] | None]:
    """One bar over the whole batch: sentences translated, with files done beside it, rate and ETA."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sentences, {task.fields[rate]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("Translating", total=None, rate="")
        started = time.perf_counter()

        def update(files_done: int, files_total: int, sentences_done: int, sentences_total: int) -> None:
            elapsed = time.perf_counter() - started
            rate = f"{sentences_done / elapsed:.1f}/s" if elapsed > 1 and sentences_done else ""
            bar.update(
                task,
                description=f"{files_done}/{files_total} files",
                completed=sentences_done,
                total=sentences_total,
                rate=rate,
            )

        yield update


def _report_batch(report: BatchReport, where: Path) -> None:
    """A short table on stderr: totals, then every failed file with its reason."""
    totals = report.to_dict()["totals"]
    typer.echo(
        f"{totals['inputs']} inputs: {totals['done']} done, {totals['skipped']} up to date, "
        f"{totals['failed']} failed; {totals['sentences']} sentences, {totals['cache_hits']} from memory "
        f"or repeated; {totals['seconds']:.1f} s. Report: {where}",
        err=True,
    )
    for failed in (f for f in report.files if f.status == "failed"):
        # Errors name their file already.
        typer.secho(f"  failed: {failed.error}", err=True, fg=typer.colors.RED)


def _engine_settings(
    backend: Backend | None, compute_type: str | None, quantize: Quantize | None, threads: int, shortlist: bool
) -> dict[str, Any]:
    """The PipelineOptions fields that say how models run."""
    return {
        "backend": backend.value if backend else None,
        "compute_type": compute_type,
        "quantize": quantize.value if quantize else None,
        "threads": threads,
        "shortlist": shortlist,
    }


def _report_notes(pipeline: Pipeline) -> None:
    for note in pipeline.notes:
        typer.secho(f"Note: {note}", err=True, fg=typer.colors.YELLOW)


def _report_flags(document: Document) -> None:
    """Say on stderr how many sentences the guard flagged, and why."""
    counts = document.flag_counts()
    flagged = sum(1 for s in document.all_sentences() if s.flags)
    if flagged:
        reasons = ", ".join(f"{flag} {count}" for flag, count in sorted(counts.items()))
        typer.secho(
            f"{flagged} of {document.stats.sentences} sentences flagged for checking ({reasons}); "
            f"{document.stats.retried} were retried with safer decoding ({document.stats.seconds_retry:.1f} s).",
            err=True,
            fg=typer.colors.YELLOW,
        )


@app.command(name="eval")
def evaluate(
    sources: Annotated[Path, typer.Argument(help="Swedish sentences, one per line.")],
    references: Annotated[Path, typer.Argument(help="Reference English translations, line by line.")],
    model: Annotated[
        Optional[str],
        typer.Option("--model", "-m", help="Translation model: models.yaml name, folder or hub id."),
    ] = None,
    beams: Annotated[Optional[int], typer.Option("--beams", min=1, help="Beam size.")] = None,
    device: Annotated[Device, typer.Option("--device")] = Device.auto,
    backend: BackendOption = None,
    compute_type: ComputeTypeOption = None,
    quantize: QuantizeOption = None,
    threads: ThreadsOption = 0,
    shortlist: ShortlistOption = False,
    config: Config = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    debug: Debug = False,
) -> None:
    """Score a model on a parallel text with sacreBLEU (BLEU and chrF)."""
    import json

    from translate.evaluation import score_parallel_text

    with _user_errors(debug):
        options = PipelineOptions(
            model=model,
            summarizer="none",
            config=config,
            beams=beams,
            device=device.value,
            **_engine_settings(backend, compute_type, quantize, threads, shortlist),
        )
        with _progress_display(not quiet and sys.stderr.isatty()) as progress:
            pipeline = Pipeline(options, progress=progress)
            scores = score_parallel_text(pipeline, sources, references)
        if not quiet:
            _report_notes(pipeline)
        if as_json:
            typer.echo(json.dumps(scores, ensure_ascii=False, indent=2))
        else:
            typer.echo(
                f"{scores['model']} on {scores['sentences']} sentences: BLEU {scores['bleu']:.1f}, "
                f"chrF {scores['chrf']:.1f} ({scores['flagged']} flagged, {scores['seconds']:.1f} s, "
                f"{pipeline.translator.engine_description})\n"
                f"{scores['bleu_signature']}"
            )


@app.command()
def clean(
    input: Annotated[str, typer.Argument(help="The post: a text file, or - for standard input.")],
    fmt: Annotated[
        CleanFormat, typer.Option("--format", "-f", help="text for reading, json for scripts.")
    ] = CleanFormat.text,
    input_format: InputFormatOption = InputFormat.auto,
    keep_comments: KeepComments = False,
    keep_all: KeepAll = False,
    debug: Debug = False,
) -> None:
    """Show the paragraphs and sentences that would be translated, and what was dropped and why."""
    with _user_errors(debug):
        document = _read(input, input_format, keep_comments, keep_all)
        typer.echo(render_clean(document, fmt.value), nl=False)


models_app = typer.Typer(
    help="List the models in models.yaml, or convert one to CTranslate2 ahead of time.",
    no_args_is_help=False,
)
app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context, config: Config = None, debug: Debug = False) -> None:
    """List the models in models.yaml and whether each can be used on this machine now."""
    if ctx.invoked_subcommand is not None:
        return
    from translate.conversion import find_converted
    from translate.registry import availability

    with _user_errors(debug):
        registry = load_registry(config)
        typer.echo(f"Models from {registry.path}\n")
        for kind in ("translation", "summarization"):
            typer.secho(f"{kind.capitalize()} models", bold=True)
            for spec in registry.entries(kind):  # type: ignore[arg-type]
                marker = "*" if spec.name == registry.defaults[kind] else " "  # type: ignore[index]
                aliases = f" (also: {', '.join(spec.aliases)})" if spec.aliases else ""
                typer.echo(f" {marker} {spec.name}{aliases}: {spec.hub_id or spec.path}")
                if spec.description:
                    typer.echo(f"     {spec.description}")
                status = availability(spec)
                converted = find_converted(spec, spec.compute_type or "int8")
                if converted is not None:
                    status += f"; CTranslate2 {converted.compute_type} ready"
                if spec.backend:
                    status += f"; backend: {spec.backend}"
                typer.echo(f"     {status}")
            typer.echo("")
        typer.echo("* default. Summarizers that need no model: 'extractive', 'none'.")


@models_app.command("convert")
def models_convert(
    name: Annotated[str, typer.Argument(help="models.yaml name or alias, local folder, or hub id.")],
    kind: Annotated[
        ModelKind, typer.Option("--kind", help="Look the name up among translation or summarization models.")
    ] = None,  # type: ignore[assignment]
    compute_type: Annotated[
        str, typer.Option("--compute-type", help="Precision to store: int8 (CPU default), float16 (CUDA default), ...")
    ] = "int8",
    force: Annotated[bool, typer.Option("--force", help="Convert again even if a conversion is cached.")] = False,
    config: Config = None,
    debug: Debug = False,
) -> None:
    """Convert a model to CTranslate2 now (runs otherwise convert on first use); prints where it went."""
    from translate.conversion import convert, describe

    with _user_errors(debug):
        registry = load_registry(config)
        spec = registry.resolve(name, _kind_of(registry, name, kind))
        converted = convert(spec, compute_type, force=force)
        done = f"converted in {converted.seconds:.1f} s" if converted.seconds else "already converted"
        typer.echo(f"{spec.name}: {done}: {describe(converted)}")


@models_app.command("shortlist")
def models_shortlist(
    name: Annotated[str, typer.Argument(help="Translation model: models.yaml name or alias, local folder, or hub id.")],
    size: Annotated[
        int, typer.Option("--size", min=100, help="How many of the commonest English pieces are always allowed.")
    ] = 8000,
    compute_type: Annotated[
        str, typer.Option("--compute-type", help="Which conversion to add it to (converted first if needed).")
    ] = "int8",
    config: Config = None,
    debug: Debug = False,
) -> None:
    """Build the vocabulary shortlist that --shortlist uses (faster decoding; measure its cost with eval)."""
    from translate.conversion import convert
    from translate.shortlist import build_shortlist

    with _user_errors(debug):
        spec = load_registry(config).resolve(name, "translation")
        converted = convert(spec, compute_type)
        allowed = build_shortlist(converted, size)
        typer.echo(
            f"{spec.name}: shortlist of {allowed} common pieces plus each source piece, in {converted.path}. "
            f"Use it with --shortlist; compare 'translate eval ... --shortlist' with and without it first."
        )


def _kind_of(registry: Registry, name: str, kind: ModelKind | None) -> Kind:
    """A name in models.yaml says its own kind; anything else is a translation model unless told."""
    if kind is not None:
        return "summarization" if kind is ModelKind.summarization else "translation"
    if registry.lookup(name, "summarization") is not None and registry.lookup(name, "translation") is None:
        return "summarization"
    return "translation"


def _version(value: bool) -> None:
    if value:
        from translate import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn a Swedish blog post into a bilingual Swedish/English handout with an English summary."""


def main() -> None:
    app()
