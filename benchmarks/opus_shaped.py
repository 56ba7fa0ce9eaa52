"""A random-weight MarianMT with exactly opus-mt-sv-en's shape, for benchmarks that cannot download the real one.

d_model 512, 6 encoder and 6 decoder layers, 8 heads, FFN 2048, swish, 512 positions and a
vocabulary of 56,000 with an untied output layer: random weights with a tied output layer
repeat one token forever, which would make every decoding step trivially cheap to predict
but no cheaper to compute, and would stop the guard from behaving as with varied output.

The sentencepiece models are trained on the Swedish text of tests/corpus (so a word costs
about as many tokens as with the real model); the vocabulary is then padded with unused
pieces to the real size, because the output layer's width is what decoding pays for.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VOCAB_SIZE = 56_000
SPM_VOCAB = 4_000


def swedish_text() -> str:
    """Every Swedish post in the test corpus, as plain text."""
    import sys

    sys.path.insert(0, str(ROOT))
    from translate.pipeline import prepare_document
    from translate.reading import read_text

    texts = []
    for path in sorted((ROOT / "tests" / "corpus" / "posts").iterdir()):
        if path.suffix in (".txt", ".md", ".html"):
            # Some posts are deliberately cp1252 or UTF-16: read them as the tool does.
            document = prepare_document(read_text(path), path.name)
            texts.extend(p.source for p in document.all_paragraphs())
    texts.append((ROOT / "tests" / "data" / "corpus_sv.txt").read_text(encoding="utf-8"))
    return "\n".join(texts)


def build_opus_shaped_marian(folder: Path, num_beams: int = 4, seed: int = 0) -> Path:
    """Build the model into folder (skipped when it is already there) and return folder."""
    if (folder / "generation_config.json").is_file():
        return folder
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "sv.txt"
        corpus.write_text(swedish_text(), encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(folder / "source"),
            vocab_size=SPM_VOCAB,
            hard_vocab_limit=False,
            model_type="unigram",
            character_coverage=1.0,
            bos_id=-1,
            eos_id=-1,
            unk_id=0,
            pad_id=-1,
            minloglevel=2,
        )
    (folder / "source.model").rename(folder / "source.spm")
    (folder / "source.vocab").unlink()
    # Random weights make the output language meaningless; one sentencepiece model serves both sides.
    (folder / "target.spm").write_bytes((folder / "source.spm").read_bytes())

    processor = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        piece = processor.id_to_piece(i)
        if piece not in vocab and piece != "<pad>":
            vocab[piece] = len(vocab)
    while len(vocab) < VOCAB_SIZE - 1:
        vocab[f"▁unused{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = len(vocab)  # last, as in opus-mt
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        model_max_length=512,
    ).save_pretrained(folder)

    pad, eos = vocab["<pad>"], vocab["</s>"]
    config = MarianConfig(
        vocab_size=VOCAB_SIZE,
        decoder_vocab_size=VOCAB_SIZE,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        activation_function="swish",
        max_position_embeddings=512,
        pad_token_id=pad,
        eos_token_id=eos,
        decoder_start_token_id=pad,
        forced_eos_token_id=eos,
        tie_word_embeddings=False,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
    )
    torch.manual_seed(seed)
    MarianMTModel(config).save_pretrained(folder)
    GenerationConfig(
        num_beams=num_beams,
        max_length=512,
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=eos,
        forced_eos_token_id=eos,
        renormalize_logits=True,
    ).save_pretrained(folder)
    return folder
