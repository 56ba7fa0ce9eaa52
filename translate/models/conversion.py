"""CTranslate2 conversion: turn a transformers model into a CTranslate2 model once, into a cache keyed by
source, revision and quantization, so that later runs load it in a second without torch.

A conversion is written to a temporary folder and renamed into place when complete, so a
half-written conversion (a crash, Ctrl-C, two processes at once) is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.cache import cache_root
from translate.errors import ConfigError, ModelLoadError
from translate.models.hub import is_available, load_failure_message, require_hub_connection
from translate.models.spec import ModelSpec, model_identity

# Files of a model folder that are weights; everything else (tokenizer, configs) is
# small and is copied next to the converted model.
_WEIGHT_SUFFIXES = (".bin", ".safetensors", ".h5", ".ot", ".msgpack", ".pt", ".pth", ".ckpt")
# What a hub snapshot needs for conversion: configs, tokenizer files and PyTorch weights.
_SNAPSHOT_PATTERNS = ["*.json", "*.txt", "*.spm", "*.model", "*.safetensors", "pytorch_model.bin"]
# The transformers files the converted model keeps: the tokenizer, and the configs that
# say how many positions the model has and how it generates.
HF_FOLDER = "hf"
MANIFEST = "manifest.json"
# Compute types a conversion may be stored in (ctranslate2's quantization names).
COMPUTE_TYPES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")


class ConversionError(ModelLoadError):
    """The model could not be converted (an architecture CTranslate2 lacks, or ctranslate2 missing)."""


@dataclass(frozen=True)
class ConvertedModel:
    """A CTranslate2 model folder in the cache, with the transformers files it came with."""

    path: Path
    compute_type: str
    source: str
    seconds: float = 0.0  # how long converting took (0 when it was already cached)

    @property
    def hf_path(self) -> Path:
        return self.path / HF_FOLDER


def ctranslate2_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("ctranslate2") is not None


def source_folder(spec: ModelSpec) -> tuple[Path, str]:
    """The local folder holding the model's files, and a string that identifies that exact version.

    Hub models are fetched into (or found in) the Hugging Face cache; the snapshot's commit
    hash is their version. Local folders are identified by path, file sizes and times, so a
    retrained folder is converted again.
    """
    if spec.local_path is not None:
        return spec.local_path, model_identity(spec)
    if not spec.hub_id:
        raise ModelLoadError(
            f"The {spec.kind} model '{spec.name}' has no hub id and its folder {spec.path} is missing."
        )
    from huggingface_hub import snapshot_download

    cached = is_available(spec)
    if not cached:
        require_hub_connection(spec)
    try:
        # A cached model is used as it is, without asking the hub for a newer commit:
        # pin 'revision' in models.yaml to move to another one.
        folder = Path(
            snapshot_download(
                spec.hub_id, revision=spec.revision, allow_patterns=_SNAPSHOT_PATTERNS, local_files_only=cached
            )
        )
    except Exception as error:  # huggingface_hub raises many kinds; all mean "not here"
        raise ModelLoadError(load_failure_message(spec, error)) from error
    # snapshots/<commit>/: the commit pins the version even when models.yaml does not.
    return folder, f"hub {spec.hub_id}@{folder.name}"


def converted_path(spec: ModelSpec, identity: str, compute_type: str) -> Path:
    import ctranslate2

    major = ctranslate2.__version__.split(".")[0]
    key = hashlib.sha256(f"{identity}|ctranslate2 {major}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^\w.-]+", "-", spec.name.strip("/")).strip("-")[-60:] or "model"
    return cache_root() / "ctranslate2" / f"{slug}-{key}" / compute_type


def find_converted(spec: ModelSpec, compute_type: str) -> ConvertedModel | None:
    """The cached conversion, if there is one, without converting or downloading anything."""
    if not ctranslate2_installed() or (spec.local_path is None and not is_available(spec)):
        return None
    _, identity = source_folder(spec)
    path = converted_path(spec, identity, compute_type)
    if (path / MANIFEST).is_file():
        return ConvertedModel(path, compute_type, identity)
    return None


class _Converter:
    """ctranslate2's TransformersConverter with a fix for transformers 5 configs."""

    def __new__(cls, folder: str) -> Any:
        from ctranslate2.converters import TransformersConverter

        class Converter(TransformersConverter):  # type: ignore[misc]
            def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
                model = super().load_model(model_class, model_name_or_path, **kwargs)
                # transformers 5 dropped BartConfig.normalize_before (always False for BART);
                # ctranslate2's BART loader still reads it.
                if not hasattr(model.config, "normalize_before"):
                    model.config.normalize_before = False
                return model

        return Converter(folder)


def convert(
    spec: ModelSpec, compute_type: str = "int8", force: bool = False, on_convert: Callable[[], None] | None = None
) -> ConvertedModel:
    """Convert the model to CTranslate2 (once; later calls return the cached folder).

    ``on_convert`` is called when a conversion really starts (it takes seconds to a minute).
    """
    if compute_type not in COMPUTE_TYPES:
        raise ConfigError(f"Unknown compute type '{compute_type}': use one of {', '.join(COMPUTE_TYPES)}.")
    if not ctranslate2_installed():
        raise ConversionError(
            "CTranslate2 is not installed (it has wheels for Linux x86_64/aarch64, macOS arm64 and "
            "Windows x86_64): pip install ctranslate2, or use --backend torch."
        )
    folder, identity = source_folder(spec)
    target = converted_path(spec, identity, compute_type)
    if (target / MANIFEST).is_file() and not force:
        return ConvertedModel(target, compute_type, identity)
    if on_convert:
        on_convert()
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    try:
        _convert_into(folder, scratch, compute_type)
        (scratch / MANIFEST).write_text(
            json.dumps(
                {
                    "model": spec.name,
                    "source": identity,
                    "compute_type": compute_type,
                    "ctranslate2": _ctranslate2_version(),
                    "converted": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        _move_into_place(scratch, target, force)
    except ModelLoadError:
        raise
    except Exception as error:
        raise ConversionError(
            f"Could not convert the {spec.kind} model '{spec.name}' to CTranslate2: {type(error).__name__}: {error}."
        ) from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return ConvertedModel(target, compute_type, identity, seconds=time.perf_counter() - started)


def _ctranslate2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def _convert_into(folder: Path, scratch: Path, compute_type: str) -> None:
    model_folder = scratch / "model"
    _Converter(str(folder)).convert(str(model_folder), quantization=compute_type, force=True)
    for item in model_folder.iterdir():
        item.rename(scratch / item.name)
    model_folder.rmdir()
    hf = scratch / HF_FOLDER
    hf.mkdir()
    for item in folder.iterdir():
        if item.is_file() and not item.name.endswith(_WEIGHT_SUFFIXES):
            shutil.copy2(item, hf / item.name)
    if not (hf / "generation_config.json").is_file():
        # Older checkpoints keep their generation settings in config.json only.
        from transformers import AutoConfig, GenerationConfig

        GenerationConfig.from_model_config(AutoConfig.from_pretrained(hf)).save_pretrained(hf)


def _move_into_place(scratch: Path, target: Path, force: bool) -> None:
    if force and target.exists():
        stale = target.with_name(f".stale-{target.name}-{os.getpid()}")
        target.rename(stale)
        shutil.rmtree(stale, ignore_errors=True)
    try:
        scratch.rename(target)
    except OSError:
        # Another process finished the same conversion first; theirs is as good as ours.
        if not (target / MANIFEST).is_file():
            raise


def describe(converted: ConvertedModel) -> str:
    size = sum(p.stat().st_size for p in converted.path.rglob("*") if p.is_file())
    return f"{converted.path} ({converted.compute_type}, {size / 1e6:.0f} MB)"
