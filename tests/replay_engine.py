"""A replay engine: answers a known Swedish sentence with what the real opus-mt-sv-en (or tc-big) wrote for it,
from tests/data/realdata/, through the pipeline's seam for engines given from Python (models/external.py).

The recordings were made from unmasked sources. A sentence that reaches the engine with
markers ("Läs [1] i dag.") is matched to its recorded source with each marker standing for
any span, and answered in one of two modes: ``echo_markers=True`` writes the marker back
where the recorded output contains the span verbatim (a model that keeps placeholders);
``False`` returns the recording as it is (a model that drops them, which is what the
recordings are). A sentence it has no recording for raises KeyError: a test must know what
it asks.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

REALDATA = Path(__file__).parent / "data" / "realdata" / "flores101-devtest-first500.swe-eng.tsv"
MODELS = ("opus-mt-sv-en", "opus-mt-tc-big-gmq-en")
_MARKER = re.compile(r"[\[{<](\d{1,3})[\]}>]")


@dataclass(frozen=True)
class RealPair:
    source: str
    reference: str
    outputs: dict[str, str]  # model name -> what it wrote


def _squash(text: str) -> str:
    return " ".join(text.split())


def load_real_pairs(path: Path = REALDATA) -> list[RealPair]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [RealPair(row["source_swe"], row["reference_eng"], {m: row[m] for m in MODELS}) for row in rows]


class ReplayEngine:
    """A TextTranslator over recorded outputs."""

    def __init__(self, pairs: list[RealPair], model: str = "opus-mt-sv-en", echo_markers: bool = False) -> None:
        self.name = f"{model} (replayed)"
        self.echo_markers = echo_markers
        self.recorded = {_squash(p.source): p.outputs[model] for p in pairs}
        self.calls: list[list[str]] = []

    def translate(self, texts: list[str]) -> list[str]:
        self.calls.append(list(texts))
        return [self.answer(text) for text in texts]

    def answer(self, text: str) -> str:
        key = _squash(text)
        if key in self.recorded:
            return self.recorded[key]
        markers = list(_MARKER.finditer(key))
        if not markers:
            raise KeyError(f"no recorded output for {text!r}")
        pattern, cursor = [], 0
        for marker in markers:
            pattern.append(re.escape(key[cursor : marker.start()]))
            pattern.append("(.+?)")
            cursor = marker.end()
        pattern.append(re.escape(key[cursor:]))
        regex = re.compile("".join(pattern))
        for source, output in self.recorded.items():
            match = regex.fullmatch(source)
            if match:
                if self.echo_markers:
                    for marker, span in zip(markers, match.groups()):
                        output = output.replace(span, marker.group(), 1)
                return output
        raise KeyError(f"no recorded output for {text!r} (with its markers as any span)")
