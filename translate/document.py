"""The one data model that flows through clean -> segment -> translate -> summarize -> render.

A Document holds an optional title and body paragraphs; each paragraph holds its
sentences, and each sentence its source and (once translated) its translation.
Paragraph text is always derived from its sentences, so alignment cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from translate.options import HandoutOptions, PipelineOptions


@dataclass
class Sentence:
    source: str
    translation: str | None = None
    # What the fidelity guard found wrong with the translation (see translate/fidelity/guard.py).
    flags: list[str] = field(default_factory=list)
    # What the model wrote, kept beside the translation so that a person's correction of it can be
    # told apart (and rendered as revised) when the handout comes back; None where no model wrote one.
    machine: str | None = None

    @property
    def revised(self) -> bool:
        """A person changed the model's translation."""
        return self.machine is not None and self.translation != self.machine

    @property
    def needs_check(self) -> bool:
        """The guard flagged it and no person has corrected it since."""
        return bool(self.flags) and not self.revised

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "translation": self.translation, "flags": list(self.flags)}
        if self.machine is not None:
            # The model's own translation and a digest of the source it was made from: what
            # `translate render` compares an edited handout with.
            data["machine_translation"] = self.machine
            data["source_digest"] = source_digest(self.source)
        if self.revised:
            data["revised"] = True
        return data


def citation(label: str, number: int, sentences: int) -> str:
    """How a class cites sentence ``number`` of a paragraph labelled ``label``: "§3.2", or "§3" when it is alone."""
    return label if sentences == 1 else f"{label}.{number}"


def source_digest(source: str) -> str:
    """A short digest of a sentence's Swedish, so an edited handout whose sources changed is recognised."""
    import hashlib

    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


@dataclass
class Paragraph:
    sentences: list[Sentence]
    # "paragraph", "heading", "list-item", "quote" or "code" (code is not translated)
    kind: str = "paragraph"

    @property
    def source(self) -> str:
        return " ".join(s.source for s in self.sentences)

    @property
    def translation(self) -> str | None:
        if any(s.translation is None for s in self.sentences):
            return None
        return " ".join(s.translation for s in self.sentences if s.translation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "translation": self.translation,
            "kind": self.kind,
            "sentences": [s.to_dict() for s in self.sentences],
        }


@dataclass
class DroppedBlock:
    """A block the cleaner removed, with the reason shown by ``translate clean``."""

    text: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "reason": self.reason}


@dataclass
class Summary:
    text: str
    method: str  # "abstractive" or "extractive"
    model: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "method": self.method, "model": self.model}


@dataclass
class Stats:
    """What making one Document cost. Work shared with other documents (a batch round, a server round, loading the
    models) is shared out in proportion: translation by the sentences translated for each, summaries by words."""

    sentences: int = 0
    generated_tokens: int = 0
    # Sentences the guard generated a second time, and what that cost (not in the JSON).
    retried: int = 0
    seconds_retry: float = 0.0
    seconds_read: float = 0.0  # decoding, parsing, cleaning and segmenting the post
    seconds_load: float = 0.0  # model loading done while this document was being processed
    seconds_translate: float = 0.0
    seconds_summarize: float = 0.0
    seconds_vocabulary: float = 0.0  # glossing the learners' word list

    @property
    def seconds_total(self) -> float:
        """Everything the pipeline spent on this document, from its bytes to the finished Document (rendering and
        writing are not in it): the sum of the parts above, so it means the same from every front end."""
        return (
            self.seconds_read
            + self.seconds_load
            + self.seconds_translate
            + self.seconds_summarize
            + self.seconds_vocabulary
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "generated_tokens": self.generated_tokens,
            "seconds": {
                "load": round(self.seconds_load, 3),
                "translate": round(self.seconds_translate, 3),
                "summarize": round(self.seconds_summarize, 3),
                "total": round(self.seconds_total, 3),
            },
        }


@dataclass
class VocabularyEntry:
    """A characteristic Swedish word of the post, its English gloss, and how often it occurs."""

    swedish: str
    english: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"sv": self.swedish, "en": self.english, "count": self.count}


@dataclass
class Origin:
    """Where a post was published, when it came from the web or a feed: its address, author and date."""

    url: str
    author: str | None = None
    published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "author": self.author, "published": self.published}


@dataclass
class Document:
    input: str
    title: Paragraph | None
    paragraphs: list[Paragraph]
    dropped: list[DroppedBlock] = field(default_factory=list)
    # The comments below the post, kept only when asked for (None: not kept).
    comments: list[Paragraph] | None = None
    summary: Summary | None = None
    translation_model: str | None = None
    summarization_model: str | None = None
    stats: Stats = field(default_factory=Stats)
    # How the translation was made (engine, beams), for the handout's footer; not in the JSON.
    settings: dict[str, str] = field(default_factory=dict)
    # The learners' word list (--vocab N), None when not asked for.
    vocabulary: list[VocabularyEntry] | None = None
    # The options tree it was made with (set by the pipeline); not in the JSON.
    options: PipelineOptions | None = field(default=None, repr=False)
    # Where it was published (a post fetched by URL or read from a feed); None for a file.
    origin: Origin | None = None
    # Which reading of an HTML page cleaning started from ("trafilatura", "page landmarks
    # (<main>)"), shown by `translate clean`; None for plain text and Markdown.
    reading: str | None = None
    # What reading the post mended and the user should know (bad bytes replaced, and where); not in the JSON.
    warnings: list[str] = field(default_factory=list)
    # The bytes of a DOCX, ODT, EPUB or PDF it was read from, for a translated copy in that format; not in the JSON.
    original: bytes | None = field(default=None, repr=False)
    # Its format then ("docx", ...); None for a post.
    original_format: str | None = None

    @property
    def handout(self) -> HandoutOptions:
        """How its handouts are laid out (paper, font size, layout, hidden English): the options it was
        made or re-rendered with, else the defaults."""
        return self.options.handout if self.options is not None else HandoutOptions()

    def to_check(self) -> list[tuple[str, str, Sentence]]:
        """The review list: (anchor, label, sentence) for each sentence that needs checking, labelled as a
        class would say it ("§3.2": paragraph 3, sentence 2; "title"; "comment 1.1")."""
        found: list[tuple[str, str, Sentence]] = []
        if self.title:
            found += [("title", "title", s) for s in self.title.sentences if s.needs_check]
        groups = [(f"p{i}", f"§{i}", p) for i, p in enumerate(self.paragraphs, 1)]
        groups += [(f"c{i}", f"comment {i}", p) for i, p in enumerate(self.comments or [], 1)]
        for anchor, label, paragraph in groups:
            for number, sentence in enumerate(paragraph.sentences, 1):
                if sentence.needs_check:
                    found.append((f"{anchor}-{number}", citation(label, number, len(paragraph.sentences)), sentence))
        return found

    def revised_count(self) -> int:
        """How many sentences a person corrected."""
        return sum(s.revised for s in self.all_sentences())

    def all_paragraphs(self) -> list[Paragraph]:
        """Title, body and kept comments, in reading order."""
        return ([self.title] if self.title else []) + self.paragraphs + (self.comments or [])

    def all_sentences(self) -> list[Sentence]:
        """Every sentence in reading order, title first."""
        return [s for block in self.all_paragraphs() for s in block.sentences]

    def source_characters(self) -> int:
        """How many characters of Swedish go through the model (the API's size limit counts these)."""
        return sum(len(s.source) for s in self.all_sentences())

    def flag_counts(self) -> dict[str, int]:
        """How many sentences carry each flag."""
        counts: dict[str, int] = {}
        for sentence in self.all_sentences():
            for flag in sentence.flags:
                counts[flag] = counts.get(flag, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The JSON handout schema documented in the README."""
        return {
            "input": self.input,
            **({"origin": self.origin.to_dict()} if self.origin is not None else {}),
            "title": (
                {
                    "source": self.title.source,
                    "translation": self.title.translation,
                    "sentences": [s.to_dict() for s in self.title.sentences],
                }
                if self.title
                else None
            ),  # fmt: skip
            "summary": self.summary.to_dict() if self.summary else None,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            **({"comments": [c.to_dict() for c in self.comments]} if self.comments is not None else {}),
            "models": {
                "translation": self.translation_model,
                "summarization": self.summarization_model,
            },
            "stats": self.stats.to_dict(),
            **({"vocabulary": [entry.to_dict() for entry in self.vocabulary]} if self.vocabulary is not None else {}),
        }

    def to_clean_dict(self) -> dict[str, Any]:
        """The schema of ``translate clean --format json``: what would be translated."""
        return {
            "input": self.input,
            "title": self.title.source if self.title else None,
            **({"read_with": self.reading} if self.reading else {}),
            "paragraphs": [_clean_paragraph(p) for p in self.paragraphs],
            **({"comments": [_clean_paragraph(c) for c in self.comments]} if self.comments is not None else {}),
            "dropped": [d.to_dict() for d in self.dropped],
        }


def _clean_paragraph(paragraph: Paragraph) -> dict[str, Any]:
    return {"text": paragraph.source, "sentences": [s.source for s in paragraph.sentences]}
