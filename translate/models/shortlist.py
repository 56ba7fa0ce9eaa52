"""Vocabulary shortlist: a CTranslate2 vocabulary map that lets the decoder score a few thousand likely
English pieces per sentence instead of the whole 56k vocabulary.

The output layer is about half of a Marian decoder's work per token, so a shortlist makes
decoding markedly faster. It can also change a translation (a piece outside the list can
never be chosen), which is why it is opt-in (--shortlist) and why `translate eval` takes
--shortlist too: score a parallel text with and without it before relying on it.

The map needs no parallel corpus: it always allows the target sentencepiece model's most
probable pieces (a unigram model's piece scores are log probabilities, so these are the
commonest English pieces) and, for each source piece, that same piece, so names, numbers,
URLs and the fidelity module's [N] markers can always be copied through.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from translate.errors import ConfigError
from translate.models.conversion import HF_FOLDER, ConvertedModel

DEFAULT_SIZE = 8000
VMAP = "vmap.txt"


def build_shortlist(converted: ConvertedModel, size: int = DEFAULT_SIZE) -> int:
    """Write vmap.txt into the converted model's folder; returns how many pieces are always allowed."""
    import sentencepiece as spm

    if size < 100:
        raise ConfigError(f"A shortlist of {size} pieces is too small to translate with; use at least 100.")
    hf = converted.path / HF_FOLDER
    vocab_file, target_spm = hf / "vocab.json", hf / "target.spm"
    if not vocab_file.is_file() or not target_spm.is_file():
        raise ConfigError(f"A shortlist needs a Marian model (vocab.json and target.spm); {converted.source} has none.")
    vocab: dict[str, int] = json.loads(vocab_file.read_text(encoding="utf-8"))
    processor = spm.SentencePieceProcessor(model_file=str(target_spm))
    by_score = sorted(range(processor.get_piece_size()), key=lambda i: -processor.get_score(i))
    common = [processor.id_to_piece(i) for i in by_score if processor.id_to_piece(i) in vocab]
    if len(common) < size:
        # A small target model: fill up with the joint vocabulary in id order, which
        # follows frequency in Marian's vocabularies.
        seen = set(common)
        common += [piece for piece, _ in sorted(vocab.items(), key=lambda item: item[1]) if piece not in seen]
    # Specials never go in the map: CTranslate2 always allows them, and "<pad>" is not in its vocabulary.
    specials = {"<pad>", "</s>", "<unk>", "<s>"}
    fixed = [piece for piece in common if piece not in specials][:size]
    # A piece with a space or tab in it would break the map's format (none in sentencepiece output).
    lines = ["\t" + " ".join(fixed)]
    lines += [f"{piece}\t{piece}" for piece in vocab if piece not in specials and not any(c in piece for c in " \t")]
    _write_atomic(converted.path / VMAP, "\n".join(lines) + "\n")
    return len(fixed)


def _write_atomic(path: Path, text: str) -> None:
    handle, scratch = tempfile.mkstemp(prefix=".vmap-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.chmod(scratch, 0o644)  # mkstemp makes it private; the rest of the cache is not
    os.replace(scratch, path)
