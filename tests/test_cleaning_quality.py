"""Quality gates on the hand-labelled corpus in tests/corpus (see benchmarks/cleaning_quality.py)."""

from pathlib import Path

from translate.evaluation import evaluate_cleaning, evaluate_splitter, sentence_cases

CORPUS = Path(__file__).parent / "corpus"


def test_corpus_is_big_enough() -> None:
    assert len(list((CORPUS / "posts").glob("*.expected.json"))) >= 15
    assert len(sentence_cases(CORPUS / "sentences_sv.txt")) >= 150


def test_paragraph_precision_and_recall() -> None:
    report = evaluate_cleaning(CORPUS / "posts")
    problems = {p.name: (p.missing, p.extra) for p in report.posts if p.missing or p.extra}
    assert report.precision >= 0.97, problems
    assert report.recall >= 0.97, problems
    assert report.comments_correct == report.comments_expected == report.comments_kept


def test_sentence_split_accuracy() -> None:
    accuracy, failures = evaluate_splitter(sentence_cases(CORPUS / "sentences_sv.txt"))
    assert accuracy >= 0.97, failures
