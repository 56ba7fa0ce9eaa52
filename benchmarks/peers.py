"""This tool against Argos Translate and LibreTranslate, side by side on one machine: the same model, the same
sentences, the same requests, interleaved.

    .venv/bin/python benchmarks/peers.py                    # about 25 minutes on 2 cores (first run: +5 for the venv)
    .venv/bin/python benchmarks/peers.py --seconds 10 --repeats 1 --offline-sentences 100   # a quick look
    .venv/bin/python benchmarks/peers.py --json benchmarks/results/peers-2-core-x86_64.json

Not part of CI: it installs the peers (argostranslate 1.11.0, libretranslate 1.9.6, with the CPU
torch first) into a virtual environment of their own (--peer-venv), never into the project's.

What is equal:
- The model: the random-weight opus-mt-sv-en-shaped MarianMT (benchmarks/opus_shaped.py),
  converted once to CTranslate2 int8. The Argos package's model/model.bin is a hard link to the
  very file this tool runs; the package's sentencepiece.model is the model's own (one model
  serves both sides of this shaped model).
- The sentences: the 500 real Swedish FLORES-101 sentences of tests/data/realdata/. A server
  request is two consecutive sentences, sent form-encoded to LibreTranslate's /translate (as
  libretranslatepy sends it) of either server; the offline post is all of them, five to a
  paragraph.
- The work: every CTranslate2 batch decodes as many tokens as the real opus-mt-sv-en wrote for
  its longest sentence, in both tools (benchmarks/replayed_lengths.py); the decoded tokens of
  each side are counted and reported, so the equality is checked, not assumed. Beam 4 in both
  (the shaped model's generation config; Argos's default beam_size).
- The load: one client sending requests one after another, then 16 at once, for --seconds each;
  every server is up for the whole run and they take turns, repeat after repeat.

What is not (and which way it leans):
- Sentence splitting: Argos 1.11 splits with MiniSBD (an ONNX model) by default, which it
  downloads from the internet; here it runs spaCy's rule-based sentencizer on a blank Swedish
  pipeline packaged inside the Argos package (ARGOS_CHUNK_TYPE=SPACY). That is cheaper than
  what Argos ships, so it leans towards Argos.
- This tool cleans, segments and guards every sentence (the fidelity checks; a flagged
  sentence is decoded again). Its engine is handed the real model's output, so the guard
  retries what it would retry with the real model; the retries are counted in the decoded
  tokens. Argos has no such work.
- Length penalty (Argos 0.2, this tool the model's 1.0) and Argos's replace_unknowns: with
  the lengths fixed they change which tokens come out, not how many.
- HTTP stacks: LibreTranslate runs Flask under waitress, this tool FastAPI under uvicorn.
- "Tuned" peers are given 2 CTranslate2 workers of 1 thread each (ARGOS_INTER_THREADS=2,
  ARGOS_INTRA_THREADS=1), this tool's layout on 2 cores; offline Argos is also tried with
  ARGOS_BATCH_SIZE=128 tokens. "As shipped" is every default.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from opus_shaped import converted_opus_shaped_marian  # noqa: E402
from replay_engine import load_real_pairs  # noqa: E402
from replayed_lengths import pieces_text, real_output_tokens  # noqa: E402
from serve_load import cpu_seconds, free_port, phase, post  # noqa: E402

PEERS = ("torch==2.13.0", "argostranslate==1.11.0", "libretranslate==1.9.6")
SHIM = HERE / "replayed_lengths.py"
TUNED = {"ARGOS_INTER_THREADS": "2", "ARGOS_INTRA_THREADS": "1"}


def ensure_peer_venv(venv: Path) -> dict[str, str]:
    """The peers' virtual environment, made once: the CPU torch first, so that the peers do not pull a CUDA one."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEERS[0]], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEERS[1:]], check=True)
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json"], check=True, capture_output=True, text=True
    ).stdout
    wanted = {"argostranslate", "libretranslate", "ctranslate2", "torch", "spacy", "sentencepiece"}
    return {p["name"].lower(): p["version"] for p in json.loads(listed) if p["name"].lower() in wanted}


def argos_home(work: Path, converted: Path, model: Path, python: Path) -> dict[str, str]:
    """Argos's data, config and cache folders under work, holding the shaped model as an sv->en package (and the
    same model as en->sv: LibreTranslate fetches the package index unless two packages are installed)."""
    home = work / "argos-home"
    packages = home / "data" / "argos-translate" / "packages"
    for source, target in (("sv", "en"), ("en", "sv")):
        package = packages / f"{source}_{target}"
        if (package / "metadata.json").is_file():
            continue
        (package / "model").mkdir(parents=True, exist_ok=True)
        os.link(converted / "model.bin", package / "model" / "model.bin")  # the very file this tool runs
        shutil.copy(converted / "shared_vocabulary.json", package / "model")
        config = json.loads((converted / "config.json").read_text(encoding="utf-8"))
        # A Marian model is trained with </s> after its input; this tool's tokenizer adds it, Argos's
        # sentencepiece does not, so CTranslate2 is told to (model.bin stays the same file).
        config["add_source_eos"] = True
        (package / "model" / "config.json").write_text(json.dumps(config), encoding="utf-8")
        shutil.copy(model / "source.spm", package / "sentencepiece.model")
        metadata = {
            "package_version": "1.0",
            "argos_version": "1.11",
            "from_code": source,
            "from_name": {"sv": "Swedish", "en": "English"}[source],
            "to_code": target,
            "to_name": {"sv": "Swedish", "en": "English"}[target],
            "code": f"translate-{source}_{target}",
        }
        (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
        # The sentencizer: spaCy's rule-based one on a blank Swedish pipeline, packaged (no download).
        subprocess.run(
            [str(python), "-c", f"import spacy; spacy.blank('sv').to_disk({str(package / 'spacy')!r})"], check=True
        )
    # Argos looks for a cached spaCy model at import (SPACY chunking) and would try to download one.
    (home / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True, exist_ok=True)
    return {
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_CHUNK_TYPE": "SPACY",
        "HF_HUB_OFFLINE": "1",
    }


def write_inputs(work: Path, tokenizer: Any, sentences: int) -> tuple[Path, list[str], Path]:
    """The replay table, the two-sentence requests, and the offline post."""
    pairs = load_real_pairs()
    table = []
    for pair in pairs:
        output = pair.outputs["opus-mt-sv-en"]
        source_ids = tokenizer(pair.source).input_ids
        table.append(
            {
                "source": pair.source,
                "key": pieces_text(tokenizer.convert_ids_to_tokens(source_ids)),
                "output": output,
                "tokens": real_output_tokens(output),
            }
        )
    lengths = work / "replayed-lengths.json"
    lengths.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    sources = [" ".join(p.source.split()) for p in pairs]
    requests = [f"{a} {b}" for a, b in zip(sources[0::2], sources[1::2])]
    chosen = sources[:sentences]
    post_file = work / "offline-post.txt"
    paragraphs = [" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5)]
    post_file.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return lengths, requests, post_file


def read_counts(path: Path) -> dict[str, int]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {"batches": 0, "rows": 0, "decoded_tokens": 0}


class Server:
    """One server process under the replay shim, up for the whole run."""

    def __init__(self, name: str, python: Path, mode: str, args: list[str], env: dict[str, str], work: Path) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.counts = work / f"counts-{name}.json"
        self.log = work / f"server-{name}.log"
        port_args = ["--host", "127.0.0.1", "--port", str(self.port)]
        command = [
            str(python),
            str(SHIM),
            str(work / "replayed-lengths.json"),
            str(self.counts),
            mode,
            *args,
            *port_args,
        ]
        self.process = subprocess.Popen(command, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def wait_ready(self, probe: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _ = post(self.base + "translate", probe)
                if status == 200:
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(1.0)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def measure(server: Server, texts: list[str], clients: int, seconds: float) -> dict[str, Any]:
    before, cpu_before = read_counts(server.counts), cpu_seconds(server.process.pid)
    figures = phase(server.base + "translate", texts, clients, seconds)
    after = read_counts(server.counts)
    figures["server_cores_busy"] = (cpu_seconds(server.process.pid) - cpu_before) / figures["seconds"]
    figures["decoded_tokens"] = after["decoded_tokens"] - before["decoded_tokens"]
    figures["decoded_tokens_per_request"] = figures["decoded_tokens"] / max(1, figures["requests"] + figures["errors"])
    figures["tokens_per_s"] = figures["decoded_tokens"] / figures["seconds"]
    return figures


def offline(name: str, python: Path, mode: str, args: list[str], env: dict[str, str], work: Path) -> dict[str, Any]:
    counts = work / f"counts-offline-{name}.json"
    command = [str(python), str(SHIM), str(work / "replayed-lengths.json"), str(counts), mode, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"offline {name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The warm-up's counts are in the file too: the timed post's are the counts minus the warm-up's rows,
    # which are tiny; the ratio uses seconds, and tokens/s uses the whole count (a slight overstatement, both sides).
    result["decoded_tokens"] = result["counts"]["decoded_tokens"]
    result["tokens_per_s"] = result["decoded_tokens"] / result["seconds"]
    return result


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="Length of each load phase.")
    parser.add_argument("--repeats", type=int, default=3, help="Rounds of the interleaved phases.")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--offline-sentences", type=int, default=200, help="Sentences in the offline post.")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-peers"))
    parser.add_argument("--peer-venv", type=Path, default=Path("/tmp/sv2en-peers/venv"))
    parser.add_argument("--skip", default="", help="Comma-separated parts to leave out: server, offline.")
    parser.add_argument("--json", type=Path, help="Write every figure here too.")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))

    versions = ensure_peer_venv(args.peer_venv)
    peer_python = args.peer_venv / "bin" / "python"
    model, our_env = converted_opus_shaped_marian(args.work)
    from translate.models.conversion import convert
    from translate.models.engines import load_tokenizer
    from translate.models.registry import load_registry

    converted = convert(load_registry().resolve(str(model), "translation"), "int8")
    tokenizer = load_tokenizer(converted.hf_path)
    lengths, texts, post_file = write_inputs(args.work, tokenizer, args.offline_sentences)
    argos_env = dict(os.environ, **argos_home(args.work, converted.path, model, peer_python))
    our_python = Path(sys.executable)
    ours_args = ["serve", "-m", str(model), "-s", "none", "--no-memory", "--backend", "ctranslate2-replayed"]
    lt_args = ["--load-only", "sv,en", "--disable-web-ui", "--disable-files-translation"]
    systems = {
        "this tool": (our_python, "ours", ours_args, our_env),
        "LibreTranslate as shipped": (peer_python, "libretranslate", lt_args, argos_env),
        "LibreTranslate tuned": (peer_python, "libretranslate", lt_args, dict(argos_env, **TUNED)),
    }
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.python_version()}",
        "peer_versions": versions,
        "settings": {
            "this tool": "translate serve, defaults (CTranslate2 int8, 2x1 threads on 2 cores), -s none, --no-memory",
            "LibreTranslate as shipped": (
                "defaults (--threads 4; Argos inter_threads 1, intra_threads 0, batch 32 tokens)"
            ),
            "LibreTranslate tuned": "ARGOS_INTER_THREADS=2 ARGOS_INTRA_THREADS=1, otherwise defaults",
            "Argos as shipped": "defaults (inter_threads 1, intra_threads 0, batch 32 tokens, beam 4)",
            "Argos tuned": "ARGOS_INTER_THREADS=2 ARGOS_INTRA_THREADS=1",
            "Argos tuned, batch 128": "the same and ARGOS_BATCH_SIZE=128",
            "all": "ARGOS_CHUNK_TYPE=SPACY for the peers (a packaged blank Swedish spaCy pipeline)",
        },
        "seconds_per_phase": args.seconds,
        "repeats": args.repeats,
        "requests_in_pool": len(texts),
        "server": {name: {"sequential": [], "concurrent": []} for name in systems},
        "offline": {},
    }

    if "server" not in skip:
        servers = {name: Server(name.replace(" ", "-"), *spec, work=args.work) for name, spec in systems.items()}
        try:
            for server in servers.values():
                server.wait_ready(texts[-1])
                for text in texts[-4:-1]:
                    post(server.base + "translate", text)  # warm-up
            for repeat in range(args.repeats):
                order = list(servers)[repeat % len(servers) :] + list(servers)[: repeat % len(servers)]
                for load, clients in (("sequential", 1), ("concurrent", args.clients)):
                    for name in order:
                        figures = measure(servers[name], texts, clients, args.seconds)
                        results["server"][name][load].append(figures)
                        print(
                            f"[{repeat + 1}/{args.repeats}] {name:>26}, {clients:2d} clients: "
                            f"{figures['requests_per_s']:.2f} req/s, p50 {figures['p50_s']:.2f} s, "
                            f"server CPU {figures['server_cores_busy']:.2f} cores, "
                            f"{figures['decoded_tokens_per_request']:.0f} tokens/request, {figures['errors']} errors",
                            flush=True,
                        )
        finally:
            for server in servers.values():
                server.stop()

    if "offline" not in skip:
        runners = {
            "this tool": (our_python, "ours-offline", [str(post_file), str(model)], our_env),
            "Argos as shipped": (peer_python, "argos-offline", [str(post_file)], argos_env),
            "Argos tuned": (peer_python, "argos-offline", [str(post_file)], dict(argos_env, **TUNED)),
            "Argos tuned, batch 128": (
                peer_python,
                "argos-offline",
                [str(post_file)],
                dict(argos_env, **TUNED, ARGOS_BATCH_SIZE="128"),
            ),
        }
        results["offline"] = {name: [] for name in runners}
        for repeat in range(args.repeats):
            order = list(runners)[repeat % len(runners) :] + list(runners)[: repeat % len(runners)]
            for name in order:
                if name == "Argos as shipped" and repeat > 0:
                    continue  # minutes a run, and no target is measured against it: once is enough
                figures = offline(name.replace(" ", "-").replace(",", ""), *runners[name], work=args.work)
                results["offline"][name].append(figures)
                print(
                    f"[{repeat + 1}/{args.repeats}] offline {name:>22}: {figures['seconds']:.1f} s, "
                    f"{figures['tokens_per_s']:.0f} decoded tokens/s ({figures['decoded_tokens']} tokens)",
                    flush=True,
                )

    summary = summarize(results)
    results["summary"] = summary
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Medians over the repeats, and this tool's ratios to the tuned peers (the targets of issue 19)."""
    summary: dict[str, Any] = {"server": {}, "offline": {}, "ratios": {}}
    for name, loads in results["server"].items():
        for load, runs in loads.items():
            if runs:
                summary["server"].setdefault(name, {})[load] = {
                    key: median_of(runs, key)
                    for key in ("requests_per_s", "p50_s", "p95_s", "server_cores_busy", "decoded_tokens_per_request")
                }
    for name, runs in results["offline"].items():
        if runs:
            summary["offline"][name] = {key: median_of(runs, key) for key in ("seconds", "tokens_per_s")}
    server = summary["server"]
    if "this tool" in server and "LibreTranslate tuned" in server:
        ours, tuned = server["this tool"], server["LibreTranslate tuned"]
        for load in ("sequential", "concurrent"):
            if load in ours and load in tuned:
                summary["ratios"][f"{load}: requests/s vs LibreTranslate tuned"] = (
                    ours[load]["requests_per_s"] / tuned[load]["requests_per_s"]
                )
                summary["ratios"][f"{load}: p50 vs LibreTranslate tuned"] = ours[load]["p50_s"] / tuned[load]["p50_s"]
    off = summary["offline"]
    if "this tool" in off:
        argos = [name for name in off if name.startswith("Argos tuned")]
        if argos:
            best = min(argos, key=lambda name: off[name]["seconds"])
            summary["ratios"][f"offline: speed vs the faster tuned Argos ({best})"] = (
                off[best]["seconds"] / off["this tool"]["seconds"]
            )
    return summary


if __name__ == "__main__":
    main()
