"""Extractive summarization: pick the most central sentences (TextRank over word overlap), no model needed."""

from __future__ import annotations

import math
import re

_WORD = re.compile(r"[^\W\d_]+")

# Function words that make every sentence look similar to every other.
_STOPWORDS = frozenset(
    """a an and are as at be but by for from has have he her his i in is it its of on or
    our she that the their them there they this to was we were which who will with you
    not no so than then also can could would should been being do does did had into
    over more most such these those what when where how all any each other some""".split()
)


def _words(sentence: str) -> set[str]:
    return {w for w in (m.group().lower() for m in _WORD.finditer(sentence)) if w not in _STOPWORDS}


def rank_sentences(sentences: list[str], damping: float = 0.85, iterations: int = 50) -> list[float]:
    """TextRank scores: PageRank over a graph whose edges are normalized word overlap."""
    words = [_words(s) for s in sentences]
    n = len(sentences)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if len(words[i]) > 1 and len(words[j]) > 1:
                overlap = len(words[i] & words[j])
                if overlap:
                    # Mihalcea & Tarau's similarity: overlap over log lengths.
                    w = overlap / (math.log(len(words[i])) + math.log(len(words[j])))
                    weights[i][j] = weights[j][i] = w
    out_weight = [sum(row) for row in weights]
    scores = [1.0] * n
    for _ in range(iterations):
        scores = [
            (1 - damping) + damping * sum(weights[j][i] / out_weight[j] * scores[j] for j in range(n) if out_weight[j])
            for i in range(n)
        ]
    return scores


def extractive_summary(sentences: list[str], max_sentences: int = 5) -> str:
    """The top-ranked sentences, in their original order, joined with spaces."""
    sentences = [s.strip() for s in sentences if s.strip()]
    if not sentences:
        return ""
    # Short posts get a short summary: about a fifth of the sentences, at least one.
    count = max(1, min(max_sentences, round(len(sentences) / 5)))
    scores = rank_sentences(sentences)
    # Ties go to the earlier sentence: blog posts tend to open with their point.
    best = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:count]
    return " ".join(sentences[i] for i in sorted(best))
