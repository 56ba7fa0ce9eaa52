"""`python tests/fake_cli.py ARGS...`: the real `translate` entry point with the fake backend registered, for
tests that need a process of its own (its file descriptors, its signals)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import fake_engine  # noqa: E402, F401  (registers the fake backend through the real seam)

from translate.cli import main  # noqa: E402

sys.argv[0] = "translate"
main()
