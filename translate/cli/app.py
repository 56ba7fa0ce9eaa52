"""The `translate` command: parses the command line, calls the library, and says what happened.

Shared options come from cli/options.py (declared once, built into the options tree there);
messages, progress and exit codes from cli/display.py. No pipeline logic lives here.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from translate.cli.display import (
    INTERRUPTED,
    TERMINATED,
    batch_progress,
    configure_process,
    leave_now,
    log_to_stderr,
    render_scores,
    report_batch,
    report_flags,
    report_notes,
    report_warnings,
    stage_progress,
    stop_on_sigterm,
    user_errors,
)
from translate.cli.options import ENGINE, HANDOUT, MEMORY, PAGE, READ, SUMMARIZER, TRANSLATION_MODEL, takes
from translate.errors import ConfigError, OutputError
from translate.models.registry import load_registry
from translate.options import MemoryOptions, PipelineOptions
from translate.pipeline import Pipeline, load_document
from translate.render import HandoutFormat, render, render_clean
from translate.render.formats import usable_format
from translate.render.output import (
    default_output_path,
    output_format,
    remove_stale_temp_files,
    resolve_output,
    translated_copy_path,
    write_atomic,
)
from translate.text.recurring import drop_batch_chrome

app = typer.Typer(
    help="Turn a Swedish blog post into a bilingual Swedish/English handout with an English summary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

Debug = Annotated[bool, typer.Option("--debug", help="Show the full traceback when something fails.")]
Config = Annotated[Optional[Path], typer.Option("--config", help="Another models.yaml to read model names from.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or messages.")]


class CleanFormat(str, Enum):
    text = "text"
    json = "json"


class ModelKind(str, Enum):
    translation = "translation"
    summarization = "summarization"


class FetchUrls(str, Enum):
    off = "off"
    public = "public"
    any = "any"


class OutputMode(str, Enum):
    handout = "handout"
    translated = "translated"


def _to_stdout(content: str | bytes) -> None:
    """A handout on standard output: PDF and DOCX as bytes, the rest as text (UTF-8 whatever the locale)."""
    if sys.stdout is None:  # started with stdout closed (>&-)
        raise OutputError("Cannot write the handout to standard output: it is closed. Give -o FILE.")
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:
        reason = "no space left on the device" if getattr(error, "errno", None) == errno.ENOSPC else str(error)
        raise OutputError(f"Cannot write the handout to standard output: {reason}.") from error


def _write(target: Path, content: str | bytes) -> Path:
    """One handout written; first the temporary files an earlier run killed while writing it left beside it (a
    batch clears its whole tree once, at its start, instead of listing a folder for every file)."""
    if target.parent.is_dir():
        remove_stale_temp_files(target.parent, target.name)
    return write_atomic(target, content)


def _shows_progress(quiet: bool) -> bool:
    # Started with stderr closed (2>&-), Python has no sys.stderr: the work is still done, silently.
    return not quiet and sys.stderr is not None and sys.stderr.isatty()


@app.command()
@takes(TRANSLATION_MODEL, SUMMARIZER, ENGINE, HANDOUT, PAGE, READ)
def run(
    input: Annotated[str, typer.Argument(help="The post: a file, an http(s) URL of a page, or - for standard input.")],
    fmt: Annotated[
        Optional[HandoutFormat],
        typer.Option(
            "--format",
            "-f",
            help="Handout format (pdf needs the pdf extra; tmx/xliff for CAT tools). Default: what -o's extension "
            "names, else html.",
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Where to write; - for standard output. Default: POST.handout.FORMAT beside the post.",
        ),
    ] = None,
    output_mode: Annotated[
        OutputMode,
        typer.Option(
            "--output-mode",
            help="handout: the bilingual handout. translated: a copy of the post in English alone, in its own "
            "format (txt, md, html, docx, odt, epub, pdf), its structure kept; written as POST.en.EXT.",
        ),
    ] = OutputMode.handout,
    options: PipelineOptions = PipelineOptions(),
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Translate a post and write a bilingual handout with a summary."""
    with user_errors(debug):
        translated = output_mode is OutputMode.translated
        if translated:
            if fmt is not None:
                raise ConfigError("--output-mode translated writes the post's own format: drop --format.")
            # A copy in English has no summary.
            options = dataclasses.replace(options, models=dataclasses.replace(options.models, summarizer="none"))
            handout = "html"
            target = resolve_output(input, output, handout) if output else None  # its checks, before the work
        else:
            handout = usable_format(output_format(fmt.value if fmt else None, output)).name
            target = resolve_output(input, output, handout)
        with stage_progress(_shows_progress(quiet)) as progress:
            pipeline = Pipeline(options, progress=progress)
            document = pipeline.run(input)
        if translated:
            from translate.render.translated import render_translated, translated_copy_extension

            content = render_translated(document)
            if output is None and input != "-":
                copy = translated_copy_path(input, translated_copy_extension(document))
                target = resolve_output(input, str(copy), handout)
        else:
            content = render(document, handout)
        if target is None:
            _to_stdout(content)
        else:
            written = _write(target, content)
            if not quiet:
                stats = document.stats
                typer.echo(
                    f"Wrote {written} ({len(document.paragraphs)} paragraphs, {stats.sentences} sentences, "
                    f"{stats.seconds_total:.1f} s; {pipeline.translator.engine_description})",
                    err=True,
                )
        if not quiet:
            report_warnings(document)
            report_notes(pipeline)
            report_flags(document)


@app.command()
@takes(TRANSLATION_MODEL, SUMMARIZER, ENGINE, HANDOUT, PAGE, READ, MEMORY)
def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Folders (searched recursively), quoted glob patterns, files, URLs of posts, or RSS/Atom feeds, "
            "sitemaps and WordPress exports (by URL, or as .xml files): every post in them."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the handouts; the input tree is mirrored.")
    ],
    formats: Annotated[
        Optional[list[HandoutFormat]], typer.Option("--format", "-f", help="Handout format; repeat for several.")
    ] = None,
    options: PipelineOptions = PipelineOptions(),
    memory: MemoryOptions = MemoryOptions(),
    force: Annotated[bool, typer.Option("--force", help="Translate again even what is up to date.")] = False,
    skip_other_languages: Annotated[
        bool,
        typer.Option(
            "--skip-other-languages",
            help="Leave out posts that are not in Swedish (by language identification); otherwise they are "
            "translated with a warning.",
        ),
    ] = False,
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
    with user_errors(debug, interrupted=stopped):
        batch_options = BatchOptions(
            output=output,
            formats=[f.value for f in formats] if formats else ["html"],
            force=force,
            memory=memory,
            shard=parse_shard(shard) if shard else None,
            pipeline=options,
            skip_other_languages=skip_other_languages,
        )
        earlier: list[Path] = []
        found = collect_inputs(inputs, exclude=output, skipped=earlier)
        if earlier and not quiet:
            typer.echo(
                f"Left out {len(earlier)} handout{'s' if len(earlier) != 1 else ''} this tool wrote earlier "
                f"(e.g. {earlier[0]}); they are not posts.",
                err=True,
            )
        with batch_progress(_shows_progress(quiet)) as bar:
            report = run_batch(found, batch_options, bar.update if bar else None, bar.stage if bar else None)
        if not quiet:
            report_batch(report, report_path(batch_options))
        if report.count("failed"):
            raise typer.Exit(1)


@app.command(name="eval")
@takes(TRANSLATION_MODEL, ENGINE)
def evaluate(
    sources: Annotated[Path, typer.Argument(help="Swedish sentences, one per line.")],
    references: Annotated[Path, typer.Argument(help="Reference English translations, line by line.")],
    options: PipelineOptions = PipelineOptions(),
    compare: Annotated[
        bool,
        typer.Option(
            "--compare/--no-compare",
            help="Also score the model alone (no protected spans, number check or retries) beside the full "
            "pipeline. --no-compare halves the time.",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    debug: Debug = False,
) -> None:
    """Score a model on a parallel text with sacreBLEU (BLEU and chrF), through the pipeline and alone."""
    from translate.evaluation import score_parallel_text

    with user_errors(debug):
        # A score of the translation alone: no summary model is loaded.
        options = dataclasses.replace(options, models=dataclasses.replace(options.models, summarizer="none"))
        with stage_progress(_shows_progress(quiet)) as progress:
            pipeline = Pipeline(options, progress=progress)
            scores = score_parallel_text(pipeline, sources, references, compare=compare)
        if not quiet:
            report_notes(pipeline)
        if as_json:
            typer.echo(json.dumps(scores, ensure_ascii=False, indent=2))
        else:
            typer.echo(render_scores(scores))


@app.command(name="render")
@takes(PAGE)
def render_handout(
    edited: Annotated[
        Path,
        typer.Argument(
            metavar="EDITED",
            help="A handout's JSON, or its XLIFF, with translations corrected (in an editor or a CAT tool).",
        ),
    ],
    fmt: Annotated[
        Optional[HandoutFormat],
        typer.Option("--format", "-f", help="Handout format. Default: what -o's extension names, else html."),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", help="Where to write; - for standard output. Default: POST.handout.FORMAT."),
    ] = None,
    options: PipelineOptions = PipelineOptions(),
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Render a corrected handout again, without the model: the corrections are marked as revised."""
    from translate.revision import load_revised

    with user_errors(debug):
        handout = usable_format(output_format(fmt.value if fmt else None, output)).name
        # post.handout.json renders to post.handout.html beside it, the handout it corrects.
        stem = edited.name.split(".handout.")[0] if ".handout." in edited.name else edited.stem
        target = default_output_path(edited.with_name(f"{stem}.txt"), handout) if output is None else None
        if output is not None and output != "-":
            target = Path(output)
        document = load_revised(edited)
        document.options = options  # its page: paper, font size, layout
        content = render(document, handout)
        if target is None:
            _to_stdout(content)
            return
        if target.resolve() == edited.resolve():
            raise OutputError(f"Refusing to write the handout over the file it was rendered from, {edited}; give -o.")
        written = _write(target, content)
        if not quiet:
            revised = document.revised_count()
            typer.echo(f"Wrote {written} ({revised} sentence{'s' if revised != 1 else ''} revised by hand)", err=True)


@app.command()
@takes(READ)
def clean(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="The post: a file, an http(s) URL of a page, or - for standard input. Several posts of one site "
            "are cleaned as a batch would clean them: what recurs across them is dropped as the site's."
        ),
    ],
    fmt: Annotated[
        CleanFormat, typer.Option("--format", "-f", help="text for reading, json for scripts.")
    ] = CleanFormat.text,
    options: PipelineOptions = PipelineOptions(),
    debug: Debug = False,
) -> None:
    """Show the paragraphs and sentences that would be translated, and what was dropped and why."""
    with user_errors(debug):
        documents = [load_document(name, options.read) for name in inputs]
        for document in documents:
            report_warnings(document)
        if not options.read.clean.keep_all:
            drop_batch_chrome(documents)
        if len(documents) == 1:
            typer.echo(render_clean(documents[0], fmt.value), nl=False)
        elif fmt is CleanFormat.json:
            typer.echo(json.dumps([d.to_clean_dict() for d in documents], ensure_ascii=False, indent=2))
        else:
            typer.echo("\n".join(f"==> {d.input} <==\n{render_clean(d, fmt.value)}" for d in documents), nl=False)


@app.command()
@takes(TRANSLATION_MODEL, SUMMARIZER, ENGINE, HANDOUT, PAGE, MEMORY)
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
    options: PipelineOptions = PipelineOptions(),
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
            help="How long a free worker waits for more requests to join a round (after a round, too; not for a lone "
            "client, and no longer once the last round's clients are all back).",
        ),
    ] = 50.0,
    batch_tokens: Annotated[
        int, typer.Option("--batch-tokens", min=1, help="Source tokens translated together per round, at most.")
    ] = 8192,
    memory: MemoryOptions = MemoryOptions(),
    log_text: Annotated[
        bool, typer.Option("--log-text", help="Log the text of requests (by default only sizes and timings).")
    ] = False,
    fetch_urls: Annotated[
        FetchUrls,
        typer.Option(
            "--fetch-urls",
            help="Let clients send a post's URL (/v1/handout's url, the page's URL field): public fetches "
            "addresses on the internet only; any also this machine's network (a trusted intranet).",
        ),
    ] = FetchUrls.off,
    suggestions: Annotated[
        bool,
        typer.Option(
            "--suggestions",
            help="Accept /suggest: a suggested translation goes into the translation memory as a person's.",
        ),
    ] = False,
    debug: Debug = False,
) -> None:
    """Serve translation over HTTP: LibreTranslate's /translate and /languages, plus /v1/handout, /v1/summarize."""
    import os

    with user_errors(debug, interrupted="Stopped."):
        try:
            from translate.server import ServerOptions, load_api_keys, serve, worker_environment
        except ImportError as error:
            raise ConfigError(
                "translate serve needs FastAPI and uvicorn: pip install 'sv2en-handout[serve]' "
                f"({type(error).__name__}: {error})."
            ) from error
        from translate.service import ServiceOptions

        server_options = ServerOptions(
            host=host,
            port=port,
            workers=workers,
            api_keys=load_api_keys(api_keys or [], api_keys_file),
            cors_origins=tuple(cors_origins or ()),
            char_limit=char_limit,
            max_body_bytes=int(max_body_mb * 1024 * 1024),
            log_text=log_text,
            suggestions=suggestions,
            fetch_urls=fetch_urls.value,
            service=ServiceOptions(
                queue_size=queue_size,
                batch_window=batch_window_ms / 1000,
                batch_tokens=batch_tokens,
                timeout=timeout,
                memory=memory,
            ),
            pipeline=options,
        )
        if host not in ("127.0.0.1", "localhost", "::1") and not server_options.api_keys:
            typer.secho(
                f"Warning: listening on {host} without an API key: anyone who can reach this machine can use it. "
                "Consider --api-key.",
                err=True,
                fg=typer.colors.YELLOW,
            )
        log_to_stderr()
        if workers > 1:
            os.environ.update(worker_environment(server_options))
        serve(server_options)


memory_app = typer.Typer(help="The translation memory: put a teacher's corrections into it.", no_args_is_help=True)
app.add_typer(memory_app, name="memory")


@memory_app.command("import")
@takes(MEMORY)
def memory_import(
    edited: Annotated[list[Path], typer.Argument(metavar="EDITED...", help="Corrected handouts: their JSON or XLIFF.")],
    memory: MemoryOptions = MemoryOptions(),
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Put the corrected sentences of handouts into the translation memory; batch and serve then reuse them."""
    from translate.fidelity.memory import memory_from_option
    from translate.revision import load_revised

    with user_errors(debug):
        if not memory.enabled:
            raise ConfigError("--no-memory leaves nothing to import into; give --memory FILE or leave it out.")
        pairs = [
            (s.source, s.translation)
            for path in edited
            for s in load_revised(path).all_sentences()
            if s.revised and s.translation
        ]
        store = memory_from_option(memory)
        assert store is not None
        added = store.store_human(pairs)
        store.close()
        if not quiet:
            typer.echo(
                f"{len(pairs)} corrected sentence{'s' if len(pairs) != 1 else ''} found, {added} new or changed in "
                f"{store.path}.",
                err=True,
            )


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
    from translate.models.conversion import find_converted
    from translate.models.hub import availability

    with user_errors(debug):
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
        Optional[ModelKind], typer.Option("--kind", help="Look the name up among translation or summarization models.")
    ] = None,
    compute_type: Annotated[
        str, typer.Option("--compute-type", help="Precision to store: int8 (CPU default), float16 (CUDA default), ...")
    ] = "int8",
    force: Annotated[bool, typer.Option("--force", help="Convert again even if a conversion is cached.")] = False,
    config: Config = None,
    debug: Debug = False,
) -> None:
    """Convert a model to CTranslate2 now (runs otherwise convert on first use); prints where it went."""
    from translate.models.conversion import convert, describe

    with user_errors(debug):
        registry = load_registry(config)
        spec = registry.resolve(name, registry.kind_of(name, kind.value if kind else None))
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
    from translate.models.conversion import convert
    from translate.models.shortlist import build_shortlist

    with user_errors(debug):
        spec = load_registry(config).resolve(name, "translation")
        converted = convert(spec, compute_type)
        allowed = build_shortlist(converted, size)
        typer.echo(
            f"{spec.name}: shortlist of {allowed} common pieces plus each source piece, in {converted.path}. "
            f"Use it with --shortlist; compare 'translate eval ... --shortlist' with and without it first."
        )


def _version(value: bool) -> None:
    if value:
        from translate.version import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn a Swedish blog post into a bilingual Swedish/English handout with an English summary."""
    configure_process()


def main() -> None:
    """The `translate` command's entry point: the process is ours here, so its signals are set here."""
    stop_on_sigterm()
    try:
        app()
    except SystemExit as ending:
        if ending.code in (INTERRUPTED, TERMINATED):
            leave_now(ending.code)  # type: ignore[arg-type]
        raise
