"""The model registry: models.yaml read into named, aliased ModelSpecs, and any name resolved to one.

A name is resolved in this order: a key or alias in models.yaml, an existing local
folder, a Hugging Face hub id ("owner/name"). The registry is data: it loads no model and
asks no network (models/hub.py does that).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import ConfigError
from translate.models.engines import backend_names
from translate.models.spec import Kind, ModelSpec

# Summarizer names that need no model at all.
EXTRACTIVE = "extractive"
NO_SUMMARY = "none"

_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def default_config_path() -> Path:
    """models.yaml: $HANDOUT_MODELS_CONFIG, else the copy shipped with the package or beside it."""
    if env := os.environ.get("HANDOUT_MODELS_CONFIG"):
        return Path(env)
    package_dir = Path(__file__).resolve().parents[1]  # translate/, where the wheel puts models.yaml
    for candidate in (package_dir / "models.yaml", package_dir.parent / "models.yaml"):
        if candidate.is_file():
            return candidate
    return package_dir.parent / "models.yaml"


@dataclass
class Registry:
    path: Path
    models: dict[Kind, dict[str, ModelSpec]]
    defaults: dict[Kind, str]
    # models.yaml's `glossary:` as written (a mapping, a list of names or a TSV path beside the
    # file); the fidelity layer reads it (fidelity/glossary.py: glossary_from_config).
    glossary: Any = None

    def entries(self, kind: Kind) -> list[ModelSpec]:
        return list(self.models[kind].values())

    def lookup(self, name: str, kind: Kind) -> ModelSpec | None:
        """A registry entry by key or alias."""
        for spec in self.models[kind].values():
            if name == spec.name or name in spec.aliases:
                return spec
        return None

    def kind_of(self, name: str, kind: Kind | None = None) -> Kind:
        """The kind asked for; else a name in models.yaml says its own, and anything else is a translation model."""
        if kind is not None:
            return kind
        if self.lookup(name, "summarization") is not None and self.lookup(name, "translation") is None:
            return "summarization"
        return "translation"

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
    if backend is not None and backend not in backend_names():
        raise ConfigError(f"{config}: 'backend' of {kind} model '{name}' must be one of {', '.join(backend_names())}.")
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
    return Registry(path=config, models=models, defaults=defaults, glossary=data.get("glossary"))
