"""Load on `translate serve`: 16 concurrent clients for 30 s against the same requests sent one at a time.

    .venv/bin/python benchmarks/serve_load.py                      # 30 s per phase, 16 clients
    .venv/bin/python benchmarks/serve_load.py --seconds 10 --json benchmarks/results/serve.json

The server runs as `translate serve` on a loopback port with the random-weight
opus-mt-sv-en-shaped model (benchmarks/opus_shaped.py, CTranslate2 int8, converted before
timing), no summarizer, and no translation memory, so that neither phase can answer from
earlier work. Each request is a LibreTranslate /translate call (form-encoded, as
libretranslatepy sends it) of a two-sentence paragraph from the test corpus; client c starts
at its own offset in the list, so that concurrent requests rarely share a sentence (the
server's count of sentences reused within a round is reported too).

Phases, in one run against one server: a short warm-up, then one client sending requests one
at a time for --seconds, then --clients clients at once for --seconds. Throughput counts the
requests completed; latency is per request, as the client sees it.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from opus_shaped import converted_opus_shaped_marian  # noqa: E402
from speed import benchmark_sentences  # noqa: E402


def paragraphs() -> list[str]:
    """Two-sentence paragraphs of real blog sentences, each sentence used once."""
    sentences = benchmark_sentences(10_000)
    return [f"{a} {b}" for a, b in zip(sentences[0::2], sentences[1::2])]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(url: str, text: str) -> tuple[int, float]:
    body = urllib.parse.urlencode({"q": text, "source": "sv", "target": "en"}).encode()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=300) as response:
            json.load(response)["translatedText"]
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        status = 0
    return status, time.perf_counter() - started


def phase(url: str, texts: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """clients loops, each sending one request after another until the time is up."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        position = number * len(texts) // clients
        while time.perf_counter() < deadline:
            outcome = post(url, texts[position % len(texts)])
            position += 1
            with lock:
                results.append(outcome)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ok = sorted(latency for status, latency in results if status == 200)
    errors = [status for status, _ in results if status != 200]
    return {
        "clients": clients,
        "seconds": elapsed,
        "requests": len(ok),
        "errors": len(errors),
        "server_errors": sum(1 for status in errors if status >= 500 or status == 0),
        "requests_per_s": len(ok) / elapsed,
        "p50_s": statistics.median(ok) if ok else None,
        "p95_s": ok[min(len(ok) - 1, int(0.95 * len(ok)))] if ok else None,
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its threads so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def health(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(base + "health", timeout=10) as response:
        return dict(json.load(response))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="Length of each phase.")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sv2en-speed"))
    parser.add_argument("--json", type=Path, help="Write the figures here too.")
    args = parser.parse_args()
    model, env = converted_opus_shaped_marian(args.work)
    texts = paragraphs()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = args.work / "serve-load.log"
    command = [sys.executable, "-m", "translate", "serve", "--port", str(port), "-m", str(model), "-s", "none"]
    server = subprocess.Popen([*command, "--no-memory"], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if health(base)["status"] == "ready":
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.3)
        for text in texts[-3:]:
            post(base + "translate", text)  # warm-up
        figures: dict[str, Any] = {}
        for name, clients in (("sequential", 1), ("concurrent", args.clients)):
            before = health(base)["done"]
            cpu_before = cpu_seconds(server.pid)
            figures[name] = phase(base + "translate", texts, clients, args.seconds)
            # The server's CPU time over the phase, from /proc: 2.0 cores means both kept busy.
            figures[name]["server_cores_busy"] = (cpu_seconds(server.pid) - cpu_before) / figures[name]["seconds"]
            after = health(base)["done"]
            # As the server split them (a paragraph is not always exactly two sentences).
            figures[name]["sentences"] = after["sentences"] - before["sentences"]
            figures[name]["sentences_per_s"] = figures[name]["sentences"] / figures[name]["seconds"]
            figures[name]["sentences_reused"] = after["sentences_reused"] - before["sentences_reused"]
        status = health(base)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)

    figures.update(
        engine=status.get("engine"),
        paragraphs_in_pool=len(texts),
        speedup=figures["concurrent"]["requests_per_s"] / figures["sequential"]["requests_per_s"],
        rounds=status["done"]["rounds"],
    )
    for name in ("sequential", "concurrent"):
        f = figures[name]
        print(
            f"{name:>10}: {f['clients']:2d} clients, {f['requests']} requests in {f['seconds']:.1f} s = "
            f"{f['requests_per_s']:.2f} req/s ({f['sentences_per_s']:.1f} sentences/s), "
            f"p50 {f['p50_s']:.2f} s, p95 {f['p95_s']:.2f} s, {f['errors']} errors ({f['server_errors']} 5xx), "
            f"server CPU {f['server_cores_busy']:.2f} cores"
        )
    print(
        f"concurrent / sequential throughput: {figures['speedup']:.2f}x "
        f"({figures['concurrent']['sentences_reused']} sentences reused within rounds; {status.get('engine')})"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
