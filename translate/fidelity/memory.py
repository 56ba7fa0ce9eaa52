"""Translation memory: a SQLite cache of finished sentence translations, keyed by everything that decides them.

A key is the normalized source sentence plus a settings fingerprint: the model and its
version, the engine's precision, beams and generation settings, the glossary, and the
version of the fidelity rules. What is stored is the final translation and its flags,
after protected spans and glossary terms were restored and the guard had its say, so a
hit is exactly what translating again would give.

Several processes may share one file: it runs in WAL mode with a busy timeout, and each
batch of new entries is one transaction (INSERT OR IGNORE), so a crash or SIGKILL loses
at most the entries of the batch in flight and never corrupts the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from translate.errors import ConfigError
from translate.options import MemoryOptions
from translate.text.blocks import squash_whitespace

# Bump when masking, restoring or the guard change what a sentence's final translation is.
FIDELITY_VERSION = 2  # 2: numbers checked instead of masked (issue 14)
FILE_NAME = "translation-memory.sqlite3"
# The settings key of translations a person wrote (`translate memory import`): they hold for
# every model and setting, and win over the model's own.
HUMAN = "human"


def default_memory_path() -> Path:
    """$HANDOUT_CACHE_DIR/translation-memory.sqlite3, else the same in the user's cache folder."""
    from translate.cache import cache_root

    return cache_root() / FILE_NAME


def settings_fingerprint(settings: dict[str, Any]) -> str:
    """A short stable digest of the settings a translation depends on."""
    settings = dict(settings, fidelity=FIDELITY_VERSION)
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:32]


def normalize_source(sentence: str) -> str:
    """The form a sentence is looked up by: whitespace runs count as one space."""
    return squash_whitespace(sentence).strip()


class TranslationMemory:
    """Finished translations by (settings fingerprint, normalized source)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are explicit, below.
            self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            self._db.execute("PRAGMA synchronous=NORMAL")
            _retry_while_locked(
                lambda: self._db.execute(
                    "CREATE TABLE IF NOT EXISTS memory ("
                    " settings TEXT NOT NULL, source TEXT NOT NULL, translation TEXT NOT NULL,"
                    " flags TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (settings, source)"
                    ") WITHOUT ROWID"
                )
            )
        except sqlite3.Error as error:
            raise ConfigError(
                f"The translation memory {self.path} cannot be used: {error}. "
                "Point --memory at another file, or run with --no-memory."
            ) from error

    def lookup(self, settings: str, sources: list[str]) -> dict[str, tuple[str, list[str]]]:
        """Stored (translation, flags) for the sources that have one, by normalized source."""
        found: dict[str, tuple[str, list[str]]] = {}
        keys = sorted({normalize_source(s) for s in sources})
        # SQLite limits the number of parameters per statement; stay well under it.
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT source, translation, flags FROM memory WHERE settings = ? AND source IN "
                f"({','.join('?' * len(chunk))})",
                [settings, *chunk],
            )
            for source, translation, flags in rows:
                found[source] = (translation, json.loads(flags))
        return found

    def store(self, settings: str, entries: list[tuple[str, str, list[str]]]) -> None:
        """Add (source, translation, flags) entries in one transaction; existing ones are kept."""
        if not entries:
            return
        now = time.time()
        rows = [(settings, normalize_source(s), t, json.dumps(f), now) for s, t, f in entries]
        self._write("INSERT OR IGNORE", rows)

    def store_human(self, pairs: list[tuple[str, str]]) -> int:
        """Add or replace (source, corrected translation) pairs a person wrote; returns how many were new or changed."""
        if not pairs:
            return 0
        known = self.lookup(HUMAN, [source for source, _ in pairs])
        changed = [(s, t) for s, t in pairs if known.get(normalize_source(s), (None,))[0] != t]
        now = time.time()
        # The latest correction of a sentence is the one that holds.
        self._write("INSERT OR REPLACE", [(HUMAN, normalize_source(s), t, "[]", now) for s, t in changed])
        return len(changed)

    def _write(self, verb: str, rows: list[tuple[str, str, str, str, float]]) -> None:
        """Rows in one transaction: all of them or, after a crash, none."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(f"{verb} INTO memory VALUES (?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM memory").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def _retry_while_locked(statement: Callable[[], object], seconds: float = 60.0) -> None:
    """Run a statement that SQLite may refuse at once while another process creates the same file.

    Switching to WAL needs a moment of exclusive access, and SQLite answers "database is
    locked" without waiting for it; everything else waits through the busy timeout.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def memory_from_option(options: MemoryOptions) -> TranslationMemory | None:
    """--memory PATH / --no-memory as a TranslationMemory (the default file when no path)."""
    if not options.enabled:
        return None
    path = options.path
    return TranslationMemory(Path(os.path.expanduser(str(path))) if path else default_memory_path())
