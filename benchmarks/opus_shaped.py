"""A random-weight MarianMT with exactly opus-mt-sv-en's shape, for benchmarks that cannot download the real one.

d_model 512, 6 encoder and 6 decoder layers, 8 heads, FFN 2048, swish, 512 positions and a
vocabulary of 56,000 with an untied output layer (random weights with a tied one repeat a
single token forever). It is built by tests/tiny_models.build_marian, like the tests' models.

The sentencepiece models are trained on the Swedish text of tests/corpus (so a word costs
about as many tokens as with the real model); the vocabulary is then padded with unused
pieces to the real size, because the output layer's width is what decoding pays for.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VOCAB_SIZE = 56_000
SPM_VOCAB = 4_000


def swedish_text() -> str:
    """Every Swedish post in the test corpus, as plain text."""
    sys.path.insert(0, str(ROOT))
    from translate.pipeline import prepare_document

    texts = []
    for path in sorted((ROOT / "tests" / "corpus" / "posts").iterdir()):
        if path.suffix in (".txt", ".md", ".html"):
            # Some posts are deliberately cp1252 or UTF-16: read them as the tool does.
            document = prepare_document(path.read_bytes(), path.name)
            texts.extend(p.source for p in document.all_paragraphs())
    texts.append((ROOT / "tests" / "data" / "corpus_sv.txt").read_text(encoding="utf-8"))
    return "\n".join(texts)


def build_opus_shaped_marian(folder: Path, num_beams: int = 4, seed: int = 0) -> Path:
    """Build the model into folder (skipped when it is already there) and return folder."""
    if (folder / "generation_config.json").is_file():
        return folder
    sys.path.insert(0, str(ROOT / "tests"))
    from tiny_models import build_marian

    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "sv.txt"
        corpus.write_text(swedish_text(), encoding="utf-8")
        # Random weights make the output language meaningless; one sentencepiece model serves both sides.
        return build_marian(
            folder,
            corpus,
            None,
            spm_vocab=SPM_VOCAB,
            exact_spm_vocab=False,
            vocab_size=VOCAB_SIZE,
            max_position_embeddings=512,
            tie_output=False,
            d_model=512,
            layers=6,
            heads=8,
            ffn_dim=2048,
            activation="swish",
            num_beams=num_beams,
            seed=seed,
        )


def converted_opus_shaped_marian(work: Path) -> tuple[Path, dict[str, str]]:
    """The model, built once under work and converted to CTranslate2 int8 before any timing,
    and the environment under which `translate` processes find that conversion (offline)."""
    import os

    env = dict(os.environ, HF_HUB_OFFLINE="1", HANDOUT_CACHE_DIR=str(work / "cache"))
    os.environ.update(env)  # this process converts into the same cache
    model = build_opus_shaped_marian(work / "opus-mt-sv-en-shaped")
    sys.path.insert(0, str(ROOT))
    from translate.models.conversion import convert
    from translate.models.registry import load_registry

    convert(load_registry().resolve(str(model), "translation"), "int8")
    return model, env
