"""Build tiny random-weight models offline: a MarianMT with sentencepiece tokenizers and a BART with byte-level BPE.

They translate and summarize nonsense, but through exactly the code paths a real
opus-mt or distilbart model takes (AutoTokenizer, AutoModelForSeq2SeqLM, generate).
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def build_tiny_marian(
    folder: Path,
    max_position_embeddings: int = 40,
    tie_output: bool = True,
    d_model: int = 16,
    layers: int = 1,
    num_beams: int = 2,
    seed: int = 0,
    eos_last: bool = False,
) -> Path:
    """A MarianMT model with source.spm/target.spm trained on the test corpora.

    ``eos_last`` puts </s> near the end of the vocabulary, as tc-big models have it, to
    catch code that assumes the end-of-sentence id is 0.
    """
    return build_marian(
        folder,
        DATA / "corpus_sv.txt",
        DATA / "corpus_en.txt",
        max_position_embeddings=max_position_embeddings,
        tie_output=tie_output,
        d_model=d_model,
        layers=layers,
        num_beams=num_beams,
        seed=seed,
        eos_last=eos_last,
    )


def build_marian(
    folder: Path,
    source_corpus: Path,
    target_corpus: Path | None,
    *,
    spm_vocab: int = 200,
    exact_spm_vocab: bool = True,
    vocab_size: int | None = None,
    max_position_embeddings: int = 40,
    tie_output: bool = True,
    d_model: int = 16,
    layers: int = 1,
    heads: int = 2,
    ffn_dim: int | None = None,
    activation: str = "gelu",
    num_beams: int = 2,
    seed: int = 0,
    eos_last: bool = False,
) -> Path:
    """A random-weight MarianMT of any shape with sentencepiece models trained on the given text.

    ``target_corpus`` None uses the source sentencepiece model for both sides. ``vocab_size``
    pads the joint vocabulary with unused pieces to that size (the output layer's width is
    what decoding pays for, so a benchmark model needs the real one).
    """
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    sides = [("source", source_corpus)] + ([("target", target_corpus)] if target_corpus is not None else [])
    for side, corpus in sides:
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(folder / side),
            vocab_size=spm_vocab,
            # False: a corpus too small for spm_vocab pieces gives what it has instead of failing.
            hard_vocab_limit=exact_spm_vocab,
            model_type="unigram",
            character_coverage=1.0,
            # Marian's own specials live in vocab.json; keep sentencepiece's out of the way.
            bos_id=-1,
            eos_id=-1,
            unk_id=0,
            pad_id=-1,
            minloglevel=2,
        )
        (folder / f"{side}.model").rename(folder / f"{side}.spm")
        (folder / f"{side}.vocab").unlink()
    if target_corpus is None:
        (folder / "target.spm").write_bytes((folder / "source.spm").read_bytes())

    # One joint vocabulary, as opus-mt has: </s> = 0, <unk> = 1, pieces, <pad> last.
    pieces: list[str] = []
    for side in ("source", "target"):
        processor = spm.SentencePieceProcessor(model_file=str(folder / f"{side}.spm"))
        for i in range(processor.get_piece_size()):
            piece = processor.id_to_piece(i)
            if piece not in pieces and piece not in ("<unk>", "</s>", "<pad>"):
                pieces.append(piece)
    vocab = {"<unk>": 0} if eos_last else {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab[piece] = len(vocab)
    while vocab_size is not None and len(vocab) < vocab_size - (2 if eos_last else 1):
        vocab[f"▁unused{len(vocab)}"] = len(vocab)
    if eos_last:
        vocab["</s>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    eos = vocab["</s>"]
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    tokenizer = MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        model_max_length=max_position_embeddings,
    )
    tokenizer.save_pretrained(folder)

    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn_dim or 2 * d_model,
        decoder_ffn_dim=ffn_dim or 2 * d_model,
        activation_function=activation,
        max_position_embeddings=max_position_embeddings,
        pad_token_id=pad,
        eos_token_id=eos,
        decoder_start_token_id=pad,
        forced_eos_token_id=eos,
        tie_word_embeddings=tie_output,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.save_pretrained(folder)
    # Generation settings in the model config are not copied into generation_config.json.
    GenerationConfig(
        num_beams=num_beams,
        max_length=max_position_embeddings,
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=eos,
        forced_eos_token_id=eos,
        renormalize_logits=True,
    ).save_pretrained(folder)
    return folder


def build_tiny_bart(folder: Path, max_position_embeddings: int = 64, max_length: int = 12, seed: int = 0) -> Path:
    """A BART summarizer with a byte-level BPE tokenizer trained on the English corpus."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import RobertaProcessing
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        GenerationConfig,
        PreTrainedTokenizerFast,
    )

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    trained = ByteLevelBPETokenizer()
    trained.train(files=[str(DATA / "corpus_en.txt")], vocab_size=400, min_frequency=1, special_tokens=specials)
    trained.post_processor = RobertaProcessing(
        ("</s>", trained.token_to_id("</s>")), ("<s>", trained.token_to_id("<s>"))
    )
    # BartTokenizerFast(vocab_file=..., merges_file=...) silently yields a 5-token tokenizer
    # under transformers 5; wrapping the trained object keeps the whole vocabulary.
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=trained,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=max_position_embeddings,
    )
    ids = tokenizer("The coffee was strong.").input_ids
    assert len(ids) > 3 and ids[0] == 0 and ids[-1] == 2, ids
    tokenizer.save_pretrained(folder)

    # <s> = 0, <pad> = 1, </s> = 2, as the specials were listed; BART starts decoding with </s>.
    special_ids = dict(
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    )
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=max_position_embeddings,
        **special_ids,
    )
    torch.manual_seed(seed)
    BartForConditionalGeneration(config).save_pretrained(folder)
    GenerationConfig(
        num_beams=2,
        max_length=max_length,
        min_length=4,
        no_repeat_ngram_size=3,
        early_stopping=True,
        **special_ids,
    ).save_pretrained(folder)
    return folder
