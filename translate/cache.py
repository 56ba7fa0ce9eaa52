"""The tool's per-user cache folder, where converted models and the translation memory live."""

from __future__ import annotations

import os
from pathlib import Path

from translate.errors import ConfigError


def cache_root() -> Path:
    """$HANDOUT_CACHE_DIR, else the user's cache folder (platformdirs: Linux, macOS and Windows)."""
    if env := os.environ.get("HANDOUT_CACHE_DIR"):
        root = Path(env).expanduser()
        if root.exists() and not root.is_dir():
            raise ConfigError(f"HANDOUT_CACHE_DIR={env} is a file, not a folder: point it at a folder (or unset it).")
        return root
    import platformdirs

    return Path(platformdirs.user_cache_dir("sv2en-handout"))
