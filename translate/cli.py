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
    ConfigError,
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
from translate.render import HandoutFormat

if TYPE_CHECKING:
    from translate.batch import BatchReport

app = typer.Typer(
    help="Turn a Swedish blog post into a bilingual Swedish/English handout with an English summary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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


MemoryOption = Annotated[
    Optional[Path],
    typer.Option("--memory", help="Translation memory file (SQLite). Default: one in the user cache folder."),
]
NoMemoryOption = Annotated[bool, typer.Option("--no-memory", help="Neither read nor add to a translation memory.")]


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
    memory: MemoryOption = None,
    no_memory: NoMemoryOption = False,
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


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. The default answers this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Server processes, each loading its own copy of the models (memory x N); requests are batched "
            "within each. 1 suits a laptop.",
        ),
    ] = 1,
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
    api_keys: Annotated[
        Optional[list[str]],
        typer.Option(
            "--api-key",
            help="Require this key on every request (repeat for several; also $HANDOUT_API_KEY). "
            "Clients send it as api_key, or as 'Authorization: Bearer KEY'.",
        ),
    ] = None,
    api_keys_file: Annotated[
        Optional[Path], typer.Option("--api-keys-file", help="A file of accepted keys, one per line (# comments).")
    ] = None,
    cors_origins: Annotated[
        Optional[list[str]],
        typer.Option("--cors-origin", help="Let browser pages from this origin call the API (repeat; '*' for any)."),
    ] = None,
    char_limit: Annotated[
        int, typer.Option("--char-limit", min=1, help="Characters to translate per request; more gets 413.")
    ] = 50_000,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", min=0.001, help="Largest request body (uploads included); more gets 413.")
    ] = 4.0,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds a request may take, queueing included; then 504.")
    ] = 120.0,
    queue_size: Annotated[
        int, typer.Option("--queue-size", min=1, help="Requests that may wait; one more gets 503 with Retry-After.")
    ] = 64,
    batch_window_ms: Annotated[
        float,
        typer.Option(
            "--batch-window-ms",
            min=0,
            help="How long a free worker waits for more requests to join a round (after a round, too).",
        ),
    ] = 50.0,
    batch_tokens: Annotated[
        int, typer.Option("--batch-tokens", min=1, help="Source tokens translated together per round, at most.")
    ] = 8192,
    memory: MemoryOption = None,
    no_memory: NoMemoryOption = False,
    log_text: Annotated[
        bool, typer.Option("--log-text", help="Log the text of requests (by default only sizes and timings).")
    ] = False,
    debug: Debug = False,
) -> None:
    """Serve translation over HTTP: LibreTranslate's /translate and /languages, plus /v1/handout, /v1/summarize."""
    with _user_errors(debug, interrupted="Stopped."):
        try:
            from translate.server import ServerOptions, load_api_keys, serve
        except ImportError as error:
            raise ConfigError(
                "translate serve needs FastAPI and uvicorn: pip install 'sv2en-handout[serve]' "
                f"({type(error).__name__}: {error})."
            ) from error
        from translate.service import ServiceOptions

        options = ServerOptions(
            host=host,
            port=port,
            workers=workers,
            api_keys=load_api_keys(api_keys or [], api_keys_file),
            cors_origins=tuple(cors_origins or ()),
            char_limit=char_limit,
            max_body_bytes=int(max_body_mb * 1024 * 1024),
            log_text=log_text,
            service=ServiceOptions(
                queue_size=queue_size,
                batch_window=batch_window_ms / 1000,
                batch_tokens=batch_tokens,
                timeout=timeout,
                memory=memory,
                use_memory=not no_memory,
            ),
            pipeline=PipelineOptions(
                model=model,
                summarizer=summarizer,
                config=config,
                beams=beams,
                device=device.value,
                glossary=glossary,
                **_engine_settings(backend, compute_type, quantize, threads, shortlist),
            ),
        )
        if host not in ("127.0.0.1", "localhost", "::1") and not options.api_keys:
            typer.secho(
                f"Warning: listening on {host} without an API key: anyone who can reach this machine can use it. "
                "Consider --api-key.",
                err=True,
                fg=typer.colors.YELLOW,
            )
        serve(options)


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
