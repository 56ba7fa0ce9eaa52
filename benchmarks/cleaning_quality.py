"""Cleaning and sentence-splitting quality on the hand-labelled corpus in tests/corpus.

    .venv/bin/python benchmarks/cleaning_quality.py            # summary and per-post table
    .venv/bin/python benchmarks/cleaning_quality.py --splitters # also compare sentence splitters

Paragraph precision and recall count the title plus body paragraphs that `translate clean`
keeps, matched exactly (after whitespace normalization) against each post's
NAME.expected.json. Sentence accuracy is the share of paragraphs split exactly as labelled.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.evaluation import evaluate_cleaning, evaluate_splitter, sentence_cases  # noqa: E402
from translate.text.segment import split_sentences  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def candidate_splitters() -> dict[str, Callable[[str], list[str]]]:
    """Our splitter and the alternatives we measured it against, where installed."""
    candidates: dict[str, Callable[[str], list[str]]] = {"ours (sentence-splitter + rules)": split_sentences}
    try:
        from sentence_splitter import SentenceSplitter

        candidates["sentence-splitter 1.4, Moses sv list"] = SentenceSplitter(language="sv").split
    except ImportError:
        pass
    try:
        from sentencex import segment

        candidates["sentencex (sv)"] = lambda text: list(segment("sv", text))
    except ImportError:
        pass
    try:
        import pysbd

        candidates["pysbd (da; it has no sv)"] = pysbd.Segmenter(language="da", clean=False).segment
    except ImportError:
        pass
    try:
        import blingfire

        candidates["blingfire"] = lambda text: blingfire.text_to_sentences(text).split("\n")
    except ImportError:
        pass
    return candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--splitters", action="store_true", help="compare the installed sentence splitters")
    parser.add_argument("--posts", type=Path, default=CORPUS / "posts", help="folder of posts with .expected.json")
    args = parser.parse_args()

    report = evaluate_cleaning(args.posts)
    print(f"{'post':48} {'expected':>8} {'kept':>5} {'correct':>7}")
    for post in report.posts:
        print(f"{post.name:48} {post.expected:8} {post.kept:5} {post.correct:7}")
        for text in post.missing:
            print(f"    missing: {text[:100]}")
        for text in post.extra:
            print(f"    extra:   {text[:100]}")
    print(f"\nposts: {len(report.posts)}")
    print(f"paragraph precision: {report.precision:.3f}")
    print(f"paragraph recall:    {report.recall:.3f}")
    print(
        f"comments (--keep-comments): {report.comments_correct} of {report.comments_expected} found, "
        f"{report.comments_kept} kept"
    )

    cases = sentence_cases(CORPUS / "sentences_sv.txt")
    splitters = candidate_splitters() if args.splitters else {"ours (sentence-splitter + rules)": split_sentences}
    print(f"\nsentence splitting, {len(cases)} paragraphs, exact match:")
    for name, split in splitters.items():
        accuracy, failures = evaluate_splitter(cases, split)
        print(f"  {name:40} {accuracy:.3f}  ({len(cases) - len(failures)}/{len(cases)})")


if __name__ == "__main__":
    main()
