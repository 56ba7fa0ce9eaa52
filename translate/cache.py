"""The tool's per-user cache folder, where converted models and the translation memory live."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """$HANDOUT_CACHE_DIR, else the user's cache folder (platformdirs: Linux, macOS and Windows)."""
    if env := os.environ.get("HANDOUT_CACHE_DIR"):
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("sv2en-handout"))
