"""Engines: run batches of token ids through a seq2seq model with torch (transformers), CTranslate2, or any
backend registered here.

Every engine takes and returns token ids and accepts transformers-style generation settings
(num_beams, max_new_tokens, no_repeat_ngram_size, ...), so everything above it (splitting,
batching, decoding, the guard) is the same whichever engine runs. Backends are a registry
held as data: register_backend(name, loader) adds one, and models.yaml's `backend:`, the
EngineOptions and the CLI's --backend then accept its name (the tests register a fake one).
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from translate.errors import ConfigError, ModelLoadError
from translate.models.spec import ModelSpec
from translate.options import EngineOptions


class Engine(Protocol):
    backend: str
    device: str
    config: dict[str, Any]  # the transformers config.json
    generation_defaults: dict[str, Any]  # the model's generation_config.json

    def describe(self) -> str: ...

    def output_settings(self) -> dict[str, Any]:
        """What about this engine can change a translation (not threads: they change only speed)."""
        ...

    def generate(self, inputs: list[list[int]], settings: dict[str, Any]) -> list[list[int]]:
        """Output ids per input (the decoder start token left out, end-of-sentence kept)."""
        ...

    def generate_batches(self, requests: list[Batch]) -> Iterator[tuple[int, list[list[int]]]]:
        """generate() for each (inputs, settings) batch, as (its position in requests, its outputs) when it is done.

        An engine may run batches concurrently and yield them as they finish, in any order (progress moves with
        the work, not with the slowest batch)."""
        ...


# One batch for an engine: token ids per input, and transformers-style generation settings.
Batch = tuple[list[list[int]], dict[str, Any]]


def available_cores() -> int:
    """Cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class TorchEngine:
    """transformers' generate(), optionally with int8 dynamic quantization of the Linear layers."""

    backend = "torch"

    def __init__(self, model: Any, pad_token_id: int, device: str, quantize: str | None, threads: int) -> None:
        import torch

        self.threads = threads
        if quantize == "int8":
            if device != "cpu":
                raise ConfigError("--quantize int8 is for the CPU; on CUDA use --backend ctranslate2 instead.")
            import warnings

            with warnings.catch_warnings():
                # torch announces that eager quantization moves to torchao one day; it works today,
                # and the warning would only confuse a user who asked for --quantize.
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", UserWarning)
                try:
                    from torch.ao.quantization import quantize_dynamic
                except ImportError as error:
                    raise ConfigError(
                        "This torch has no dynamic quantization any more; use --backend ctranslate2 for int8."
                    ) from error
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        elif quantize is not None:
            raise ConfigError(f"Unknown --quantize '{quantize}': the torch backend knows only int8.")
        self.model = model
        self.device = device
        self.quantize = quantize
        self.pad_token_id = pad_token_id
        self.config = model.config.to_dict()
        self.generation_defaults = model.generation_config.to_dict()

    def describe(self) -> str:
        return f"torch {'int8 (dynamic)' if self.quantize else 'float32'} on {self.device}"

    def output_settings(self) -> dict[str, Any]:
        return {"backend": self.backend, "device": self.device, "quantize": self.quantize}

    def generate(self, inputs: list[list[int]], settings: dict[str, Any]) -> list[list[int]]:
        import torch

        width = max(len(ids) for ids in inputs)
        input_ids = torch.full((len(inputs), width), self.pad_token_id, dtype=torch.long)
        attention_mask = torch.zeros((len(inputs), width), dtype=torch.long)
        for row, ids in enumerate(inputs):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        with torch.inference_mode(), _torch_threads(self.threads):
            generated = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=attention_mask.to(self.device), **settings
            )
        # The first position is the decoder start token; padding fills rows that ended early.
        return [[t for t in row if t != self.pad_token_id] for row in generated[:, 1:].tolist()]

    def generate_batches(self, requests: list[Batch]) -> Iterator[tuple[int, list[list[int]]]]:
        for position, (inputs, settings) in enumerate(requests):
            yield position, self.generate(inputs, settings)


@contextmanager
def _torch_threads(threads: int) -> Iterator[None]:
    """torch's thread count is the whole process's: set for the call only, so that loading a model changes nothing
    for the rest of the program."""
    if not threads:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class CTranslate2Engine:
    """A converted model run by ctranslate2.Translator, with transformers settings mapped onto it."""

    backend = "ctranslate2"

    def __init__(self, folder: Path, tokenizer: Any, device: str, compute_type: str, threads: int, shortlist: bool):
        import ctranslate2

        hf = folder / "hf"
        self.config = json.loads((hf / "config.json").read_text(encoding="utf-8"))
        self.generation_defaults = json.loads((hf / "generation_config.json").read_text(encoding="utf-8"))
        self.tokenizer = tokenizer
        self.device = device
        self.compute_type = compute_type
        if shortlist and not (folder / "vmap.txt").is_file():
            raise ConfigError(
                f"--shortlist needs a vocabulary map, and {folder} has none: "
                "build one with 'translate models shortlist NAME' first."
            )
        self.shortlist = shortlist
        self.inter_threads, self.intra_threads = thread_layout(threads or available_cores())
        self.translator = ctranslate2.Translator(
            str(folder),
            device=device,
            compute_type=compute_type,
            inter_threads=self.inter_threads if device == "cpu" else 1,
            intra_threads=self.intra_threads if device == "cpu" else 0,
        )

    @property
    def parallel_batches(self) -> int:
        """How many batches it runs at once: one per worker on the CPU."""
        return self.inter_threads if self.device == "cpu" else 1

    def describe(self) -> str:
        threads = f", {self.inter_threads}x{self.intra_threads} threads" if self.device == "cpu" else ""
        shortlist = ", vocabulary shortlist" if self.shortlist else ""
        return f"ctranslate2 {self.compute_type} on {self.device}{threads}{shortlist}"

    def output_settings(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "device": self.device,
            "compute_type": self.compute_type,
            "shortlist": self.shortlist,
        }

    def _prefix(self, settings: dict[str, Any], rows: int) -> list[list[str]] | None:
        # BART forces <s> as its first output token; ctranslate2 takes that as a target prefix.
        forced_bos = {**self.generation_defaults, **settings}.get("forced_bos_token_id")
        if forced_bos is None:
            return None
        return [[self.tokenizer.convert_ids_to_tokens(int(forced_bos))]] * rows

    def _decoding(self, settings: dict[str, Any]) -> dict[str, Any]:
        merged = {**self.generation_defaults, **settings}
        if settings.get("max_new_tokens"):
            max_length = int(settings["max_new_tokens"])
        else:
            # transformers' max_length counts the decoder start token; ctranslate2's does not.
            max_length = max(1, int(merged.get("max_length") or 256) - 1)
        if merged.get("forced_eos_token_id") is not None:
            # transformers spends the last allowed step on a forced </s>; ctranslate2 would
            # spend it on one more word, so the two would not agree at the cap.
            max_length = max(1, max_length - 1)
        min_length = int(merged.get("min_length") or 0)
        return {
            "beam_size": int(merged.get("num_beams") or 1),
            "length_penalty": float(merged.get("length_penalty") or 1.0),
            "repetition_penalty": float(merged.get("repetition_penalty") or 1.0),
            "no_repeat_ngram_size": int(merged.get("no_repeat_ngram_size") or 0),
            "max_decoding_length": max_length,
            "min_decoding_length": max(1, min_length - 1),
            # ctranslate2 truncates inputs at 1024 tokens unless told not to; the generator
            # already keeps every input inside the model's positions.
            "max_input_length": 0,
            "return_end_token": True,
            "use_vmap": self.shortlist,
        }

    def generate(self, inputs: list[list[int]], settings: dict[str, Any]) -> list[list[int]]:
        return next(self.generate_batches([(inputs, settings)]))[1]

    def _submit(self, inputs: list[list[int]], settings: dict[str, Any]) -> list[Any]:
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in inputs]
        return list(
            self.translator.translate_batch(
                tokens, self._prefix(settings, len(tokens)), asynchronous=True, **self._decoding(settings)
            )
        )

    def generate_batches(self, requests: list[Batch]) -> Iterator[tuple[int, list[list[int]]]]:
        # One batch per worker is submitted at a time, the next as soon as one is done: a caller that stops
        # early (a request given up on, Ctrl-C) leaves at most one batch per worker running, not the plan queued.
        window = self.parallel_batches
        queued = ((position, self._submit(inputs, settings)) for position, (inputs, settings) in enumerate(requests))
        for position, results in _as_finished(queued, window):
            yield position, [self.tokenizer.convert_tokens_to_ids(r.result().hypotheses[0]) for r in results]


# How often the caller's wait wakes up to let Ctrl-C in: it is told at once when a batch is done.
_WAKE_SECONDS = 0.1


def _as_finished(queued: Iterator[tuple[int, list[Any]]], window: int) -> Iterator[tuple[int, list[Any]]]:
    """Each batch of asynchronous results once all of them are done, in the order they finish, with at most
    ``window`` batches submitted and unfinished at a time (``queued`` submits one each time it is advanced).

    A helper thread per batch in flight blocks in its results' result() (CTranslate2 releases the GIL
    there) and says when they are done, so the next batch goes in at once: polling every 20 ms
    left a worker idle for 10 ms a batch on average, 5% of a two-sentence request. The caller
    itself waits in short, interruptible waits: a thread blocked inside native code sees no
    KeyboardInterrupt until its whole batch is done (seconds on a long one).
    """
    finished: queue.SimpleQueue[int] = queue.SimpleQueue()
    pending: dict[int, list[Any]] = {}

    def watch(position: int, results: list[Any]) -> None:
        def wait() -> None:
            for result in results:
                try:
                    result.result()
                except BaseException:  # noqa: BLE001 - raised again where the caller reads the result
                    pass
            finished.put(position)

        pending[position] = results
        threading.Thread(target=wait, name="ctranslate2-batch", daemon=True).start()

    for position, results in queued:
        watch(position, results)
        if len(pending) >= window:
            break
    while pending:
        try:
            position = finished.get(timeout=_WAKE_SECONDS)
        except queue.Empty:
            continue
        yield position, pending.pop(position)
        following = next(queued, None)
        if following is not None:
            watch(*following)


def thread_layout(threads: int) -> tuple[int, int]:
    """(inter_threads, intra_threads) for CTranslate2 on the CPU, their product at most ``threads``.

    Two workers each running a batch on half the cores beat one worker using all of them:
    the matrices of one small batch are too small to split well across cores (on 2 cores,
    2x1 decoded 1.4x faster than 1x2 in benchmarks/speed.py).
    """
    inter = 2 if threads >= 2 else 1
    return inter, max(1, threads // inter)


def resolve_device(device: str, backend: str) -> str:
    """'auto' means CUDA when the backend sees a GPU, else the CPU."""
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"Unknown device '{device}': use auto, cpu or cuda.")
    if device == "cpu":
        return device
    if backend == "ctranslate2":
        import ctranslate2

        has_gpu = ctranslate2.get_cuda_device_count() > 0
    else:
        import torch

        has_gpu = torch.cuda.is_available()
    if device == "cuda" and not has_gpu:
        raise ConfigError(f"--device cuda was asked for, but {backend} sees no CUDA GPU here. Use --device cpu.")
    return "cuda" if has_gpu else "cpu"


# A backend's loader: (spec, options, on_convert) -> (tokenizer, engine). It may raise
# ConversionError to say the model cannot run on it; 'auto' then falls back to torch.
BackendLoader = Callable[[ModelSpec, EngineOptions, "Callable[[], None] | None"], "tuple[Any, Engine]"]
_BACKENDS: dict[str, BackendLoader] = {}


def register_backend(name: str, loader: BackendLoader) -> None:
    """Make a backend available by name (to EngineOptions.backend, models.yaml and --backend)."""
    if name == "auto":
        raise ValueError("'auto' is not a backend but the choice between them.")
    _BACKENDS[name] = loader


def backend_names() -> tuple[str, ...]:
    """'auto' and every registered backend."""
    return ("auto", *_BACKENDS)


def choose_backend(spec: ModelSpec, options: EngineOptions) -> str:
    """The backend the options and models.yaml ask for; 'auto' is decided at load time."""
    backend = options.backend or spec.backend or "auto"
    if backend not in backend_names():
        raise ConfigError(f"Unknown backend '{backend}': use {', '.join(backend_names())}.")
    if options.quantize and backend == "ctranslate2":
        raise ConfigError("--quantize is for the torch backend; CTranslate2 quantizes with --compute-type.")
    if backend == "auto":
        from translate.models.conversion import ctranslate2_installed

        # --quantize int8 asks for int8 on the CPU: CTranslate2's int8 gives it, about 20x faster
        # than torch's dynamic quantization (load_engine says so); --backend torch forces torch's.
        backend = "ctranslate2" if ctranslate2_installed() else "torch"
    return backend


QUANTIZE_NOTE = (
    "--quantize int8 with --backend auto runs CTranslate2's int8 (--compute-type int8), which is much faster than "
    "torch's dynamic quantization; add --backend torch for torch's."
)


def default_compute_type(device: str) -> str:
    return "int8" if device == "cpu" else "float16"


def load_engine(
    spec: ModelSpec, options: EngineOptions, on_convert: Callable[[], None] | None = None
) -> tuple[Any, Engine, str | None]:
    """Tokenizer and engine for a model, and a note when 'auto' had to fall back to torch.

    ``on_convert`` is called when the model is about to be converted to CTranslate2 (first use only).
    """
    from translate.models.conversion import ConversionError

    backend = choose_backend(spec, options)
    asked = options.backend or spec.backend
    quantize_note = QUANTIZE_NOTE if backend == "ctranslate2" and options.quantize else None
    if quantize_note:
        options = dataclasses.replace(options, quantize=None)
    try:
        return (*_BACKENDS[backend](spec, options, on_convert), quantize_note)
    except ConversionError as error:
        if asked not in (None, "auto"):
            raise ConversionError(f"{error} Use --backend torch to run it with transformers instead.") from error
        note = f"{error} Using the torch backend."
    return (*_BACKENDS["torch"](spec, options, on_convert), note)


def _load_torch(
    spec: ModelSpec, options: EngineOptions, on_convert: Callable[[], None] | None = None
) -> tuple[Any, Engine]:
    from translate.models.hub import load_seq2seq

    if options.shortlist:
        raise ConfigError("--shortlist needs the CTranslate2 backend.")
    device = resolve_device(options.device, "torch")
    tokenizer, model = load_seq2seq(spec, device)
    return tokenizer, TorchEngine(model, tokenizer.pad_token_id, device, options.quantize, options.threads)


def _load_ctranslate2(
    spec: ModelSpec, options: EngineOptions, on_convert: Callable[[], None] | None
) -> tuple[Any, Engine]:
    from translate.models.conversion import convert

    device = resolve_device(options.device, "ctranslate2")
    compute_type = options.compute_type or spec.compute_type or default_compute_type(device)
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(device)
    if compute_type not in supported:
        raise ConfigError(
            f"Compute type '{compute_type}' is not supported on {device} here; "
            f"this machine supports {', '.join(sorted(supported))}."
        )
    converted = convert(spec, compute_type, on_convert=on_convert)
    tokenizer = load_tokenizer(converted.hf_path)
    try:
        engine = CTranslate2Engine(converted.path, tokenizer, device, compute_type, options.threads, options.shortlist)
    except (RuntimeError, ValueError) as error:
        raise ModelLoadError(f"CTranslate2 could not load {converted.path}: {error}") from error
    return tokenizer, engine


def load_tokenizer(folder: Path) -> Any:
    """The saved tokenizer, by the class its config names: AutoTokenizer would import torch."""
    import transformers

    config_file = folder / "tokenizer_config.json"
    name = json.loads(config_file.read_text(encoding="utf-8")).get("tokenizer_class") if config_file.is_file() else None
    tokenizer_class = getattr(transformers, name, None) if name else None
    if tokenizer_class is None:
        tokenizer_class = transformers.AutoTokenizer
    return tokenizer_class.from_pretrained(str(folder))


register_backend("torch", _load_torch)
register_backend("ctranslate2", _load_ctranslate2)
