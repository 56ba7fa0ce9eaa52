"""Seq2SeqGenerator: batching and the no-truncation guarantee, on a tiny Marian with 40 positions.

Every test runs on both engines (torch and CTranslate2); the fixture checks it got the one it asked for."""

from pathlib import Path

import pytest

from translate.models.registry import load_registry
from translate.models.seq2seq import Seq2SeqGenerator
from translate.options import EngineOptions, GenerationOptions

LONG_SENTENCE = (
    "Vi pratade om skolan, om biblioteket, om tåget från Göteborg, om kaffet och kanelbullarna, "
    "om vintern som var kall, om snön som låg kvar till april, om barnen som lekte i parken, "
    "om regeringen och dess nya plan för bostäder och trafik, om öppen källkod och om bloggen "
    "som har funnits sedan 2009 och som har många läsare i hela landet"
)


@pytest.fixture(scope="module", params=["torch", "ctranslate2"])
def generator(tiny_marian: Path, request: pytest.FixtureRequest) -> Seq2SeqGenerator:
    spec = load_registry().resolve(str(tiny_marian), "translation")
    engine = EngineOptions(backend=request.param, device="cpu")
    generator = Seq2SeqGenerator(spec, GenerationOptions(max_batch_tokens=64), engine)
    # Every test below runs on the engine its parameter names, never on a fallback.
    assert generator.engine.backend == request.param
    return generator


def test_the_engine_asked_for_is_the_one_used(generator: Seq2SeqGenerator, request: pytest.FixtureRequest) -> None:
    from translate.models.engines import CTranslate2Engine, TorchEngine

    asked = request.node.callspec.params["generator"]
    assert type(generator.engine) is {"torch": TorchEngine, "ctranslate2": CTranslate2Engine}[asked]
    if asked == "ctranslate2":
        assert generator.engine_description.startswith("ctranslate2 int8 on cpu")
        # What the translator really runs (int8 weights, float32 activations on this CPU), not just the label.
        assert generator.engine.translator.compute_type.startswith("int8")
    else:
        assert generator.engine_description == "torch float32 on cpu"


def test_input_limit_leaves_room_for_output(generator: Seq2SeqGenerator) -> None:
    assert generator.max_positions == 40
    limit = generator.max_input_tokens
    assert generator.generation_kwargs(limit)["max_new_tokens"] <= 39
    assert generator.generation_kwargs(3)["max_new_tokens"] >= 2 * 3


def test_long_sentence_is_split_not_truncated(generator: Seq2SeqGenerator, monkeypatch: pytest.MonkeyPatch) -> None:
    assert generator.count_tokens(LONG_SENTENCE) > 3 * generator.max_positions
    # Record which text each token sequence came from, and what the engine was given.
    text_of: dict[tuple[int, ...], str] = {}
    encode = generator.tokenizer.__call__

    def recording_tokenizer(text, *args, **kwargs):  # type: ignore[no-untyped-def]
        encoded = encode(text, *args, **kwargs)
        text_of[tuple(encoded.input_ids)] = text
        return encoded

    sent: list[list[int]] = []
    run_batches = generator.engine.generate_batches

    def recording_engine(requests):  # type: ignore[no-untyped-def]
        for inputs, _ in requests:
            sent.extend(inputs)
        return run_batches(requests)

    monkeypatch.setattr(generator, "tokenizer", _Proxy(generator.tokenizer, recording_tokenizer))
    monkeypatch.setattr(generator.engine, "generate_batches", recording_engine)
    outputs = generator.generate(["Kort mening.", LONG_SENTENCE, "En till."])
    assert len(outputs) == 3 and all(outputs)
    seen = [text_of[tuple(ids)] for ids in sent]
    # Every word of the long sentence went to the model, in pieces that fit.
    assert sorted(" ".join(seen).split()) == sorted(f"Kort mening. {LONG_SENTENCE} En till.".split())
    assert len(seen) > 3
    assert all(len(ids) <= generator.max_input_tokens for ids in sent)
    # ...and the engine was allowed to generate for as long as each input needs.
    assert generator.generation_kwargs(generator.max_input_tokens)["max_new_tokens"] > 2 * generator.max_input_tokens


def test_batches_are_sorted_packed_and_complete(generator: Seq2SeqGenerator) -> None:
    lengths = [5, 30, 12, 12, 7, 1, 29, 3]
    batches = generator._batches(lengths)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    for batch in batches:
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 64


def test_progress_reaches_the_total(generator: Seq2SeqGenerator) -> None:
    calls: list[tuple[int, int]] = []
    generator.generate(["Ett.", "Två.", "Tre."], lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


class _Proxy:
    """A tokenizer stand-in that records calls and forwards everything else."""

    def __init__(self, inner, call) -> None:  # type: ignore[no-untyped-def]
        self._inner, self._call = inner, call

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self._call(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)


def test_end_of_sentence_id_is_taken_from_the_model(tmp_path: Path, backend: str) -> None:
    """tc-big models have </s> far from id 0; nothing may assume it."""
    from tiny_models import build_tiny_marian

    folder = build_tiny_marian(tmp_path / "eos-last", eos_last=True)
    spec = load_registry().resolve(str(folder), "translation")
    generator = Seq2SeqGenerator(spec, engine=EngineOptions(backend=backend, device="cpu"))
    assert generator.engine.backend == backend
    assert generator.tokenizer.eos_token_id == generator.engine.config["eos_token_id"] != 0
    outputs = generator.generate(["Vi gick hem.", "Det var en gång en liten by vid havet."])
    assert len(outputs) == 2 and all(outputs)
    assert "</s>" not in " ".join(outputs)


def test_a_short_plan_is_spread_over_the_engines_workers() -> None:
    """Two sentences as one batch would keep one of two workers idle; a long plan is left as packed."""
    from translate.models.seq2seq import _spread

    assert _spread([[0, 1]], 2) == [[0], [1]]
    assert _spread([[0, 1, 2, 3, 4]], 2) == [[0, 1, 2], [3, 4]]
    four = _spread([[0, 1, 2, 3], [4, 5]], 4)
    assert len(four) == 4 and sorted(i for b in four for i in b) == list(range(6)) and max(map(len, four)) == 2
    assert _spread([[0]], 2) == [[0]]  # one sentence cannot be shared
    packed = [[0, 1], [2, 3], [4]]
    assert _spread(packed, 2) == packed and _spread(packed, 1) == packed
