from pathlib import Path

import pytest

from translate import InputError, read_text
from translate.text.reading import normalize_text

SWEDISH = "Åsa läste en bok om gröna äpplen på ön.\n\nDet var en härlig dag i Göteborg – “verkligen”."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "post.txt"
    path.write_bytes(SWEDISH.encode(encoding))
    assert read_text(path) == SWEDISH


def test_latin1_export(tmp_path: Path) -> None:
    text = "Gamla inlägg från 2004: åäö och ÅÄÖ fungerade inte alltid.\n"
    path = tmp_path / "old.txt"
    path.write_bytes(text.encode("latin-1"))
    assert read_text(path) == text


def test_normalization() -> None:
    decomposed = "A\u030asa"  # "Åsa" with a combining ring
    text = f"{decomposed} hade\u00a0en\u2009bok\u00ad\u200b om\u202fsamver\u00adkan.\r\nNy rad\u200d."
    assert normalize_text(text) == "Åsa hade en bok om samverkan.\nNy rad."


def test_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "post.txt"
    path.write_bytes("Rubrik\r\n\r\nEtt stycke.\r\n".encode())
    assert read_text(path) == "Rubrik\n\nEtt stycke.\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n \t\n", "is empty"),
        (bytes(range(256)) * 20, "binary"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" * 8,
            "binary",
        ),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        read_text(path)
    assert str(path) in str(error.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_text(tmp_path)


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    # Found by fuzzing the server: an ESC in a post broke the DOCX handout (XML cannot hold it).
    assert normalize_text("Hej\x1b v\x00är\x7fl\x85den\ud800.\tSlut\ufffe") == "Hej världen. Slut"
