"""What the command shows and how it ends: progress bars and reports on stderr, library errors turned into one message
and an exit code, and the process-wide settings that only the command's entry point may make."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


# The exit codes after Ctrl-C and after SIGTERM (128 + the signal's number), as shells report them.
INTERRUPTED = 130
TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it stops as after Ctrl-C: outputs finished so far are kept,
    the batch report is written, and the message says so."""


def stop_on_sigterm() -> None:
    """SIGTERM (what Slurm, Kubernetes, systemd and `kill` send) ends a command as Ctrl-C does, instead of at
    once with no message and no report. Process-wide, so only the entry point calls it; `translate serve`'s
    uvicorn installs its own handlers, which shut the server down gracefully."""

    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def leave_now(code: int) -> None:
    """End the process without waiting for the engine's native worker threads: after Ctrl-C they would finish
    every batch still queued before the interpreter could exit. Everything of ours is written or removed by then
    (outputs are atomic, the batch report is written on the way out), so only our own streams need flushing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


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
    except KeyboardInterrupt as stop:
        error(interrupted.replace("Interrupted", "Stopped (SIGTERM)") if isinstance(stop, Terminated) else interrupted)
        raise typer.Exit(TERMINATED if isinstance(stop, Terminated) else INTERRUPTED) from None
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


class BatchBar:
    """One bar over the whole batch: sentences translated, files done beside it, the rate and the time left.

    The time left is the whole run's average, counted from when translating began (model loading excluded, it
    happens once): a batch translates in rounds of files, so a window over the last seconds would see a round's
    burst, then the pause while its handouts are written, and swing between "1 s" and "an hour".
    """

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.task = bar.add_task("Reading the posts", total=None, rate="", left="")
        self.files = ""
        self.translating_since: float | None = None
        self.done_at_start = 0
        self.loading: str | None = None  # a model loading, or the second pass over flagged sentences

    def update(self, files_done: int, files_total: int, sentences_done: int, sentences_total: int) -> None:
        now = time.perf_counter()
        self.files = f"{files_done}/{files_total} files"
        rate = left = ""
        if self.translating_since is not None:
            elapsed = now - self.translating_since
            translated = sentences_done - self.done_at_start
            if elapsed > 2 and translated > 0:
                per_second = translated / elapsed
                rate = f", {per_second:.1f}/s"
                if sentences_done < sentences_total:
                    left = f"about {_duration((sentences_total - sentences_done) / per_second)} left"
        self.bar.update(
            self.task,
            description=self.loading or self.files,
            completed=sentences_done,
            total=sentences_total,
            rate=rate,
            left=left,
        )

    def stage(self, stage: str, done: int, total: int) -> None:
        """The pipeline's own stages: model loading is named while it lasts; translating starts the clock."""
        if stage.startswith(("load ", "convert ")):
            self.loading = _STAGE_LABELS.get(stage, stage) if done < total else None
            self.bar.update(self.task, description=self.loading or self.files)
        elif stage == "translate" and self.translating_since is None:
            self.loading = None
            self.translating_since = time.perf_counter()
            self.done_at_start = int(self.bar.tasks[0].completed)
        elif stage == "retry" and total:
            # Sentences the first pass flagged, translated again: the count stays, the words say what is going on.
            self.loading = f"{self.files}, {done}/{total} flagged again" if done < total else None
            self.bar.update(self.task, description=self.loading or self.files)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


@contextmanager
def batch_progress(enabled: bool) -> Iterator[BatchBar | None]:
    """The batch's bar on stderr, or None when progress is not shown."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sentences{task.fields[rate]}"),
        TextColumn("{task.fields[left]}"),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        yield BatchBar(progress)


def report_batch(report: BatchReport, where: Path) -> None:
    """A short table on stderr: totals, then every failed file with its reason."""
    totals = report.to_dict()["totals"]
    typer.echo(
        f"{totals['inputs']} inputs: {totals['done']} done, {totals['skipped']} up to date, "
        + (f"{totals['other_language']} not in Swedish, " if totals["other_language"] else "")
        + f"{totals['failed']} failed; {totals['sentences']} sentences, {totals['cache_hits']} from memory "
        f"or repeated; {totals['seconds']:.1f} s. Report: {where}",
        err=True,
    )
    for failed in (f for f in report.files if f.status == "failed"):
        # Errors name their file already.
        typer.secho(f"  failed: {failed.error}", err=True, fg=typer.colors.RED)
    for other in (f for f in report.files if f.status == "other-language"):
        typer.secho(f"  left out: {other.error}", err=True, fg=typer.colors.YELLOW)
    for warning in (w for f in report.files for w in f.warnings):
        typer.secho(f"  warning: {warning}", err=True, fg=typer.colors.YELLOW)


def report_warnings(document: Document) -> None:
    """What reading mended in the post (bad bytes replaced, control characters dropped), and where."""
    for warning in document.warnings:
        typer.secho(f"Warning: {warning}", err=True, fg=typer.colors.YELLOW)


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
