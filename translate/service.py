"""The service core: models loaded once in a worker thread that translates concurrent requests together, a round at
a time.

Requests from any number of threads or event loops are queued as jobs. The worker takes
everything waiting, up to a token budget, after a short collection window, and translates
them all through the pipeline's one orchestration (Pipeline.process_many: every sentence of
the round in one batch plan, repeated sentences once, the translation memory first; then the
summary and word list of the jobs that are handouts).
While a round runs, new requests pile up and become the next round, so the busier the
service, the fuller its batches. The queue is bounded: when it is full, a request is
refused at once (ServiceBusy) instead of waiting without end.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from translate.document import Document
from translate.errors import HandoutError
from translate.fidelity.memory import memory_from_option
from translate.options import MemoryOptions, PipelineOptions
from translate.pipeline import Pipeline

log = logging.getLogger(__name__)

State = Literal["starting", "loading", "ready", "failed", "closed"]


@dataclass
class ServiceOptions:
    """How the service queues and batches work; the models are PipelineOptions' business."""

    queue_size: int = 64  # requests waiting for a round; one more is refused (ServiceBusy)
    # Seconds to wait for company once a request is waiting and the worker is free: after the
    # request arrives at an idle worker, or after the round that kept it waiting ends (so that
    # clients answered by that round can send their next request in time to join). A lone client
    # (its request came to a free worker whose last round was its own alone) is not kept waiting.
    batch_window: float = 0.05
    batch_tokens: int = 8192  # source tokens per round (a round's sentences are then batched by the generator)
    timeout: float = 120.0  # seconds a request may wait for its result, queueing included
    memory: MemoryOptions = field(default_factory=MemoryOptions)


class ServiceBusy(HandoutError):
    """The queue is full; try again in ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceTimeout(HandoutError):
    """A request did not get its result in time."""


class ServiceUnavailable(HandoutError):
    """The models failed to load, or the service is shutting down."""


class ClientGone(HandoutError):
    """The client closed its connection before its result was ready; its work was given up."""


class _RoundAbandoned(Exception):
    """Every request of the round in progress timed out or went away: the worker stops it between batches."""


@dataclass
class _Job:
    documents: list[Document]
    handout: bool  # summary and word list too (a post), or only the translation (a snippet)
    tokens: int
    future: concurrent.futures.Future[list[Document]]
    submitted: float
    # Set when its request timed out or its client went away: nobody waits for the result any more.
    abandoned: bool = False


# How often a waiting request asks whether its client is still there.
DISCONNECT_CHECK_SECONDS = 0.5


def _rough_tokens(text: str) -> int:
    # Before the tokenizer is loaded: opus-mt spends about one token per four characters of Swedish.
    return len(text) // 4 + 1


class TranslationService:
    """Models loaded once; requests queued, batched together in rounds, answered in order of arrival.

    >>> service = TranslationService(PipelineOptions(models=ModelOptions(summarizer="extractive")))
    >>> service.start()
    >>> documents = await service.process([document], handout=True)
    """

    def __init__(
        self,
        pipeline_options: PipelineOptions | None = None,
        options: ServiceOptions | None = None,
        on_state: Callable[[State, str], None] | None = None,
    ) -> None:
        self.options = options or ServiceOptions()
        # Built here, so that unknown model names and a bad models.yaml fail before the server starts;
        # the models themselves load in the worker thread.
        self.pipeline = Pipeline(pipeline_options or PipelineOptions(), progress=self._between_batches)
        self._round: list[_Job] = []  # the jobs of the round in progress
        self.state: State = "starting"
        self.error: str | None = None
        self._on_state = on_state
        self._pending: deque[_Job] = deque()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self._count_tokens: Callable[[str], int] = _rough_tokens
        self._ready = threading.Event()
        # For Retry-After and /health: how long recent rounds took, and what they held.
        self._round_seconds = 1.0
        self._free_since = 0.0  # time.monotonic() when the last round ended
        self._last_round_requests = 0
        self.rounds = 0
        self.requests_done = 0
        self.sentences_done = 0
        self.sentences_reused = 0  # from the translation memory, or repeated within a round
        self.rounds_abandoned = 0  # stopped part-way because nobody waited for them any more
        # The round in progress: its stage and how far it is (sentences), for /health and the web page.
        self.round_progress: dict[str, Any] | None = None

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread, which loads the models and then serves the queue (idempotent)."""
        with self._condition:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._work, name="translate-worker", daemon=True)
            self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the models are loaded (True) or loading failed or timed out (False)."""
        self._ready.wait(timeout)
        return self.state == "ready"

    def close(self) -> None:
        """Finish the round in progress, refuse what is still queued, and stop the worker."""
        with self._condition:
            if self.state == "closed":
                return
            self._set_state("closed")
            refused = list(self._pending)
            self._pending.clear()
            self._condition.notify_all()
        for job in refused:
            _fail(job, ServiceUnavailable("The service is shutting down; send the request again once it is back."))
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=60)

    def _set_state(self, state: State, detail: str = "") -> None:
        self.state = state
        if state in ("ready", "failed", "closed"):
            self._ready.set()
        if self._on_state is not None:
            self._on_state(state, detail)

    # --- requests -------------------------------------------------------------------------

    def submit(self, documents: list[Document], handout: bool = False) -> concurrent.futures.Future[list[Document]]:
        """Queue documents for translation (handouts: and summary and word list); the future gives them back."""
        return self._submit(documents, handout).future

    def _submit(self, documents: list[Document], handout: bool) -> _Job:
        if self.state in ("failed", "closed"):
            raise ServiceUnavailable(self._unavailable_message())
        count = self._count_tokens
        tokens = sum(count(s.source) for d in documents for s in d.all_sentences())
        future: concurrent.futures.Future[list[Document]] = concurrent.futures.Future()
        with self._condition:
            if len(self._pending) >= self.options.queue_size:
                retry_after = self.retry_after()
                raise ServiceBusy(
                    f"The server is busy: {len(self._pending)} requests are waiting already. "
                    f"Try again in {retry_after} s.",
                    retry_after,
                )
            job = _Job(documents, handout, tokens, future, time.monotonic())
            self._pending.append(job)
            self._condition.notify_all()
        return job

    async def process(
        self,
        documents: list[Document],
        handout: bool = False,
        disconnected: Callable[[], Awaitable[bool]] | None = None,
    ) -> list[Document]:
        """Queue documents and wait for them, at most ServiceOptions.timeout seconds (ServiceTimeout).

        ``disconnected`` (Starlette's request.is_disconnected) is asked while waiting: a client that
        went away gets its work given up (ClientGone), as a request that timed out does.
        """
        # Counting tokens takes a while for a long text: not on the event loop.
        job = await asyncio.to_thread(self._submit, documents, handout)
        waiting = asyncio.wrap_future(job.future)
        deadline = time.monotonic() + self.options.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._abandon(job, waiting)
                raise ServiceTimeout(
                    f"The request did not finish within {self.options.timeout:g} s (the server's --timeout). "
                    "Send less text at a time, or try again when the server is less busy."
                )
            done, _ = await asyncio.wait({waiting}, timeout=min(left, DISCONNECT_CHECK_SECONDS))
            if done:
                return waiting.result()
            if disconnected is not None and await disconnected():
                self._abandon(job, waiting)
                raise ClientGone("The client went away before its result was ready; its work was given up.")

    def suggest(self, source: str, translation: str) -> int | None:
        """Keep a suggested translation as a person's, sentence by sentence when both sides split into as many
        sentences, else as a whole; None when the service has no memory. Returns how many pairs were new.

        Its own connection: the worker's belongs to the worker's thread (SQLite), and several
        connections to one memory are safe (WAL, one transaction per write).
        """
        from translate.text.segment import split_sentences

        if not self.options.memory.enabled:
            return None
        sources, translations = split_sentences(source), split_sentences(translation)
        pairs = list(zip(sources, translations)) if len(sources) == len(translations) else [(source, translation)]
        memory = memory_from_option(self.options.memory)
        if memory is None:
            return None
        try:
            return memory.store_human([(s.strip(), t.strip()) for s, t in pairs if s.strip() and t.strip()])
        finally:
            memory.close()

    def _abandon(self, job: _Job, waiting: asyncio.Future[Any] | None = None) -> None:
        """Nobody waits for this job any more: out of the queue if it is still there, and its round stopped at
        the next batch if every request in it is abandoned too."""
        job.abandoned = True
        job.future.cancel()  # succeeds only while it is queued
        if waiting is not None:
            waiting.cancel()  # so that the worker's "given up" is not logged as an exception nobody retrieved
        with self._condition:
            self._pending = deque(j for j in self._pending if j is not job)

    def _between_batches(self, stage: str, done: int, total: int) -> None:
        """The pipeline's progress, called in the worker after each batch: what /health reports of the round in
        progress, and where a round nobody waits for ends."""
        if stage in ("translate", "retry", "summarize"):
            self.round_progress = {"stage": stage, "done": done, "total": total}
        round_jobs = self._round
        if round_jobs and all(job.abandoned for job in round_jobs):
            raise _RoundAbandoned()

    def retry_after(self) -> int:
        """Seconds until the queue has probably drained: the rounds its tokens need, at the recent round time."""
        with self._condition:
            waiting = sum(job.tokens for job in self._pending)
        rounds = max(1, math.ceil(waiting / self.options.batch_tokens))
        return max(1, min(120, math.ceil(self._round_seconds * rounds)))

    @property
    def queue_length(self) -> int:
        """Requests waiting for a round."""
        return len(self._pending)

    def health(self) -> dict[str, Any]:
        """What /health reports: state, models, engine, queue and work done."""
        report: dict[str, Any] = {
            "status": self.state,
            "translation_model": self.pipeline.translation_name,
            "summarizer": self.pipeline.summarization_spec.name
            if self.pipeline.summarization_spec
            else self.pipeline.summary_method or "none",
            "queue": {"waiting": self.queue_length, "limit": self.options.queue_size},
            "done": {
                "rounds": self.rounds,
                "requests": self.requests_done,
                "sentences": self.sentences_done,
                "sentences_reused": self.sentences_reused,
            },
        }
        if self.round_progress is not None:
            report["round"] = dict(self.round_progress)  # the batch plan in progress: stage, sentences done, total
        if self.state == "ready":
            report["engine"] = self.pipeline.translator.engine_description
        if self.error:
            report["error"] = self.error
        return report

    def _unavailable_message(self) -> str:
        if self.state == "failed":
            return f"The models failed to load, so nothing can be translated: {self.error}"
        return "The service is shutting down; send the request again once it is back."

    # --- the worker -----------------------------------------------------------------------

    def _work(self) -> None:
        self._set_state("loading")
        try:
            if self._load():
                while (jobs := self._next_round()) is not None:
                    self._run_round(jobs)
        finally:
            if self.pipeline.memory is not None:
                self.pipeline.memory.close()

    def _load(self) -> bool:
        """Open the memory and load the models; on failure, refuse everything queued and say why."""
        try:
            # SQLite connections belong to the thread that opens them: the memory is opened here.
            self.pipeline.memory = memory_from_option(self.options.memory)
            self.pipeline.load_models()
            self._count_tokens = self.pipeline.translator.count_tokens
        except Exception as error:  # noqa: BLE001 - reported through /health and to every waiting request
            self.error = str(error) if isinstance(error, HandoutError) else f"{type(error).__name__}: {error}"
            with self._condition:
                if self.state != "closed":
                    self._set_state("failed", self.error)
                refused = list(self._pending)
                self._pending.clear()
            for job in refused:
                _fail(job, ServiceUnavailable(self._unavailable_message()))
            return False
        with self._condition:
            if self.state == "closed":
                return False
            self._set_state("ready", self.pipeline.translator.engine_description)
        return True

    def _next_round(self) -> list[_Job] | None:
        """Wait for work, give latecomers the collection window, then take up to the token budget."""
        options = self.options
        with self._condition:
            while not self._pending and self.state != "closed":
                self._condition.wait()
            if self.state == "closed":
                return None
            first = self._pending[0]
            # One client sending a request after another gets no company by waiting: its next request
            # comes only after this answer. Waiting would cost each of its requests the window.
            lone = len(self._pending) == 1 and first.submitted >= self._free_since and self._last_round_requests <= 1
            deadline = max(first.submitted, self._free_since) + (0.0 if lone else options.batch_window)
            # The window ends early once the budget is full, or once as many requests wait as the last
            # round answered (its clients are all back: nobody else is likely to come).
            while (
                self.state != "closed"
                and sum(j.tokens for j in self._pending) < options.batch_tokens
                and len(self._pending) < max(2, self._last_round_requests)
            ):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._condition.wait(left)
            jobs: list[_Job] = []
            tokens = 0
            while self._pending and (not jobs or tokens + self._pending[0].tokens <= options.batch_tokens):
                job = self._pending.popleft()
                tokens += job.tokens
                jobs.append(job)
        # A request that timed out while queued is dropped here, not translated.
        return [job for job in jobs if job.future.set_running_or_notify_cancel()]

    def _run_round(self, jobs: list[_Job]) -> None:
        if not jobs:
            return
        started = time.perf_counter()
        self._round = jobs
        try:
            self._translate(jobs)
        except _RoundAbandoned:
            log.info("round stopped: every request in it timed out or went away")
            for job in jobs:
                _fail(job, ServiceTimeout("The request was given up."))
            self.rounds_abandoned += 1
        except Exception:  # noqa: BLE001 - find the job that fails, so that only it fails
            if len(jobs) == 1:
                _fail(jobs[0], _worker_failure(jobs[0]))
            else:
                for job in jobs:
                    self._round = [job]
                    try:
                        self._translate([job])
                    except _RoundAbandoned:
                        _fail(job, ServiceTimeout("The request was given up."))
                    except Exception:  # noqa: BLE001
                        _fail(job, _worker_failure(job))
        finally:
            self._round = []
            self.round_progress = None
        seconds = time.perf_counter() - started
        self._round_seconds = 0.7 * self._round_seconds + 0.3 * seconds
        self._free_since = time.monotonic()
        self._last_round_requests = len(jobs)
        self.rounds += 1
        sentences = sum(len(d.all_sentences()) for job in jobs for d in job.documents)
        log.info("round %d: %d requests, %d sentences, %.2f s", self.rounds, len(jobs), sentences, seconds)

    def _translate(self, jobs: list[_Job]) -> None:
        documents = [d for job in jobs for d in job.documents]
        hits = self.pipeline.process_many(documents, [job.handout for job in jobs for _ in job.documents])
        self.sentences_reused += sum(hits)
        for job in jobs:
            if not job.future.done():
                job.future.set_result(job.documents)
            self.requests_done += 1
            self.sentences_done += sum(len(d.all_sentences()) for d in job.documents)


def _worker_failure(job: _Job) -> BaseException:
    # The request's text is not logged (it may be private); the traceback is.
    log.exception("a request of %d documents failed in the worker", len(job.documents))
    return RuntimeError("The translation failed inside the server; its log has the details.")


def _fail(job: _Job, error: BaseException) -> None:
    try:
        job.future.set_exception(error)
    except concurrent.futures.InvalidStateError:
        pass  # cancelled by its request's timeout meanwhile: nobody is waiting
