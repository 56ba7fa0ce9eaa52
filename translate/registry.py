"""The model registry: models.yaml entries, name resolution, availability, and loading.

A name is resolved in this order: a key or alias in models.yaml, an existing local
folder, a Hugging Face hub id ("owner/name").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from translate.errors import ConfigError, ModelLoadError
from translate.fidelity import Glossary, glossary_from_config

Kind = Literal["translation", "summarization"]

# Summarizer names that need no model at all.
EXTRACTIVE = "extractive"
NO_SUMMARY = "none"

# How a model runs: auto picks CTranslate2 when it is installed and the model converts.
BACKENDS = ("auto", "torch", "ctranslate2")

_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


@dataclass(frozen=True)
class ModelSpec:
    """Where one model comes from and how to run it."""

    name: str
    kind: Kind
    hub_id: str | None = None
    revision: str | None = None
    path: Path | None = None
    generation: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    aliases: tuple[str, ...] = ()
    backend: str | None = None  # auto, torch or ctranslate2; None: whatever the run asks for
    compute_type: str | None = None  # CTranslate2 quantization for this model; None: the run's

    @property
    def local_path(self) -> Path | None:
        """The local folder to load from, if there is one."""
        return self.path if self.path is not None and self.path.is_dir() else None

    @property
    def location(self) -> str:
        """What from_pretrained is given: a local folder or a hub id."""
        if self.local_path is not None:
            return str(self.local_path)
        if self.hub_id:
            return self.hub_id
        return str(self.path)


def model_identity(spec: ModelSpec) -> str:
    """What identifies the exact weights: a hub id and revision, or a folder and its files' sizes and times.

    Used to key converted models and the translation memory, so that a retrained folder or a
    new revision is never mistaken for the old one.
    """
    import hashlib

    if spec.local_path is not None:
        files = sorted(p for p in spec.local_path.iterdir() if p.is_file())
        fingerprint = hashlib.sha256(
            "\n".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files).encode()
        ).hexdigest()[:16]
        return f"folder {spec.local_path} ({fingerprint})"
    return f"hub {spec.hub_id}@{spec.revision or 'main'}"


def default_config_path() -> Path:
    """models.yaml: $HANDOUT_MODELS_CONFIG, else the copy shipped with the package or beside it."""
    if env := os.environ.get("HANDOUT_MODELS_CONFIG"):
        return Path(env)
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "models.yaml", package_dir.parent / "models.yaml"):
        if candidate.is_file():
            return candidate
    return package_dir.parent / "models.yaml"


@dataclass
class Registry:
    path: Path
    models: dict[Kind, dict[str, ModelSpec]]
    defaults: dict[Kind, str]
    glossary: Glossary = field(default_factory=Glossary)

    def entries(self, kind: Kind) -> list[ModelSpec]:
        return list(self.models[kind].values())

    def lookup(self, name: str, kind: Kind) -> ModelSpec | None:
        """A registry entry by key or alias."""
        for spec in self.models[kind].values():
            if name == spec.name or name in spec.aliases:
                return spec
        return None

    def resolve(self, name: str | None, kind: Kind) -> ModelSpec:
        """Turn a key, alias, folder or hub id (None: the default) into a ModelSpec."""
        name = name or self.defaults[kind]
        if spec := self.lookup(name, kind):
            return spec
        folder = Path(name).expanduser()
        if folder.is_dir():
            return ModelSpec(name=str(folder), kind=kind, path=folder.resolve())
        if _HUB_ID.match(name) and not folder.exists():
            return ModelSpec(name=name, kind=kind, hub_id=name)
        known = ", ".join(sorted(self.models[kind])) or "(none)"
        raise ConfigError(
            f"Unknown {kind} model '{name}': it is not a name in {self.path} (known: {known}), "
            "not an existing folder, and not a Hugging Face id like 'owner/name'."
        )


def _parse_spec(name: str, kind: Kind, raw: Any, base: Path, config: Path) -> ModelSpec:
    if isinstance(raw, str):
        raw = {"hub_id": raw}
    if not isinstance(raw, dict) or not (raw.get("hub_id") or raw.get("path")):
        raise ConfigError(
            f"{config}: {kind} model '{name}' needs a 'hub_id' or a 'path' (see the comments "
            "at the top of the models.yaml shipped with the tool)."
        )
    path = raw.get("path")
    generation = raw.get("generation") or {}
    if not isinstance(generation, dict):
        raise ConfigError(f"{config}: 'generation' of {kind} model '{name}' must be a mapping.")
    aliases = raw.get("aliases") or []
    backend = raw.get("backend")
    if backend is not None and backend not in BACKENDS:
        raise ConfigError(f"{config}: 'backend' of {kind} model '{name}' must be one of {', '.join(BACKENDS)}.")
    return ModelSpec(
        name=name,
        kind=kind,
        hub_id=raw.get("hub_id"),
        revision=str(raw["revision"]) if raw.get("revision") else None,
        path=(base / Path(path).expanduser()).resolve() if path else None,
        generation=dict(generation),
        description=str(raw.get("description") or ""),
        aliases=tuple(str(a) for a in aliases),
        backend=backend,
        compute_type=str(raw["compute_type"]) if raw.get("compute_type") else None,
    )


def load_registry(path: str | Path | None = None) -> Registry:
    """Read models.yaml (the default one when path is None)."""
    import yaml

    config = Path(path) if path else default_config_path()
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"Model config {config} does not exist.") from None
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"Model config {config} could not be read: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"Model config {config} must be a mapping with 'translation' and 'summarization'.")
    models: dict[Kind, dict[str, ModelSpec]] = {}
    defaults: dict[Kind, str] = {}
    kind: Kind
    for kind in ("translation", "summarization"):
        section = data.get(kind) or {}
        if not isinstance(section, dict):
            raise ConfigError(f"{config}: '{kind}' must be a mapping with 'default' and 'models'.")
        entries = section.get("models") or {}
        models[kind] = {
            str(name): _parse_spec(str(name), kind, raw, config.parent, config) for name, raw in entries.items()
        }
        default = section.get("default")
        if default is None and kind == "translation":
            raise ConfigError(f"{config}: 'translation' needs a 'default' model.")
        defaults[kind] = str(default) if default is not None else NO_SUMMARY
    glossary = glossary_from_config(data.get("glossary"), config.parent, str(config))
    return Registry(path=config, models=models, defaults=defaults, glossary=glossary)


def availability(spec: ModelSpec) -> str:
    """Say whether a model can be loaded here without the network."""
    if spec.local_path is not None:
        return f"local folder {spec.local_path}"
    if not spec.hub_id:
        return f"missing: folder {spec.path} does not exist"
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(spec.hub_id, "config.json", revision=spec.revision)
    if isinstance(cached, str):
        return "downloaded (Hugging Face cache)"
    return "not downloaded: fetched on first use (needs the network once)"


def is_available(spec: ModelSpec) -> bool:
    status = availability(spec)
    return status.startswith(("local folder", "downloaded"))


def load_seq2seq(spec: ModelSpec, device: str) -> tuple[Any, Any]:
    """Load tokenizer and model with AutoModelForSeq2SeqLM, turning every failure into ModelLoadError."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if spec.local_path is None and not is_available(spec):
        require_hub_connection(spec)
    kwargs: dict[str, Any] = {}
    if spec.local_path is None and spec.revision:
        kwargs["revision"] = spec.revision
    try:
        tokenizer = AutoTokenizer.from_pretrained(spec.location, **kwargs)
        model = AutoModelForSeq2SeqLM.from_pretrained(spec.location, **kwargs)
    except Exception as error:  # transformers raises OSError, ValueError, HF errors, ...
        raise ModelLoadError(load_failure_message(spec, error)) from error
    model.to(device)
    model.eval()
    return tokenizer, model


def _offline_requested() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def require_hub_connection(spec: ModelSpec) -> None:
    """Fail in seconds when a model must be downloaded and the hub cannot be reached.

    Without this, huggingface_hub retries for about 45 seconds and prints each retry.
    """
    if _offline_requested() or any(
        os.environ.get(name) for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
    ):
        return  # offline: from_pretrained fails at once; behind a proxy we cannot probe directly
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    host = urlparse(constants.ENDPOINT).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as error:
        raise ModelLoadError(load_failure_message(spec, error, no_network=True)) from error


def load_failure_message(spec: ModelSpec, error: Exception, no_network: bool = False) -> str:
    detail = str(error).strip().splitlines()[0].rstrip(".") if str(error).strip() else type(error).__name__
    if no_network:
        detail = f"it is not downloaded yet and the Hugging Face hub cannot be reached ({detail})"
    if spec.local_path is not None or (spec.path is not None and not spec.hub_id):
        return (
            f"Could not load the {spec.kind} model '{spec.name}' from the folder {spec.location}: "
            f"{detail}. The folder must hold a transformers model (config.json, weights, tokenizer files)."
        )
    how = (
        "HF_HUB_OFFLINE is set, so only models already in the Hugging Face cache can be used; "
        "unset it for one run with the network to download the model"
        if _offline_requested()
        else "the first run needs the network to download it (about 300 MB for opus-mt); "
        "after that it is cached and HF_HUB_OFFLINE=1 works"
    )
    if spec.kind == "summarization":
        how += "; or use --summarizer extractive, which needs no model"
    return (
        f"Could not load the {spec.kind} model '{spec.name}' (Hugging Face id {spec.hub_id}"
        f"{', revision ' + spec.revision if spec.revision else ''}): {detail}. "
        f"Check the name for typos; {how}. To work fully offline, download the model folder "
        "elsewhere and pass it with --model PATH (or --summarizer PATH), or set 'path:' for it in models.yaml."
    )
