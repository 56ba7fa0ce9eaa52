"""Evaluation: cleaning (paragraph precision and recall), sentence splitting, and translation (sacreBLEU) measured."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from translate.document import Document, Paragraph, Sentence
from translate.errors import InputError
from translate.options import CleanOptions, ReadOptions
from translate.pipeline import Pipeline, load_document
from translate.text.blocks import squash_whitespace
from translate.text.reading import read_text
from translate.text.segment import split_sentences


@dataclass
class PostScore:
    name: str
    expected: int
    kept: int
    correct: int
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


@dataclass
class CleaningReport:
    posts: list[PostScore]
    comments_expected: int = 0
    comments_kept: int = 0
    comments_correct: int = 0

    @property
    def precision(self) -> float:
        kept = sum(p.kept for p in self.posts)
        return sum(p.correct for p in self.posts) / kept if kept else 1.0

    @property
    def recall(self) -> float:
        expected = sum(p.expected for p in self.posts)
        return sum(p.correct for p in self.posts) / expected if expected else 1.0


def post_cases(folder: Path) -> list[tuple[Path, dict]]:
    """Posts (any extension) with a NAME.expected.json beside them: {"title", "paragraphs", "comments"?}."""
    cases = []
    for expected in sorted(folder.glob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        post = next(p for p in folder.iterdir() if p.stem == stem and not p.name.endswith(".json"))
        cases.append((post, json.loads(expected.read_text(encoding="utf-8"))))
    return cases


def _compare(expected: list[str], kept: list[str]) -> tuple[int, list[str], list[str]]:
    want, got = Counter(map(squash_whitespace, expected)), Counter(map(squash_whitespace, kept))
    correct = sum((want & got).values())
    return correct, list((want - got).elements()), list((got - want).elements())


def evaluate_cleaning(folder: Path, keep_comments: bool = True) -> CleaningReport:
    """Title plus paragraphs kept by `translate clean`, against the expected ones, post by post."""
    report = CleaningReport(posts=[])
    for post, truth in post_cases(folder):
        document = load_document(post, ReadOptions(clean=CleanOptions(keep_comments=keep_comments)))
        kept = ([document.title.source] if document.title else []) + [p.source for p in document.paragraphs]
        expected = ([truth["title"]] if truth.get("title") else []) + truth["paragraphs"]
        correct, missing, extra = _compare(expected, kept)
        report.posts.append(PostScore(post.name, len(expected), len(kept), correct, missing, extra))
        if keep_comments:
            comments = [c.source for c in document.comments or []]
            found, _, _ = _compare(truth.get("comments", []), comments)
            report.comments_expected += len(truth.get("comments", []))
            report.comments_kept += len(comments)
            report.comments_correct += found
    return report


WORD = re.compile(r"\w+")


def words(text: str) -> Counter:
    """The words of a text, lowercased, as a multiset: what word precision and recall count."""
    return Counter(WORD.findall(text.lower()))


@dataclass
class PageScore:
    """One real page: the words cleaning kept against the hand-written title and body."""

    page: str
    split: str
    site: str
    expected_words: int
    kept_words: int
    matched_words: int
    title_expected: str | None
    title_kept: str | None
    reading: str | None = None  # which reading of an HTML page cleaning started from
    missing: list[str] = field(default_factory=list)  # the commonest lost words, for reading a failure
    extra: list[str] = field(default_factory=list)  # the commonest words kept that are not the post

    @property
    def precision(self) -> float:
        return self.matched_words / self.kept_words if self.kept_words else 1.0

    @property
    def recall(self) -> float:
        return self.matched_words / self.expected_words if self.expected_words else 1.0


@dataclass
class RealPagesReport:
    pages: list[PageScore]

    def select(self, split: str | None = None) -> list[PageScore]:
        return [p for p in self.pages if split is None or p.split == split]

    def precision(self, split: str | None = None) -> float:
        pages = self.select(split)
        kept = sum(p.kept_words for p in pages)
        return sum(p.matched_words for p in pages) / kept if kept else 1.0

    def recall(self, split: str | None = None) -> float:
        pages = self.select(split)
        expected = sum(p.expected_words for p in pages)
        return sum(p.matched_words for p in pages) / expected if expected else 1.0

    def worst_recall(self, split: str | None = None) -> float:
        return min((p.recall for p in self.select(split)), default=1.0)


def _without_link_addresses(kept: str, expected: str) -> str:
    """The kept text less the link addresses reading added after link texts (" (https://x.se)"): they are not
    words of the page, which the expected bodies hold; an address the page itself shows is kept."""
    return _ADDED_ADDRESS.sub(lambda m: m.group(0) if m.group(1) in expected else "", kept)


_ADDED_ADDRESS = re.compile(r" \((https?://[^\s()]+)\)")


def evaluate_real_pages(folder: Path, splits: tuple[str, ...] = ("dev", "blind")) -> RealPagesReport:
    """Word precision and recall of cleaning on the real pages of ``folder`` (its manifest.json), page by page.

    Cleaning runs with the defaults a user gets (`translate run PAGE`); the title and the
    paragraphs it keeps are compared, as multisets of lowercased words, with the page's
    hand-written expected title and body in expected/PAGE.json.
    """
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    report = RealPagesReport(pages=[])
    for entry in manifest:
        if entry["split"] not in splits:
            continue
        truth = json.loads((folder / "expected" / f"{entry['page']}.json").read_text(encoding="utf-8"))
        document = load_document(folder / "pages" / entry["page"])
        kept_title = document.title.source if document.title else None
        expected_text = " ".join(([truth["title"]] if truth.get("title") else []) + truth["paragraphs"])
        kept_text = " ".join(([kept_title] if kept_title else []) + [p.source for p in document.paragraphs])
        kept = words(_without_link_addresses(kept_text, expected_text))
        expected = words(expected_text)
        report.pages.append(
            PageScore(
                page=entry["page"], split=entry["split"], site=entry["site"],
                expected_words=sum(expected.values()), kept_words=sum(kept.values()),
                matched_words=sum((expected & kept).values()),
                title_expected=truth.get("title"), title_kept=kept_title, reading=document.reading,
                missing=[w for w, _ in (expected - kept).most_common(8)],
                extra=[w for w, _ in (kept - expected).most_common(8)],
            )
        )  # fmt: skip
    return report


def sentence_cases(path: Path) -> list[list[str]]:
    """Blocks separated by blank lines, one expected sentence per line; "#" lines are comments."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    cases = [[line.strip() for line in b.splitlines() if line.strip() and not line.startswith("#")] for b in blocks]
    return [case for case in cases if case]


def evaluate_splitter(
    cases: list[list[str]], split: Callable[[str], list[str]] = split_sentences
) -> tuple[float, list[tuple[list[str], list[str]]]]:
    """Exact-match accuracy of a splitter over paragraphs, and the failures (expected, got)."""
    failures = []
    for expected in cases:
        got = [s.strip() for s in split(" ".join(expected)) if s.strip()]
        if got != expected:
            failures.append((expected, got))
    return 1 - len(failures) / len(cases), failures


def score_parallel_text(pipeline: Pipeline, sources: Path, references: Path, compare: bool = True) -> dict:
    """Translate a file of sentences (one per line) and score it against references with sacreBLEU.

    "pipeline" scores the lines through the pipeline's own path (protected spans, glossary,
    number check, guard, retries), one sentence per line as the references have them: what
    users get. With ``compare``, "model" scores the same engine on the same lines alone (no
    fidelity layer), so the two side by side show what the layer adds or costs.
    """
    import sacrebleu

    source_lines = _lines(sources)
    reference_lines = _lines(references)
    if len(source_lines) != len(reference_lines):
        raise InputError(
            f"{sources} has {len(source_lines)} lines but {references} has {len(reference_lines)}: "
            "a parallel text needs one reference per source line."
        )
    bleu = sacrebleu.metrics.BLEU()
    chrf = sacrebleu.metrics.CHRF()

    def score(hypotheses: list[str]) -> dict:
        return {
            "bleu": round(bleu.corpus_score(hypotheses, [reference_lines]).score, 2),
            "chrf": round(chrf.corpus_score(hypotheses, [reference_lines]).score, 2),
        }

    lines = Document(input=str(sources), title=None, paragraphs=[Paragraph([Sentence(s)]) for s in source_lines])
    pipeline.process_many([lines], handouts=False)
    sentences = lines.all_sentences()
    flags = Counter(flag for s in sentences for flag in s.flags)
    scores: dict = {
        "model": pipeline.translation_name,
        "engine": pipeline.translator.engine_description,
        "sentences": len(source_lines),
        "pipeline": dict(
            score([s.translation or "" for s in sentences]),
            flagged=sum(1 for s in sentences if s.flags),
            flags=dict(sorted(flags.items())),
            seconds=round(lines.stats.seconds_translate, 2),
        ),
        "model_alone": None,
    }
    if compare:
        started = time.perf_counter()
        alone = pipeline.translator.generate(source_lines)
        scores["model_alone"] = dict(score(alone), seconds=round(time.perf_counter() - started, 2))
    scores["bleu_signature"] = str(bleu.get_signature())
    scores["chrf_signature"] = str(chrf.get_signature())
    return scores


def _lines(path: Path) -> list[str]:
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.strip() for line in lines]
