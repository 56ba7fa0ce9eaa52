"""Batch translation against a shell loop of `translate run`, on 100 similar posts, with the opus-mt-sized model.

    .venv/bin/python benchmarks/batch_speed.py              # 100 posts (about 10 minutes on 2 cores)
    .venv/bin/python benchmarks/batch_speed.py --posts 20   # quicker

The posts share a signature and a disclaimer, as a blog's posts do, and each has three
sentences of its own. Both ways use the random-weight opus-mt-sv-en-shaped model
(benchmarks/opus_shaped.py), already converted to CTranslate2, the extractive summary and
one output format, and start with an empty translation memory; the loop runs one
`translate run` process per post, as a shell `for` loop would.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from opus_shaped import converted_opus_shaped_marian  # noqa: E402

TOPICS = ["skolan", "biblioteket", "tåget", "kaffet", "vintern", "snön", "parken", "bussen", "sjön", "skogen"]
PLACES = ["Umeå", "Lund", "Visby", "Kiruna", "Falun", "Borås", "Ystad", "Mora", "Luleå", "Växjö"]


def write_posts(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        topic, place = TOPICS[i % 10], PLACES[(i // 10) % 10]
        (folder / f"inlagg-{i:03d}.txt").write_text(
            f"Veckans inlägg {i}\n\n"
            f"I dag skriver jag om {topic} i {place}. Vi var där en hel dag med barnen. "
            f"Nästa vecka åker vi till {PLACES[(i + 3) % 10]} igen.\n\n"
            "Alla bilder i inlägget är tagna av mig själv och får inte användas utan lov.\n\n"
            "Jag skriver om vardagen i vår lilla stad vid kusten, en gång i veckan.\n",
            encoding="utf-8",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-speed"))
    parser.add_argument("--json", type=Path, help="Write the figures here too.")
    args = parser.parse_args()
    model, env = converted_opus_shaped_marian(args.work)
    posts = args.work / "batch-posts"
    shutil.rmtree(posts, ignore_errors=True)
    write_posts(posts, args.posts)
    translate = [sys.executable, "-m", "translate"]
    common = ["-m", str(model), "-s", "extractive", "-f", "json", "-q"]

    loop_out = args.work / "loop-out"
    shutil.rmtree(loop_out, ignore_errors=True)
    loop_out.mkdir()
    started = time.perf_counter()
    for post in sorted(posts.iterdir()):
        subprocess.run(
            [*translate, "run", str(post), "-o", str(loop_out / f"{post.stem}.json"), *common], env=env, check=True
        )
    loop_seconds = time.perf_counter() - started

    batch_out = args.work / "batch-out"
    shutil.rmtree(batch_out, ignore_errors=True)
    memory = args.work / "batch-memory.sqlite"
    memory.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [*translate, "batch", str(posts), "-o", str(batch_out), "--memory", str(memory), *common], env=env
    )
    batch_seconds = time.perf_counter() - started
    assert done.returncode == 0
    totals = json.loads((batch_out / "batch-report.json").read_text(encoding="utf-8"))["totals"]

    started = time.perf_counter()
    subprocess.run(
        [*translate, "batch", str(posts), "-o", str(batch_out), "--memory", str(memory), *common], env=env, check=True
    )
    rerun_seconds = time.perf_counter() - started

    figures = {
        "posts": args.posts,
        "sentences": totals["sentences"],
        "cache_hits": totals["cache_hits"],
        "loop_seconds": loop_seconds,
        "batch_seconds": batch_seconds,
        "speedup": loop_seconds / batch_seconds,
        "rerun_seconds": rerun_seconds,
    }
    print(
        f"{args.posts} posts, {totals['sentences']} sentences ({totals['cache_hits']} repeated): "
        f"loop of translate run {loop_seconds:.1f} s, translate batch {batch_seconds:.1f} s "
        f"({figures['speedup']:.1f}x); rerun with everything up to date {rerun_seconds:.1f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
