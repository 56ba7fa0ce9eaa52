"""Reading: turn a file's bytes into normalized Unicode text, or say clearly why not."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from translate.errors import InputError
from translate.options import DEFAULT_MAX_INPUT_MB

# Swedish posts come as UTF-8/16/32 or, from old exports, as Windows-1252/Latin-1.
# Restricting charset-normalizer to these stops it from picking look-alike code pages
# (it picks cp1250 for short cp1252 Swedish text, turning "å" into "ĺ").
PLAUSIBLE_ENCODINGS = [
    "utf_8",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
    "utf_32",
    "cp1252",
    "latin_1",
    "iso8859_15",
]

_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_INVISIBLES = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Control characters (other than line ends and tabs, handled above), lone surrogates and the
# two non-characters are never prose, and XML (DOCX, TMX, XLIFF) cannot hold them at all.
_NOT_TEXT = re.compile("[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]")
# Text in a Latin script (what a Swedish post is written in) lies almost entirely below
# U+0250 or in the general-punctuation and currency blocks.
_LATIN_TEXT = re.compile("[\u0000-\u024f\u2000-\u20cf\u2100-\u214f]")


def printable_name(name: str) -> str:
    """A file name as a handout may show it: control characters, and the lone surrogates that stand for
    bytes a name had that are not UTF-8, become "?" (XML cannot hold them, a terminal would act on them)."""
    return _NOT_IN_A_NAME.sub("?", name)


_NOT_IN_A_NAME = re.compile("[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]")


def normalize_text(text: str) -> str:
    """NFC, plain spaces for odd spaces, no soft hyphens, zero-width or control characters, \\n line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLES.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    return _NOT_TEXT.sub("", text)


@dataclass(frozen=True)
class Decoded:
    """A post's text, and what was wrong with its bytes that decoding mended (for a warning)."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


# UTF-8 with damage: bytes that are not UTF-8 are replaced (U+FFFD, counted) when the valid
# multi-byte sequences outnumber the bad ones this many times. A Windows-1252 post has no valid
# multi-byte sequence at all ("å" is one byte, E5, and the byte after it is plain ASCII), so it
# never passes; a UTF-8 post with one bad byte, or a cp1252 signature pasted under it, does.
UTF8_EVIDENCE = 4
# A text file may hold a few stray control characters (a pasted ESC, a NUL); a binary one is full of them.
MAX_CONTROL_SHARE = 0.05
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_bytes(data: bytes, where: str = "input", charset: str | None = None) -> str:
    """decode_text's text alone."""
    return decode_text(data, where, charset).text


def decode_text(data: bytes, where: str = "input", charset: str | None = None) -> Decoded:
    """Decode bytes of unknown encoding (or of the ``charset`` a web server declared, when they decode in it).

    Damage is mended, not refused: in a UTF-8 post, bytes that are not UTF-8 are replaced and
    the warning names their lines; stray control characters are dropped. InputError only for
    what is not text at all (empty, binary, mostly control or non-Latin characters).
    """
    from charset_normalizer import from_bytes

    if not data.strip():
        raise InputError(f"{where} is empty: there is nothing to translate.")
    if charset:
        # Bytes that are valid UTF-8 are UTF-8 whatever the server says: servers often declare
        # ISO-8859-1 by default, and Latin-1 decodes anything, wrongly.
        for encoding in ("utf-8-sig", charset):
            try:
                return _checked(data.decode(encoding), encoding, where)
            except (LookupError, UnicodeDecodeError):
                continue  # a wrong or unknown declaration: sniff instead
    damaged = _damaged_utf8(data, where)
    if damaged is not None:
        return damaged
    best = from_bytes(data, cp_isolation=PLAUSIBLE_ENCODINGS).best()
    if best is None:
        raise InputError(
            f"{where} could not be decoded as text (tried UTF-8, UTF-16, UTF-32, "
            "Windows-1252 and Latin-1). Is it a binary file? Save it as plain text and try again."
        )
    return _checked(str(best), best.encoding, where)


def _damaged_utf8(data: bytes, where: str) -> Decoded | None:
    """UTF-8 with a few bad bytes, decoded with each bad sequence replaced; None when it is not UTF-8 at heart."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data:
        return None  # a UTF-16 or UTF-32 signature or layout (NUL bytes): charset-normalizer's to read
    try:
        return _checked(data.decode("utf-8-sig"), "utf_8", where)
    except UnicodeDecodeError:
        pass
    valid = len(_UTF8_MULTIBYTE.findall(data))
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
    if bad == 0 or valid < UTF8_EVIDENCE * bad:
        return None
    lines = [n for n, line in enumerate(text.split("\n"), 1) if "\ufffd" in line]
    shown = ", ".join(str(n) for n in lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
    warning = (
        f"{where}: {bad} byte sequence{'s' if bad != 1 else ''} that {'are' if bad != 1 else 'is'} not UTF-8 "
        f"replaced with \ufffd (line{'s' if len(lines) != 1 else ''} {shown}); the rest is UTF-8 and was read as such."
    )
    decoded = _checked(text, "utf_8", where)
    return Decoded(decoded.text, "utf_8", [warning, *decoded.warnings])


def _checked(text: str, encoding: str, where: str) -> Decoded:
    """The decoded text, or InputError when it is not prose (empty, control characters, not Latin script)."""
    letters = [c for c in text if not c.isspace()]
    if not letters:
        raise InputError(f"{where} contains only whitespace: there is nothing to translate.")
    control = sum(1 for c in letters if unicodedata.category(c) == "Cc")
    latin = sum(1 for c in letters if _LATIN_TEXT.match(c))
    if control / len(letters) > MAX_CONTROL_SHARE or latin / len(letters) < 0.5:
        raise InputError(
            f"{where} does not look like a text file (it decodes as {encoding} "
            "to mostly control or non-Latin characters). Is it binary, such as an image, "
            "PDF or archive? Give the tool a .txt file."
        )
    warnings = []
    if control:
        warnings.append(f"{where}: {control} control character{'s' if control != 1 else ''} removed.")
    return Decoded(text, encoding, warnings)


_CHUNK = 1 << 20


def read_bytes(path: str | Path, max_bytes: int = int(DEFAULT_MAX_INPUT_MB * 1e6)) -> bytes:
    """A file's bytes, or InputError saying why they cannot be had.

    Read in chunks that stop at ``max_bytes``: /dev/zero or a 50 GB log ends with a message
    after reading the limit, not with the machine's memory.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path} is a folder, not a file.")
        with open(path, "rb") as handle:
            return read_stream(handle, str(path), max_bytes)
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"{path} is a link to a file that does not exist.") from None
        raise InputError(f"{path}: no such file.") from None
    except OSError as error:
        raise InputError(f"{path} could not be read: {error.strerror or error}.") from error


def read_stream(stream: BinaryIO, where: str, max_bytes: int = int(DEFAULT_MAX_INPUT_MB * 1e6)) -> bytes:
    """All of a stream's bytes up to ``max_bytes``; InputError past it."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(_CHUNK, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise InputError(
                f"{where} is larger than {max_bytes / 1e6:g} MB, the limit for one post; stopped reading. "
                "Split it, or raise the limit with --max-input-mb."
            )
    return b"".join(chunks)


def read_text(path: str | Path) -> str:
    """Read a text file from disk: detect its encoding, decode and normalize it."""
    return normalize_text(decode_bytes(read_bytes(path), where=str(path)))
