from pathlib import Path

from summarize import extractive_summary, rank_sentences, summarize_abstractive
from summarize.abstractive import pack_chunks
from translate.models.registry import load_registry
from translate.models.seq2seq import Seq2SeqGenerator
from translate.options import EngineOptions

ENGLISH = [
    "Renewable energy from sun and wind is shared by many people.",
    "The weather was nice on Tuesday.",
    "Networks of people share energy, knowledge and resources instead of competing.",
    "Cooperation in networks replaces the old market of buyers and sellers.",
    "My cat likes fish.",
    "Open source networks share knowledge and software with millions of people.",
]


def test_extractive_picks_central_sentences_in_order() -> None:
    summary = extractive_summary(ENGLISH, max_sentences=2)
    scores = rank_sentences(ENGLISH)
    assert scores[4] == min(scores)  # the cat has nothing in common with the rest
    picked = [s for s in ENGLISH if s in summary]
    assert len(picked) == 1  # a fifth of six sentences, rounded
    assert "cat" not in summary and "weather" not in summary
    longer = extractive_summary(ENGLISH * 3, max_sentences=2)
    assert longer.count(".") == 2
    # Several picked sentences keep the order they had in the text, whatever their scores.
    numbered = [f"{s[:-1]} in part {i}." for i, s in enumerate(ENGLISH * 2)]
    numbered[-1] = " ".join(s[:-1] for s in ENGLISH[:4]) + " and more."  # the most central, and the last
    scores = rank_sentences(numbered)
    best = sorted(range(len(numbered)), key=lambda i: -scores[i])[:2]
    assert best != sorted(best)  # the better of the two stands later, so score order is not text order
    assert extractive_summary(numbered, max_sentences=3) == " ".join(numbered[i] for i in sorted(best))


def test_extractive_edge_cases() -> None:
    assert extractive_summary([]) == ""
    assert extractive_summary(["Only one."]) == "Only one."


class FakeGenerator:
    """Summarizes by keeping the first three words of each input; records what it saw."""

    max_input_tokens = 12

    def __init__(self) -> None:
        self.inputs: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def generate(self, texts, on_progress=None):  # type: ignore[no-untyped-def]
        self.inputs.append(list(texts))
        return [" ".join(t.split()[:3]) for t in texts]


def test_long_text_is_chunked_and_every_sentence_read() -> None:
    sentences = [f"Sentence number {i} has some words." for i in range(20)]
    fake = FakeGenerator()
    summary = summarize_abstractive(sentences, fake)
    first_round = fake.inputs[0]
    assert " ".join(first_round) == " ".join(sentences)  # nothing skipped
    assert all(fake.count_tokens(chunk) <= 12 for chunk in first_round)
    assert len(fake.inputs) > 2  # partial summaries were summarized again
    assert fake.count_tokens(summary) <= 12


def test_pack_chunks_keeps_an_overlong_sentence_whole() -> None:
    chunks = pack_chunks(["a b", "c d e f g h", "i"], lambda t: len(t.split()), 3)
    assert chunks == ["a b", "c d e f g h", "i"]


def test_tiny_bart_summarizes_text_longer_than_its_positions(tiny_bart: Path, backend: str) -> None:
    spec = load_registry().resolve(str(tiny_bart), "summarization")
    engine = EngineOptions(backend=backend, device="cpu")
    generator = Seq2SeqGenerator(spec, engine=engine, task="summarization")
    assert generator.engine.backend == backend
    assert generator.max_input_tokens == 62
    text = ENGLISH * 6
    assert generator.count_tokens(" ".join(text)) > 4 * 64
    summary = summarize_abstractive(text, generator)
    assert summary.strip()


def test_summarize_many_matches_one_at_a_time_and_shares_batches() -> None:
    from summarize import summarize_many

    class Recording:
        """Keeps the first half of the words of each chunk, and records each generate() call."""

        max_input_tokens = 12

        def __init__(self) -> None:
            self.calls: list[int] = []

        def count_tokens(self, text: str) -> int:
            return len(text.split())

        def generate(self, texts, on_progress=None):  # type: ignore[no-untyped-def]
            self.calls.append(len(texts))
            return [" ".join(t.split()[: max(1, len(t.split()) // 2)]) for t in texts]

    texts = [ENGLISH, ENGLISH[:2], [], ENGLISH * 3]
    together = Recording()
    many = summarize_many(texts, together)
    recorders = [Recording() for _ in texts]
    alone = [summarize_abstractive(t, r) for t, r in zip(texts, recorders)]
    assert many == alone and many[2] == ""
    # One generate() per round for all texts together: as many calls as the longest text needs alone.
    assert len(together.calls) == max(len(r.calls) for r in recorders) < sum(len(r.calls) for r in recorders)
    assert sum(together.calls) == sum(sum(r.calls) for r in recorders)


def test_summarize_imports_on_its_own() -> None:
    """translate imports summarize; summarize must not need translate at import time (no cycle)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from summarize import summarize_many, extractive_summary"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
