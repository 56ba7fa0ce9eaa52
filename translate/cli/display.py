"""What the command shows and how it ends: progress bars and reports on stderr, library errors turned into one message
and an exit code, and the process-wide settings that only the command's entry point may make."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from translate.document import Document
from translate.errors import HandoutError

if TYPE_CHECKING:
    from translate.batch import BatchReport
    from translate.pipeline import Pipeline


def configure_process() -> None:
    """Quiet the libraries' own chatter (the command has its own progress and messages). Process-wide, so here only.

    transformers and huggingface_hub read these variables when first imported, which the
    command does only later, when a model loads; a library already imported is told directly.
    """
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    # WeasyPrint logs every CSS property it ignores (screen-only rules); the PDF is fine without them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def log_to_stderr() -> None:
    """`translate serve` logs what it does (requests, rounds, loading) to stderr."""
    from translate.server import LOG_FORMAT

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)


def error(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)


@contextmanager
def user_errors(debug: bool, interrupted: str = "Interrupted; nothing was written.") -> Iterator[None]:
    """Library errors become one message and an exit code; --debug shows the traceback instead."""
    try:
        yield
    except HandoutError as failure:
        if debug:
            raise
        error(f"Error: {failure}")
        raise typer.Exit(failure.exit_code) from None
    except KeyboardInterrupt:
        error(interrupted)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        # The reader of our output went away (`translate models | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(141) from None
    except Exception as failure:
        if debug:
            raise
        error(f"Unexpected error: {type(failure).__name__}: {failure}. Run again with --debug for the traceback.")
        raise typer.Exit(1) from None


_STAGE_LABELS = {
    "load translation": "Loading translation model",
    "load summarization": "Loading summary model",
    "convert translation": "Converting the translation model to CTranslate2 (first use only)",
    "convert summarization": "Converting the summary model to CTranslate2 (first use only)",
    "translate": "Translating sentences",
    "retry": "Translating flagged sentences again, more carefully",
    "summarize": "Summarizing",
}


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
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
                tasks[stage] = progress.add_task(_STAGE_LABELS.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


@contextmanager
def batch_progress(enabled: bool) -> Iterator[Callable[[int, int, int, int], None] | None]:
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


def report_batch(report: BatchReport, where: Path) -> None:
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


def report_notes(pipeline: Pipeline) -> None:
    for note in pipeline.notes:
        typer.secho(f"Note: {note}", err=True, fg=typer.colors.YELLOW)


def report_flags(document: Document) -> None:
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


def render_scores(scores: dict) -> str:
    """translate eval's scores as a small table: the full pipeline, and the model alone when it was scored."""
    rows = [("pipeline (what users get)", scores["pipeline"])]
    if scores.get("model_alone"):
        rows.append(("model alone", scores["model_alone"]))
    lines = [f"{scores['model']} on {scores['sentences']} sentences ({scores['engine']}):"]
    for label, row in rows:
        lines.append(f"  {label:<26} BLEU {row['bleu']:5.1f}  chrF {row['chrf']:5.1f}  {row['seconds']:.1f} s")
    flags = scores["pipeline"]["flags"]
    if flags:
        reasons = ", ".join(f"{flag} {count}" for flag, count in flags.items())
        lines.append(f"  {scores['pipeline']['flagged']} sentences flagged ({reasons})")
    lines.append(f"  BLEU signature: {scores['bleu_signature']}")
    lines.append(f"  chrF signature: {scores['chrf_signature']}")
    return "\n".join(lines)
