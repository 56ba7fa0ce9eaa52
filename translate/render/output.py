"""Output: where a handout goes by default, and writing it so a reader never sees half a file."""

from __future__ import annotations

import errno
import glob
import os
import re
import socket
import stat
import tempfile
import time
from pathlib import Path

from translate.errors import ConfigError, OutputError
from translate.render.formats import HANDOUT_FORMATS, handout_format
from translate.text.feeds import slug_of
from translate.text.fetching import is_url


def _process_umask() -> int:
    # os.umask can only be read by setting it; doing that once, at import, keeps it from racing
    # with other threads creating files.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _process_umask()

STDIO = "-"


def default_output_path(input_path: str | Path, fmt: str) -> Path:
    """post.txt -> post.handout.html, next to the post; https://blog.se/2024/min-post/ -> min-post.handout.html here."""
    return _beside(input_path, f".handout{handout_format(fmt).extension}")


def translated_copy_path(input_path: str | Path, extension: str) -> Path:
    """post.docx -> post.en.docx, next to the post; a post by URL -> min-post.en.html here."""
    return _beside(input_path, f".en{extension}")


def _beside(input_path: str | Path, suffix: str) -> Path:
    if is_url(str(input_path)):
        return Path(f"{slug_of(str(input_path))}{suffix}")
    path = Path(input_path)
    return path.with_name(f"{path.stem}{suffix}")


# Extensions a user may give -o besides each format's own (HANDOUT_FORMATS).
_EXTENSION_ALIASES = {".htm": "html", ".markdown": "md", ".xliff": "xliff", ".xlf": "xliff"}


def output_format(fmt: str | None, output: str | None) -> str:
    """The handout format: --format when given, else the one -o's extension names, else html.

    ``-o notes.docx`` writes a DOCX; ``-o notes.pdf -f md`` is a contradiction and refused
    before any work is done, rather than a PDF-named Markdown file.
    """
    by_extension = {info.extension: name for name, info in HANDOUT_FORMATS.items()} | _EXTENSION_ALIASES
    named = by_extension.get(Path(output).suffix.lower()) if output and output != STDIO else None
    if fmt is None:
        return named or "html"
    if named is not None and named != fmt:
        raise ConfigError(
            f"-o {output} names a {named} file but --format is {fmt}: drop --format, or give -o an extension "
            f"that matches ({handout_format(fmt).extension})."
        )
    return fmt


def resolve_output(input_path: str, output: str | None, fmt: str) -> Path | None:
    """Where the handout goes: a file, or None for standard output ("-", or input from stdin)."""
    if output is None:
        if input_path == STDIO:
            return None
        output = str(default_output_path(input_path, fmt))
    if output == STDIO:
        return None
    target = Path(output)
    if input_path != STDIO and not is_url(input_path) and _same_file(target, Path(input_path)):
        raise OutputError(f"Refusing to write the handout over its own input {input_path}; choose another -o.")
    if not _is_special(target):
        check_output_path(target)  # before the translation, not after it
    return target


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except (OSError, RuntimeError):  # a symlink loop: reading or writing it says so, with its exit code
        return False


def _is_special(path: Path) -> bool:
    """A device, FIFO or socket, written through rather than replaced."""
    try:
        return path.exists() and not stat.S_ISREG(path.stat().st_mode) and not path.is_dir()
    except OSError:
        return False


# A name longer than this does not fit in one directory entry on Linux, macOS and Windows file systems.
MAX_NAME_BYTES = 255
# The temporary file's name keeps this much of the target's (to say whose it is) and stays short
# enough for any target name that fits: writer pid and host are added, and mkstemp's random part.
_TEMP_NAME_CHARS = 40
_TEMP_FILE = re.compile(r"^\..*\.(\d+)@(.+)\.[^.]+\.tmp$")


def check_output_path(path: Path) -> None:
    """Refuse, before any work, a target whose name cannot exist or whose folder cannot be written."""
    if len(path.name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        raise OutputError(
            f"Cannot write {path.name[:60]}…: a file name may have at most {MAX_NAME_BYTES} bytes, "
            f"this one has {len(path.name.encode('utf-8', 'surrogateescape'))}."
        )
    if path.is_dir():
        raise OutputError(f"Cannot write the handout to {path}: it is a folder. Give a file name.")
    folder = _nearest_existing(path.parent)
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"Cannot write to {folder}: permission denied.")


def _nearest_existing(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate if candidate.is_dir() else None
    return None


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes so that a reader never sees half a file; returns where it was written.

    A regular file (or a new one) is written to a temporary file beside it and renamed into place.
    A device, a FIFO or a socket (`-o /dev/stdout`, a named pipe) is written through: renaming
    over it would replace the device node with a plain file. A symbolic link is followed: the
    file it points at is replaced, and the link stays a link. An existing file keeps its
    permissions; a read-only one is refused, not replaced.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = path.stat().st_mode if path.exists() else None  # through any links; a loop raises (ELOOP)
    except (OSError, RuntimeError) as error:
        raise OutputError(f"Cannot write to {path}: {_reason(error)}.") from error
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputError(f"Cannot write the handout to {path}: it is a folder. Give a file name.")
        return _write_through(path, data)  # /dev/stdout is a link to one of these: written through too
    try:
        target = path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError) as error:
        raise OutputError(f"Cannot write to {path}: {_reason(error)}.") from error
    # By its mode bits, not os.access: root may write anything, but a file made read-only is meant to stay.
    if mode is not None and (not mode & 0o222 or not os.access(target, os.W_OK)):
        raise OutputError(f"Refusing to replace {path}: it is read-only. Make it writable or choose another -o.")
    check_output_path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # The writer's pid and host are in the name, so a later run can tell a file left
        # by a killed process from one another process is still writing.
        owner = f"{os.getpid()}@{socket.gethostname()[:64]}"
        fd, temp = tempfile.mkstemp(
            prefix=f".{target.name[:_TEMP_NAME_CHARS]}.{owner}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise OutputError(f"Cannot write to {target.parent}: {_reason(error)}.") from error
    try:
        # mkstemp creates the file private (0600); a handout is for sharing, so it gets the
        # permissions any new file of this user gets, or the ones the file it replaces had.
        os.chmod(temp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"Cannot write {path}: {_reason(error)}. Nothing was written there.") from error
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _write_through(path: Path, data: bytes) -> Path:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
    except OSError as error:
        raise OutputError(f"Cannot write to {path}: {_reason(error)}.") from error
    return path


def _reason(error: BaseException) -> str:
    if isinstance(error, RuntimeError):  # pathlib's "Symlink loop" on older Pythons
        return "too many levels of symbolic links"
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "no space left on the device"
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def remove_stale_temp_files(folder: Path, name: str | None = None) -> int:
    """Delete temporary files that a killed writer left in folder (of the file ``name`` only, when given).

    A file of a writer on this host that is no longer running is stale; another machine's (a
    shard sharing the folder) only when a day old, since its process cannot be asked.
    """
    if not folder.is_dir():
        return 0
    host = socket.gethostname()[:64]
    prefix = f".{name[:_TEMP_NAME_CHARS]}." if name else "."
    removed = 0
    candidates = folder.glob(f"{glob.escape(prefix)}*.tmp") if name else folder.rglob(".*.tmp")
    for path in candidates:
        match = _TEMP_FILE.match(path.name)
        if not match:
            continue
        pid, writer_host = int(match[1]), match[2]
        try:
            if writer_host == host:
                stale = not _process_alive(pid)
            else:
                stale = time.time() - path.stat().st_mtime > 24 * 3600
            if stale:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue  # gone already, or not ours to remove: it stays a hidden file
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
