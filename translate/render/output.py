"""Output: where a handout goes by default, and writing it so a reader never sees half a file."""

from __future__ import annotations

import os
import socket
import tempfile
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
    extension = handout_format(fmt).extension
    if is_url(str(input_path)):
        return Path(f"{slug_of(str(input_path))}.handout{extension}")
    path = Path(input_path)
    return path.with_name(f"{path.stem}.handout{extension}")


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
    if input_path != STDIO and not is_url(input_path) and target.resolve() == Path(input_path).resolve():
        raise OutputError(f"Refusing to write the handout over its own input {input_path}; choose another -o.")
    return target


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to a temporary file beside path, then rename it into place."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"Cannot write the handout to {path}: it is a folder. Give a file name.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The writer's pid and host are in the name, so a later batch run can tell a file left
        # by a killed process from one another process is still writing.
        owner = f"{os.getpid()}@{socket.gethostname()}"
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{owner}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"Cannot write to {path.parent}: {error.strerror or error}.") from error
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        # mkstemp creates the file private (0600); a handout is for sharing, so it gets the
        # permissions any new file of this user gets.
        os.chmod(temp, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
