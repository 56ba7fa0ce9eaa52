"""Reading: turn a file's bytes into normalized Unicode text, or say clearly why not."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from translate.errors import InputError

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


def normalize_text(text: str) -> str:
    """NFC, plain spaces for odd spaces, no soft hyphens, zero-width or control characters, \\n line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLES.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    return _NOT_TEXT.sub("", text)


def decode_bytes(data: bytes, where: str = "input", charset: str | None = None) -> str:
    """Decode bytes of unknown encoding (or of the ``charset`` a web server declared, when they decode in it); raise
    InputError if they are not text."""
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
    best = from_bytes(data, cp_isolation=PLAUSIBLE_ENCODINGS).best()
    if best is None:
        raise InputError(
            f"{where} could not be decoded as text (tried UTF-8, UTF-16, UTF-32, "
            "Windows-1252 and Latin-1). Is it a binary file? Save it as plain text and try again."
        )
    return _checked(str(best), best.encoding, where)


def _checked(text: str, encoding: str, where: str) -> str:
    """The decoded text, or InputError when it is not prose (empty, control characters, not Latin script)."""
    letters = [c for c in text if not c.isspace()]
    if not letters:
        raise InputError(f"{where} contains only whitespace: there is nothing to translate.")
    control = sum(1 for c in letters if unicodedata.category(c) == "Cc")
    latin = sum(1 for c in letters if _LATIN_TEXT.match(c))
    if control / len(letters) > 0.01 or latin / len(letters) < 0.5:
        raise InputError(
            f"{where} does not look like a text file (it decodes as {encoding} "
            "to mostly control or non-Latin characters). Is it binary, such as an image, "
            "PDF or archive? Give the tool a .txt file."
        )
    return text


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or InputError saying why they cannot be had."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file.")
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path} could not be read: {error.strerror or error}.") from error


def read_text(path: str | Path) -> str:
    """Read a text file from disk: detect its encoding, decode and normalize it."""
    return normalize_text(decode_bytes(read_bytes(path), where=str(path)))
