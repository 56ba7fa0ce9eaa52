"""The bad-input sweep of issue 17, kept as a matrix: each case runs the real entry point in a process of its
own (its file descriptors, signals and exit code are the point) with the fake engine, and must end with the
documented exit code, a message that says what and where, no traceback, and no partial or stray file.

Cases that passed before the sweep are here too, so that they keep passing.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SAMPLE_POST, subprocess_env

FAKE_CLI = Path(__file__).parent / "fake_cli.py"
SWEDISH = "Åsa läste en bok om gröna äpplen på ön. Det var en härlig dag i Göteborg.\n\n"


@dataclass
class Outcome:
    code: int
    stdout: bytes
    stderr: str
    folder: Path


@dataclass
class Case:
    """Arguments (with {post}, {dir} and {config} filled in), how the process is started, and what must hold."""

    args: list[str]
    code: int
    message: str | None = None  # in stderr
    prepare: Callable[[Path], None] | None = None
    check: Callable[[Outcome], None] | None = None
    stdout: str | None = None  # "full" (/dev/full), "closed", or None: a pipe
    stderr_closed: bool = False
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None


def _run(case: Case, folder: Path, config: Path) -> Outcome:
    post = folder / "post.txt"
    if not post.exists():
        post.write_bytes(SAMPLE_POST.read_bytes())
    if case.prepare:
        case.prepare(folder)
    args = [a.format(post=post, dir=folder, config=config) for a in case.args]
    env = subprocess_env(**{k: v.format(dir=folder) for k, v in case.env.items()})
    closing = [fd for fd, closed in ((1, case.stdout == "closed"), (2, case.stderr_closed)) if closed]

    def close_fds() -> None:
        for fd in closing:
            os.close(fd)

    full = open("/dev/full", "wb") if case.stdout == "full" else None  # noqa: SIM115
    try:
        done = subprocess.run(
            [sys.executable, str(FAKE_CLI), *args],
            input=case.stdin,
            stdout=full or subprocess.PIPE,
            stderr=subprocess.PIPE if not case.stderr_closed else subprocess.DEVNULL,
            env=env,
            cwd=folder,
            preexec_fn=close_fds if closing else None,
            timeout=60,
        )
    finally:
        if full:
            full.close()
    return Outcome(done.returncode, done.stdout or b"", (done.stderr or b"").decode("utf-8", "replace"), folder)


def _no_stray_files(outcome: Outcome) -> None:
    stray = [p for p in outcome.folder.rglob("*") if p.name.endswith(".tmp")]
    assert not stray, stray


def _written(name: str, *, also: Callable[[Path], None] | None = None) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        handout = outcome.folder / name
        assert handout.is_file() and b"Vintern" in handout.read_bytes(), outcome.stderr
        if also:
            also(handout)

    return check


# --- what the cases set up ------------------------------------------------------------------


def _symlink_to_handout(folder: Path) -> None:
    (folder / "real").mkdir()
    (folder / "real" / "handout.html").write_text("old", encoding="utf-8")
    (folder / "link.html").symlink_to(folder / "real" / "handout.html")


def _symlink_kept(outcome: Outcome) -> None:
    link = outcome.folder / "link.html"
    assert link.is_symlink(), "the link was replaced by a file"
    assert b"Vintern" in (outcome.folder / "real" / "handout.html").read_bytes()


def _read_only(folder: Path) -> None:
    target = folder / "locked.html"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)


def _still_locked(outcome: Outcome) -> None:
    target = outcome.folder / "locked.html"
    assert target.read_text(encoding="utf-8") == "keep me" and stat.S_IMODE(target.stat().st_mode) == 0o444


def _private_handout(folder: Path) -> None:
    (folder / "mine.html").write_text("old", encoding="utf-8")
    (folder / "mine.html").chmod(0o640)


def _mode_kept(handout: Path) -> None:
    assert stat.S_IMODE(handout.stat().st_mode) == 0o640


def _loop(folder: Path) -> None:
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")


def _stale_temp(folder: Path) -> None:
    # What a `run` killed while writing leaves: its pid is long gone.
    (folder / f".out.html.999999999@{os.uname().nodename[:64]}.abc123.tmp").write_text("half", encoding="utf-8")


def _damaged_utf8(folder: Path) -> None:
    data = (SWEDISH * 8).encode("utf-8")
    (folder / "damaged.txt").write_bytes(data[:100] + b"\xff" + data[100:])


def _cp1252_signature(folder: Path) -> None:
    (folder / "signed.txt").write_bytes((SWEDISH * 8).encode() + "-- \nHälsningar Åke\n".encode("cp1252"))


def _two_controls(folder: Path) -> None:
    text = ("Det var en fin dag vid sjön. " * 8)[:230]
    (folder / "controls.txt").write_bytes((text[:50] + "\x1b" + text[50:120] + "\x07" + text[120:]).encode())


def _binary(folder: Path) -> None:
    (folder / "image.txt").write_bytes(bytes(range(256)) * 40)


def _deep_html(folder: Path) -> None:
    body = (
        "<div>" * 3000 + "<p>" + "Det här inlägget handlar om vintern och snön i byn. " * 3 + "</p>" + "</div>" * 3000
    )
    (folder / "deep.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def _huge_token(folder: Path) -> None:
    (folder / "token.txt").write_text("Ett kort inlägg om vintern.\n\n" + "a" * 1_000_000 + "\n", encoding="utf-8")


def _binary_glossary(folder: Path) -> None:
    (folder / "terms.tsv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)


def _cache_is_a_file(folder: Path) -> None:
    (folder / "cachefile").write_text("not a folder", encoding="utf-8")


def _posts_folder(folder: Path) -> None:
    (folder / "posts").mkdir()
    (folder / "posts" / "one.txt").write_bytes(SAMPLE_POST.read_bytes())


def _control_name(folder: Path) -> None:
    (folder / "in\x1bname.txt").write_bytes(SAMPLE_POST.read_bytes())


def _well_formed_xml(name: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        import xml.etree.ElementTree as ET

        ET.parse(outcome.folder / name)  # raises if not well-formed

    return check


def _opens_in_python_docx(outcome: Outcome) -> None:
    import docx

    assert docx.Document(str(outcome.folder / "out.docx")).paragraphs


def _warned_at_line(line: int) -> Callable[[Outcome], None]:
    """The warning names the line of the bad byte."""

    def check(outcome: Outcome) -> None:
        assert f"line {line}" in outcome.stderr and "not UTF-8" in outcome.stderr
        assert "Åsa läste" in (outcome.folder / "out.json").read_text(encoding="utf-8")  # no mojibake

    return check


def _kept_words(word: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        assert word in outcome.stdout.decode("utf-8")

    return check


BASE = ["--config", "{config}", "-s", "none"]
CASES: dict[str, Case] = {
    # 1. writing onto what is not a regular file
    "-o /dev/null stays a device": Case(
        ["run", "{post}", *BASE, "-f", "html", "-o", "/dev/null"],
        0,
        check=lambda o: stat.S_ISCHR(os.stat("/dev/null").st_mode) or pytest.fail("/dev/null replaced"),
    ),
    "-o /dev/stdout writes to standard output": Case(
        ["run", "{post}", *BASE, "-f", "md", "-o", "/dev/stdout", "-q"], 0, check=_kept_words("Vintern i Norrland")
    ),
    "-o /dev/full is a full disk": Case(["run", "{post}", *BASE, "-f", "html", "-o", "/dev/full"], 5, "no space"),
    "-o a symlink writes where it points": Case(
        ["run", "{post}", *BASE, "-o", "link.html"], 0, prepare=_symlink_to_handout, check=_symlink_kept
    ),
    "-o a read-only file is refused": Case(
        ["run", "{post}", *BASE, "-o", "locked.html"], 5, "read-only", _read_only, _still_locked
    ),
    "-o an existing file keeps its mode": Case(
        ["run", "{post}", *BASE, "-o", "mine.html"],
        0,
        prepare=_private_handout,
        check=_written("mine.html", also=_mode_kept),
    ),
    "-o onto a symlink loop": Case(["run", "{post}", *BASE, "-o", "a.txt"], 5, "symbolic links", _loop),
    "-o a 253-character name": Case(
        ["run", "{post}", *BASE, "-o", "n" * 248 + ".html"], 0, check=_written("n" * 248 + ".html")
    ),
    "-o a 300-character name is refused before the work": Case(
        ["run", "{post}", *BASE, "-o", "n" * 295 + ".html"], 5, "at most 255 bytes"
    ),
    "-o into a folder that cannot be written": Case(
        ["run", "{post}", *BASE, "-o", "/proc/handout.html"], 5, "Cannot write"
    ),
    "a temp file a killed run left is removed": Case(
        ["run", "{post}", *BASE, "-o", "out.html"], 0, prepare=_stale_temp, check=_written("out.html")
    ),
    # standard streams
    "stdout is /dev/full": Case(["run", "{post}", *BASE, "-o", "-"], 5, "no space", stdout="full"),
    "stdout is closed": Case(["run", "{post}", *BASE, "-o", "-"], 5, "standard output", stdout="closed"),
    "stderr is closed, and the handout is still written": Case(
        ["run", "{post}", *BASE, "-o", "out.html"], 0, stderr_closed=True, check=_written("out.html")
    ),
    # inputs
    "a symlink loop as input": Case(["run", "a.txt", *BASE], 2, "a.txt", prepare=_loop),
    "a missing input": Case(["run", "nope.txt", *BASE], 2, "no such file"),
    "a folder as input": Case(["run", "{dir}", *BASE], 2, "is a folder"),
    "an empty input": Case(["run", "-", *BASE, "-o", "out.html"], 2, "empty", stdin=b""),
    "a binary input is refused": Case(["run", "image.txt", *BASE], 2, "text", prepare=_binary),
    "/dev/zero stops at the size limit": Case(
        ["run", "/dev/zero", *BASE, "--max-input-mb", "2"], 2, "larger than 2 MB"
    ),
    "stdin over the size limit": Case(
        ["run", "-", *BASE, "--max-input-mb", "0.01"], 2, "larger than", stdin=b"a " * 20_000
    ),
    "UTF-8 with one bad byte is read, with a warning": Case(
        ["run", "damaged.txt", *BASE, "-f", "json", "-o", "out.json"],
        0,
        "Warning",
        _damaged_utf8,
        _warned_at_line((SWEDISH * 8).encode()[:100].count(b"\n") + 1),
    ),
    "UTF-8 with a cp1252 signature is read as UTF-8": Case(
        ["run", "signed.txt", *BASE, "-f", "json", "-o", "out.json"],
        0,
        "not UTF-8",
        _cp1252_signature,
        lambda o: "Åsa läste" in (o.folder / "out.json").read_text(encoding="utf-8") or pytest.fail("mojibake"),
    ),
    "two control characters in 230 are removed, not a refusal": Case(
        ["run", "controls.txt", *BASE, "-o", "out.html"],
        0,
        "2 control characters removed",
        _two_controls,
        lambda o: "sjön" in (o.folder / "out.html").read_text(encoding="utf-8") or pytest.fail("not written"),
    ),
    "HTML nested 3,000 levels keeps its post": Case(
        ["clean", "deep.html"], 0, prepare=_deep_html, check=_kept_words("vintern och snön")
    ),
    "a 1 MB token is not a menu label": Case(
        ["clean", "token.txt", "-f", "json"], 0, prepare=_huge_token, check=_kept_words("a" * 1000)
    ),
    "a control character in the input's name makes well-formed XLIFF": Case(
        ["run", "in\x1bname.txt", *BASE, "-f", "xliff", "-o", "out.xlf"],
        0,
        prepare=_control_name,
        check=_well_formed_xml("out.xlf"),
    ),
    "a control character in the input's name makes well-formed TMX": Case(
        ["run", "in\x1bname.txt", *BASE, "-f", "tmx", "-o", "out.tmx"],
        0,
        prepare=_control_name,
        check=_well_formed_xml("out.tmx"),
    ),
    "a control character in the input's name makes a DOCX": Case(
        ["run", "in\x1bname.txt", *BASE, "-f", "docx", "-o", "out.docx"],
        0,
        prepare=_control_name,
        check=_opens_in_python_docx,
    ),
    # settings
    "--beams 100000 is refused": Case(["run", "{post}", *BASE, "--beams", "100000"], 2, "less than or equal to 32"),
    "--threads 10000 is refused": Case(["run", "{post}", *BASE, "--threads", "10000"], 3, "--threads 10000"),
    "a binary glossary": Case(["run", "{post}", *BASE, "--glossary", "terms.tsv"], 3, "Glossary", _binary_glossary),
    "HANDOUT_CACHE_DIR is a file": Case(
        ["batch", "{post}", *BASE, "-o", "out"],
        3,
        "HANDOUT_CACHE_DIR",
        _cache_is_a_file,
        env={"HANDOUT_CACHE_DIR": "{dir}/cachefile"},
    ),
    "batch -o the posts' own folder is refused": Case(
        ["batch", "posts", *BASE, "-o", "posts", "--no-memory"], 3, "output folder of its own", _posts_folder
    ),
    "batch -o . above the posts is refused": Case(
        ["batch", "posts", *BASE, "-o", ".", "--no-memory"], 3, "output folder of its own", _posts_folder
    ),
    "an unknown model name": Case(
        ["run", "{post}", "--config", "{config}", "-m", "no-such-model-x"], 3, "no-such-model-x"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, tmp_path: Path, fake_config: Path) -> None:
    case = CASES[name]
    outcome = _run(case, tmp_path, fake_config)
    assert outcome.code == case.code, f"{name}: exit {outcome.code}\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr, outcome.stderr
    if case.code != 0:
        assert outcome.stderr.strip() or case.stderr_closed, "no message"
        assert "Unexpected error" not in outcome.stderr, outcome.stderr
    if case.message:
        assert case.message in outcome.stderr, outcome.stderr
    if case.check:
        case.check(outcome)
    _no_stray_files(outcome)


def test_a_fifo_target_is_written_through(tmp_path: Path, fake_config: Path) -> None:
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    outcome = _run(Case(["run", "{post}", *BASE, "-o", str(fifo)], 0), tmp_path, fake_config)
    reader.join(30)
    assert outcome.code == 0, outcome.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and b"Vintern" in received[0]


def test_sigterm_ends_a_batch_like_ctrl_c_with_its_report(tmp_path: Path, fake_config: Path) -> None:
    """What Slurm and Kubernetes send: before, the batch ended at once with no message and no report."""
    posts = tmp_path / "posts"
    posts.mkdir()
    for i in range(400):
        (posts / f"p{i:03d}.txt").write_text(f"Inlägg {i}\n\n" + SWEDISH * 3, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(FAKE_CLI), "batch", str(posts), "--config", str(fake_config), "-s", "none", "-o",
         str(tmp_path / "out"), "--no-memory", "-f", "html", "-f", "pdf"],
        stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    out = tmp_path / "out"
    while time.monotonic() < deadline and not any(out.rglob("*.html")):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    stderr = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 143, stderr
    assert "Stopped (SIGTERM)" in stderr and "Traceback" not in stderr
    assert (out / "batch-report.json").is_file()
    assert not list(out.rglob("*.tmp"))


def test_markdown_handouts_show_a_posts_markup_as_text_never_as_html(cli, tmp_path: Path, fake_config: Path) -> None:  # type: ignore[no-untyped-def]
    """Before: the Markdown handout passed the post's HTML through, and entity-escaped text of an HTML post
    (&lt;img onerror&gt;) became a live <img onerror> for every Markdown renderer."""
    from markdown_it import MarkdownIt

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h1>Rubrik</h1><p>Skriv &lt;img src=x onerror=alert(1)&gt; i fältet, "
        "sedan &lt;script&gt;alert(2)&lt;/script&gt; och *inte fet* text.</p>"
        "<p>2024. Det var året då allt # hände, [länk](javascript:alert(3)) och `kod`.</p></article></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "page.md"
    result = cli("run", page, "--config", fake_config, "-s", "none", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    rendered = MarkdownIt("commonmark").render(out.read_text(encoding="utf-8"))
    assert (
        "<img" not in rendered
        and "<script" not in rendered
        and "javascript:" not in rendered.replace("javascript:alert(3)", "")
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered  # shown, as text
    assert "*inte fet*" in rendered and "`kod`" in rendered and '<a href="javascript' not in rendered
    assert "<ol" not in rendered  # "2024." opened no list
    assert rendered.count("<h1>") == 1  # the title only


def test_sigterm_shuts_the_server_down_gracefully(tmp_path: Path, fake_config: Path, free_tcp_port: int) -> None:
    """uvicorn finishes what is in flight and the service its round; then the command ends as after Ctrl-C."""
    import urllib.request

    command = [sys.executable, str(FAKE_CLI), "serve", "--config", str(fake_config), "-s", "none", "--no-memory"]
    process = subprocess.Popen([*command, "--port", str(free_tcp_port)], stderr=subprocess.PIPE, env=subprocess_env())
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{free_tcp_port}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        stderr = process.communicate(timeout=60)[1].decode()
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    assert "Application shutdown complete" in stderr and "Stopped." in stderr and "Traceback" not in stderr
