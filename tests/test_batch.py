"""translate batch: folders in, mirrored handouts out, failures isolated, resumable after SIGKILL, with a memory."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import subprocess_env

from translate.batch import (
    BatchOptions,
    collect_inputs,
    parse_shard,
    remove_stale_temp_files,
    select_shard,
)
from translate.errors import ConfigError, InputError
from translate.fidelity.memory import TranslationMemory

TOPICS = ["skolan", "biblioteket", "tåget", "kaffet", "vintern", "snön", "parken", "bussen", "sjön", "skogen"]
# Kept by the cleaner (it is the author's, not the blog platform's) and the same in every post.
SIGNATURE = "Alla bilder i inlägget är tagna av mig själv och får inte användas utan lov."
REPORT_TOTALS = {"inputs", "done", "skipped", "other_language", "failed", "sentences", "cache_hits", "seconds"}
REPORT_FILE = {"input", "outputs", "status", "error", "sentences", "cache_hits", "seconds", "warnings"}


def write_posts(folder: Path, count: int = 30) -> Path:
    """Similar posts (shared signature and disclaimer) in two folder levels, plus an empty and a binary file."""
    for i in range(count):
        topic, other = TOPICS[i % 10], TOPICS[(i + 3) % 10]
        text = (
            f"Dagbok nummer {i}\n\n"
            f"Det här inlägget handlar om {topic}. Vi pratade länge om {topic} och om {other} i går.\n\n"
            f"Det var en fin dag vid {other}.\n\n{SIGNATURE}\n\nHälsningar, Anna\n"
        )
        target = folder / ("arkiv" if i % 3 == 0 else "") / f"inlagg-{i:02d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (folder / "tom.txt").write_text("", encoding="utf-8")
    (folder / "bild.txt").write_bytes(bytes(range(256)) * 20)
    return folder


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    return write_posts(tmp_path / "posts")


def _batch(cli, posts: Path, out: Path, model: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli("batch", posts, "-o", out, "-m", model, "-s", "extractive", "-f", "html", "-f", "json", *extra)


def test_batch_writes_mirrored_handouts_and_isolates_failures(cli, posts: Path, tmp_path: Path, tiny_marian: Path):  # type: ignore[no-untyped-def]
    out = tmp_path / "handouts"
    result = _batch(cli, posts, out, tiny_marian, "--memory", tmp_path / "memory.sqlite")
    assert result.exit_code == 1, result.output  # two inputs failed
    assert "30 done" in result.stderr and "2 failed" in result.stderr

    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert set(report) == {"totals", "files"} and set(report["totals"]) == REPORT_TOTALS
    assert all(set(entry) == REPORT_FILE for entry in report["files"])
    totals = report["totals"]
    assert (totals["inputs"], totals["done"], totals["skipped"], totals["failed"]) == (32, 30, 0, 2)
    assert totals["cache_hits"] > 0  # "Det var en fin dag vid ...", shared by 3 posts each, translated once
    failed = {Path(e["input"]).name: e["error"] for e in report["files"] if e["status"] == "failed"}
    assert set(failed) == {"tom.txt", "bild.txt"}
    assert "empty" in failed["tom.txt"] and "decoded" in failed["bild.txt"]

    for i in range(30):
        relative = Path("arkiv" if i % 3 == 0 else "") / f"inlagg-{i:02d}"
        handout = json.loads((out / relative.with_suffix(".json")).read_text(encoding="utf-8"))
        assert (out / relative.with_suffix(".html")).is_file()
        assert handout["title"]["source"] == f"Dagbok nummer {i}"
        # The disclaimer and the sign-off are on every post: the site's, not the post's.
        assert [p["source"] for p in handout["paragraphs"]][1:] == [f"Det var en fin dag vid {TOPICS[(i + 3) % 10]}."]
        assert all(s["translation"] for p in handout["paragraphs"] for s in p["sentences"])
    # The same sentence got the same translation in every post.
    translations: dict[str, set[str]] = {}
    for path in out.glob("**/inlagg-*.json"):
        if ".handout-state" not in path.parts:
            for p in json.loads(path.read_text(encoding="utf-8"))["paragraphs"]:
                translations.setdefault(p["source"], set()).add(p["translation"])
    shared = [source for source in translations if source.startswith("Det var en fin dag")]
    assert len(shared) == 10 and all(len(translations[source]) == 1 for source in shared)


def test_a_second_run_translates_nothing_and_force_reuses_the_memory(  # type: ignore[no-untyped-def]
    cli, posts: Path, tmp_path: Path, tiny_marian: Path
) -> None:
    out, memory = tmp_path / "handouts", tmp_path / "memory.sqlite"
    _batch(cli, posts, out, tiny_marian, "--memory", memory)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    again = _batch(cli, posts, out, tiny_marian, "--memory", memory)
    totals = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))["totals"]
    assert (totals["done"], totals["skipped"], totals["sentences"]) == (0, 30, 0), again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == before

    # An edited post is translated again; the others stay up to date.
    edited = posts / "inlagg-01.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEn ny mening på slutet.\n", encoding="utf-8")
    _batch(cli, posts, out, tiny_marian, "--memory", memory)
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert [Path(e["input"]).name for e in report["files"] if e["status"] == "done"] == ["inlagg-01.txt"]

    # --force redoes everything, and every sentence now comes from the memory.
    _batch(cli, posts, out, tiny_marian, "--memory", memory, "--force")
    totals = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))["totals"]
    assert totals["done"] == 30 and totals["cache_hits"] == totals["sentences"] > 0


def test_sigkill_then_rerun_gives_the_same_outputs_as_an_uninterrupted_run(
    posts: Path, tmp_path: Path, tiny_marian: Path, tiny_bart: Path
) -> None:
    def command(out: Path, memory: Path) -> list[str]:
        return [
            sys.executable, "-m", "translate", "batch", str(posts), "-o", str(out), "-m", str(tiny_marian),
            "-s", str(tiny_bart), "-f", "html", "-f", "json", "--memory", str(memory), "-q",
        ]  # fmt: skip

    env = subprocess_env()
    whole = tmp_path / "whole"
    subprocess.run(command(whole, tmp_path / "whole.sqlite"), env=env, timeout=300, capture_output=True)

    killed = tmp_path / "killed"
    process = subprocess.Popen(command(killed, tmp_path / "killed.sqlite"), env=env, stderr=subprocess.DEVNULL)
    records = killed / ".handout-state"
    deadline = time.time() + 120
    while len(list(records.rglob("*.json"))) < 3 and time.time() < deadline and process.poll() is None:
        time.sleep(0.002)
    assert process.poll() is None, "the batch finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list(records.rglob("*.json")))
    assert 3 <= finished < 30 and not (killed / "batch-report.json").exists()

    rerun = subprocess.run(command(killed, tmp_path / "killed.sqlite"), env=env, timeout=300, capture_output=True)
    assert rerun.returncode == 1, rerun.stderr  # the empty and the binary file
    totals = json.loads((killed / "batch-report.json").read_text(encoding="utf-8"))["totals"]
    assert (totals["skipped"], totals["done"]) == (finished, 30 - finished)

    for path in sorted(whole.rglob("*.html")):
        twin = killed / path.relative_to(whole)
        assert twin.read_bytes() == path.read_bytes(), path.name
    for path in sorted(whole.rglob("*.json")):
        if ".handout-state" in path.parts or path.name == "batch-report.json":
            continue
        mine, theirs = (json.loads(p.read_text(encoding="utf-8")) for p in (killed / path.relative_to(whole), path))
        mine.pop("stats"), theirs.pop("stats")  # timings differ from run to run
        assert mine == theirs, path.name
    assert len(list(killed.rglob("*.html"))) == 30
    assert not [p for p in killed.rglob("*") if p.name.endswith(".tmp")]


def test_inputs_from_folders_globs_and_files(tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts", count=6)
    (posts / ".git").mkdir()
    (posts / ".git" / "note.txt").write_text("hidden", encoding="utf-8")
    (posts / "bild.png").write_bytes(b"\x89PNG")
    found = collect_inputs([str(posts)])
    assert [str(i.relative) for i in found] == sorted(str(i.relative) for i in found)
    assert {str(i.relative) for i in found} >= {"arkiv/inlagg-00.txt", "inlagg-01.txt", "tom.txt"}
    assert not any(".git" in str(i.relative) or i.relative.suffix == ".png" for i in found)

    by_glob = collect_inputs([str(posts / "arkiv" / "*.txt")])
    assert [str(i.relative) for i in by_glob] == ["inlagg-00.txt", "inlagg-03.txt"]
    recursive = collect_inputs([str(posts / "**" / "inlagg-0[03].txt")])
    assert [str(i.relative) for i in recursive] == ["arkiv/inlagg-00.txt", "arkiv/inlagg-03.txt"]
    single = collect_inputs([str(posts / "inlagg-01.txt")])
    assert [str(i.relative) for i in single] == ["inlagg-01.txt"]

    # The output folder inside the input folder is never read back as input.
    (posts / "handouts").mkdir()
    (posts / "handouts" / "inlagg-01.html").write_text("<p>x</p>", encoding="utf-8")
    assert not any("handouts" in str(i.relative) for i in collect_inputs([str(posts)], exclude=posts / "handouts"))

    with pytest.raises(InputError, match="matches no files"):
        collect_inputs([str(posts / "*.nothing")])
    with pytest.raises(InputError, match="no such file"):
        collect_inputs([str(posts / "missing.txt")])
    (posts / "inlagg-01.md").write_text("# Rubrik\n\nText.", encoding="utf-8")
    with pytest.raises(InputError, match="both be written"):
        collect_inputs([str(posts)])


def test_shards_split_the_inputs_deterministically(tmp_path: Path) -> None:
    found = collect_inputs([str(write_posts(tmp_path / "posts", count=30))])
    shards = [select_shard(found, (i, 4)) for i in range(4)]
    assert sorted(str(i.relative) for shard in shards for i in shard) == sorted(str(i.relative) for i in found)
    assert all(shards) and shards == [select_shard(found, (i, 4)) for i in range(4)]
    assert parse_shard("2/4") == (2, 4)
    for bad in ("4/4", "a/b", "1"):
        with pytest.raises(ConfigError):
            parse_shard(bad)
    from translate.batch import report_path

    assert report_path(BatchOptions(tmp_path, shard=(1, 4))).name == "batch-report.shard-1-of-4.json"


def test_stale_temp_files_of_dead_writers_are_removed(tmp_path: Path) -> None:
    import socket

    host = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / "a" / f".inlagg.html.{dead.pid}@{host}.k2j3h4g5.tmp"
    live = tmp_path / f".inlagg.html.{os.getpid()}@{host}.abcdefgh.tmp"
    other = tmp_path / ".inlagg.html.123@another-host.abcdefgh.tmp"
    for path in (stale, live, other):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half", encoding="utf-8")
    assert remove_stale_temp_files(tmp_path) == 1
    assert not stale.exists() and live.exists() and other.exists()


def test_memory_survives_two_writers_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    script = (
        "import sys\n"
        "from translate.fidelity.memory import TranslationMemory\n"
        "memory = TranslationMemory(sys.argv[1])\n"
        "for round in range(20):\n"
        "    memory.store('s', [(f'{sys.argv[2]} {round} {i}', 'x', []) for i in range(100)]"
        " + [(f'delad {i}', 'y', ['length']) for i in range(50)])\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, str(path), name], env=subprocess_env()) for name in "ab"]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    memory = TranslationMemory(path)
    assert len(memory) == 2 * 20 * 100 + 50
    assert memory.lookup("s", ["delad  7", "a 3 99", "saknas"]) == {"delad 7": ("y", ["length"]), "a 3 99": ("x", [])}
    assert memory.lookup("other settings", ["delad 7"]) == {}
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_two_shards_share_an_output_folder(cli, posts: Path, tmp_path: Path, tiny_marian: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "handouts"
    reports = []
    for shard in ("0/2", "1/2"):
        _batch(cli, posts, out, tiny_marian, "--no-memory", "--shard", shard)
        index = shard.split("/")[0]
        reports.append(json.loads((out / f"batch-report.shard-{index}-of-2.json").read_text(encoding="utf-8")))
    assert not (out / "batch-report.json").exists()
    inputs = [{e["input"] for e in report["files"]} for report in reports]
    assert not inputs[0] & inputs[1] and len(inputs[0] | inputs[1]) == 32
    assert sum(r["totals"]["done"] for r in reports) == 30
    assert len(list(out.glob("**/inlagg-*.html"))) == 30


def test_a_post_that_vanishes_before_its_round_fails_alone(
    posts: Path, tmp_path: Path, tiny_marian: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import translate.batch as batch
    from translate import MemoryOptions, ModelOptions, PipelineOptions

    read_again = batch._read_document

    def vanished(pipeline, item, *batch_knowledge):  # type: ignore[no-untyped-def]
        if item.path.name == "inlagg-05.txt":
            raise InputError(f"{item.path}: no such file.")
        return read_again(pipeline, item, *batch_knowledge)

    monkeypatch.setattr(batch, "_read_document", vanished)
    inputs = collect_inputs([str(posts)])
    pipeline = PipelineOptions(models=ModelOptions(translation=str(tiny_marian), summarizer="none"))
    options = BatchOptions(tmp_path / "out", memory=MemoryOptions(enabled=False), pipeline=pipeline)
    report = batch.run_batch(inputs, options)
    failed = {Path(f.input).name: f.error for f in report.files if f.status == "failed"}
    assert set(failed) == {"inlagg-05.txt", "tom.txt", "bild.txt"} and "no such file" in failed["inlagg-05.txt"]
    assert report.count("done") == 29


def test_a_later_batch_does_not_take_earlier_handouts_for_posts(cli, tmp_path: Path, fake_config: Path) -> None:
    posts = write_posts(tmp_path / "posts", count=4)
    (posts / "tom.txt").unlink(), (posts / "bild.txt").unlink()  # the posts that fail; here all must work
    args = ("--config", fake_config, "-s", "none", "-f", "html", "-f", "md", "--no-memory")
    assert cli("batch", posts, "-o", posts / "out", *args, "-q").exit_code == 0
    assert cli("run", posts / "inlagg-01.txt", *args[:4], "-q").exit_code == 0  # posts/inlagg-01.handout.html
    skipped: list[Path] = []
    found = collect_inputs([str(posts)], skipped=skipped)
    assert sorted(str(i.relative) for i in found) == sorted(
        str(p.relative_to(posts)) for p in posts.rglob("*.txt") if "out" not in p.parts
    )
    assert len(skipped) == 4 * 2 + 1 and all("out" in p.parts or ".handout." in p.name for p in skipped)
    again = cli("batch", posts, "-o", tmp_path / "again", *args)
    assert again.exit_code == 0, again.output
    assert "Left out 9 handouts this tool wrote earlier" in again.stderr and "4 inputs" in again.stderr


def test_a_format_that_cannot_be_made_here_is_found_before_any_post_is_translated(
    cli, tmp_path: Path, fake_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from translate.render import formats

    without_pdf = dataclasses.replace(formats.HANDOUT_FORMATS["pdf"], missing=lambda: "PDF handouts need WeasyPrint.")
    monkeypatch.setitem(formats.HANDOUT_FORMATS, "pdf", without_pdf)
    posts = write_posts(tmp_path / "posts", count=2)
    result = cli(
        "batch", posts, "-o", tmp_path / "out", "--config", fake_config, "-s", "none", "-f", "html", "-f", "pdf"
    )
    assert result.exit_code == 3 and "PDF handouts need WeasyPrint." in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.html"))
    single = cli("run", posts / "inlagg-01.txt", "--config", fake_config, "-s", "none", "-o", tmp_path / "x.pdf")
    assert single.exit_code == 3 and "PDF handouts need WeasyPrint." in single.stderr


def test_batch_progress_only_moves_forward_and_ends_full(
    posts: Path, tmp_path: Path, fake_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Across rounds, and while a round's handouts are written, the sentence count never goes back."""
    import translate.batch as batch
    from translate import MemoryOptions, ModelOptions, PipelineOptions

    monkeypatch.setattr(batch, "FILES_PER_ROUND", 4)  # 30 posts: eight rounds
    seen: list[tuple[int, int, int, int]] = []
    stages: list[str] = []
    pipeline = PipelineOptions(models=ModelOptions(summarizer="none", config=fake_config))
    options = BatchOptions(tmp_path / "out", memory=MemoryOptions(enabled=False), pipeline=pipeline)
    batch.run_batch(
        collect_inputs([str(posts)]), options, lambda *counts: seen.append(counts), lambda s, d, t: stages.append(s)
    )
    files = [entry[0] for entry in seen]
    sentences = [entry[2] for entry in seen]
    assert files == sorted(files) and sentences == sorted(sentences), seen
    assert len(set(sentences)) > 8  # it moved within rounds, not only at their ends
    last = seen[-1]
    assert last[0] == last[1] == 32 and last[2] == last[3] > 0
    assert stages[0] == "load translation" and "translate" in stages


def test_the_batch_bar_counts_time_left_from_when_translating_began(monkeypatch: pytest.MonkeyPatch) -> None:
    """Model loading is named while it lasts and not counted in the rate; the retry pass is named too."""
    import io

    from rich.console import Console
    from rich.progress import Progress, TextColumn

    from translate.cli import display

    clock = [100.0]
    monkeypatch.setattr(display.time, "perf_counter", lambda: clock[0])
    with Progress(TextColumn("{task.description}"), console=Console(file=io.StringIO())) as progress:
        bar = display.BatchBar(progress)
        task = progress.tasks[0]
        bar.update(0, 10, 0, 1000)
        bar.stage("load translation", 0, 1)
        assert task.description == "Loading translation model"
        clock[0] += 60  # a minute of loading
        bar.stage("load translation", 1, 1)
        bar.stage("translate", 0, 100)
        assert task.description == "0/10 files"
        clock[0] += 10
        bar.update(1, 10, 100, 1000)  # 100 sentences in 10 s: 900 more take 90 s
        assert task.fields["rate"] == ", 10.0/s" and task.fields["left"] == "about 2 min left"
        bar.stage("retry", 3, 7)
        assert task.description == "1/10 files, 3/7 flagged again"
        bar.stage("retry", 7, 7)
        clock[0] += 90
        bar.update(10, 10, 1000, 1000)
        assert task.description == "10/10 files" and task.fields["left"] == ""


def test_a_full_disk_fails_the_files_it_hits_and_the_batch_goes_on(
    posts: Path, tmp_path: Path, fake_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the first write that met a full disk ended the whole batch with "Unexpected error"."""
    import errno
    import tempfile

    import translate.batch as batch
    from translate import MemoryOptions, ModelOptions, PipelineOptions

    make_temp = tempfile.mkstemp

    def full_for_some(*args, **kwargs):  # type: ignore[no-untyped-def]
        if "inlagg-03" in kwargs.get("prefix", ""):
            raise OSError(errno.ENOSPC, "No space left on device")
        return make_temp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", full_for_some)
    pipeline = PipelineOptions(models=ModelOptions(summarizer="none", config=fake_config))
    report = batch.run_batch(
        collect_inputs([str(posts)]),
        BatchOptions(tmp_path / "out", memory=MemoryOptions(enabled=False), pipeline=pipeline),
    )
    failed = {Path(f.input).name: f.error for f in report.files if f.status == "failed"}
    assert "no space left on the device" in failed["inlagg-03.txt"]
    assert report.count("done") == 29 and (tmp_path / "out" / "batch-report.json").is_file()
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_posts_that_are_not_swedish_are_marked_or_left_out(cli, tmp_path: Path, fake_config: Path) -> None:  # type: ignore[no-untyped-def]
    posts = write_posts(tmp_path / "posts", count=3)
    (posts / "tom.txt").unlink(), (posts / "bild.txt").unlink()
    (posts / "english.txt").write_text(
        "A post in English\n\nThis post was written in English by a visitor, and it talks about the weather.\n",
        encoding="utf-8",
    )
    (posts / "deutsch.txt").write_text(
        "Ein Beitrag\n\nDieser Beitrag wurde auf Deutsch geschrieben und handelt vom Wetter im Winter.\n",
        encoding="utf-8",
    )
    args = ("--config", fake_config, "-s", "none", "--no-memory", "-f", "json")
    marked = cli("batch", posts, "-o", tmp_path / "all", *args)
    assert marked.exit_code == 0, marked.output
    report = json.loads((tmp_path / "all" / "batch-report.json").read_text(encoding="utf-8"))
    assert report["totals"]["done"] == 5 and report["totals"]["other_language"] == 0
    warned = {Path(f["input"]).name: f["warnings"] for f in report["files"]}
    assert "looks en" in warned["english.txt"][0] and "looks de" in warned["deutsch.txt"][0]
    assert not warned["inlagg-01.txt"]
    skipped = cli("batch", posts, "-o", tmp_path / "sv", *args, "--skip-other-languages")
    assert skipped.exit_code == 0, skipped.output
    report = json.loads((tmp_path / "sv" / "batch-report.json").read_text(encoding="utf-8"))
    assert report["totals"]["done"] == 3 and report["totals"]["other_language"] == 2
    left = {Path(f["input"]).name for f in report["files"] if f["status"] == "other-language"}
    assert left == {"english.txt", "deutsch.txt"} and "2 not in Swedish" in skipped.stderr
    assert not (tmp_path / "sv" / "english.json").exists()
