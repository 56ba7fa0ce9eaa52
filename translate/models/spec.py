"""What one model is: where its weights come from, how it generates, and what identifies that exact version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Kind = Literal["translation", "summarization"]


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
    backend: str | None = None  # auto, torch, ctranslate2 or a registered backend; None: the run's choice
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
