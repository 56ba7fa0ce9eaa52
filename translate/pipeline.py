"""The pipeline: read -> clean -> segment -> translate -> summarize, producing one aligned Document."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarize import extractive_summary, summarize_many
from translate.cleaning import CleanOptions, clean_post
from translate.document import Document, Paragraph, Sentence, Stats, Summary
from translate.engines import EngineOptions
from translate.errors import InputError
from translate.fidelity import Glossary, load_glossary, translate_faithfully
from translate.formats import Block, Format, detect_format, parse_post
from translate.memory import TranslationMemory, normalize_source, settings_fingerprint
from translate.reading import normalize_text, read_stream, read_text
from translate.registry import (
    EXTRACTIVE,
    NO_SUMMARY,
    ModelSpec,
    Registry,
    load_registry,
    model_identity,
)
from translate.segment import split_sentences
from translate.seq2seq import GenerationOptions, Seq2SeqGenerator, Task
from translate.vocabulary import build_vocabulary

# Called as progress(stage, done, total); stage is "load translation", "load summarization",
# "convert translation", "convert summarization" (first use of CTranslate2 only), "translate"
# or "summarize".
Progress = Callable[[str, int, int], None]


@dataclass
class PipelineOptions:
    """Every setting of a run, gathered once and passed down."""

    model: str | None = None  # models.yaml key or alias, local folder, or hub id; None: the default
    summarizer: str | None = None  # same, or "extractive" or "none"; None: the default
    config: Path | None = None  # another models.yaml
    beams: int | None = None  # None: the model's generation config
    device: str = "auto"  # auto, cpu or cuda
    backend: str | None = None  # auto, torch or ctranslate2; None: models.yaml's choice, else auto
    compute_type: str | None = None  # CTranslate2 quantization; None: int8 on CPU, float16 on CUDA
    quantize: str | None = None  # torch backend: "int8" dynamic quantization
    threads: int = 0  # CPU threads per model; 0: all available cores
    shortlist: bool = False  # CTranslate2 vocabulary shortlist (needs 'translate models shortlist')
    max_batch_tokens: int = 1024  # padded input tokens per batch
    summary_sentences: int = 5  # upper bound for the extractive summary
    vocab: int = 0  # words in the learners' vocabulary list; 0: no list
    glossary: Path | None = None  # a TSV glossary, on top of the models.yaml one


def _paragraph(block: Block) -> Paragraph:
    # Code is kept whole: it is not prose, and it is not translated.
    sentences = [block.text] if block.kind == "code" else split_sentences(block.text)
    return Paragraph([Sentence(s) for s in sentences], kind=block.kind)


def prepare_document(
    text: str,
    input_name: str = "<text>",
    input_format: Format | None = None,
    clean: CleanOptions | None = None,
) -> Document:
    """Parse, clean and segment a post: the Document that would be translated, with no model involved.

    The format (txt, md, html) comes from the input name's extension or, failing that,
    from the text itself, unless given.
    """
    text = normalize_text(text)
    clean = clean or CleanOptions()
    post = parse_post(text, input_format or detect_format(input_name, text))
    cleaned = clean_post(post, clean)
    return Document(
        input=input_name,
        title=_paragraph(Block(cleaned.title, "heading")) if cleaned.title else None,
        paragraphs=[_paragraph(b) for b in cleaned.paragraphs],
        dropped=cleaned.dropped,
        comments=[_paragraph(b) for b in cleaned.comments] if clean.keep_comments or clean.keep_all else None,
    )


def load_document(path: str | Path, input_format: Format | None = None, clean: CleanOptions | None = None) -> Document:
    """Read, parse, clean and segment a post file; "-" reads standard input."""
    if str(path) == "-":
        import sys

        return prepare_document(read_stream(sys.stdin.buffer), "<stdin>", input_format, clean)
    return prepare_document(read_text(path), str(path), input_format, clean)


def require_text(document: Document, advice: str) -> None:
    """Raise InputError when cleaning left nothing to translate; advice says what the user can do."""
    if not document.paragraphs and document.title is None:
        raise InputError(
            f"{document.input}: nothing is left to translate after cleaning "
            f"({len(document.dropped)} blocks dropped as blog chrome). {advice}"
        )


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class Pipeline:
    """Models loaded once, then any number of posts translated and summarized.

    >>> pipeline = Pipeline(PipelineOptions(summarizer="extractive"))
    >>> document = pipeline.run("post.txt")
    """

    def __init__(
        self,
        options: PipelineOptions | None = None,
        progress: Progress | None = None,
        memory: TranslationMemory | None = None,
    ) -> None:
        self.options = options or PipelineOptions()
        self.memory = memory  # finished translations to reuse, and to add to
        self.progress = progress or _no_progress
        self.registry: Registry = load_registry(self.options.config)
        self.translation_spec: ModelSpec = self.registry.resolve(self.options.model, "translation")
        summarizer = self.options.summarizer or self.registry.defaults["summarization"]
        self.summary_method = {EXTRACTIVE: "extractive", NO_SUMMARY: None}.get(summarizer, "abstractive")
        self.summarization_spec: ModelSpec | None = (
            self.registry.resolve(summarizer, "summarization") if self.summary_method == "abstractive" else None
        )
        self.glossary: Glossary = self.registry.glossary
        if self.options.glossary is not None:
            self.glossary = self.glossary.merged(load_glossary(self.options.glossary))
        # Models load on first use, so that building a Pipeline is cheap.
        self._translator: Seq2SeqGenerator | None = None
        self._summarizer: Seq2SeqGenerator | None = None
        self.seconds_load = 0.0
        # Things a user should know about how models run (an 'auto' backend falling back, ...).
        self.notes: list[str] = []

    def _load(self, spec: ModelSpec, task: Task) -> Seq2SeqGenerator:
        started = time.perf_counter()
        self.progress(f"load {task}", 0, 1)
        options = self.options
        engine = EngineOptions(
            backend=options.backend,
            device=options.device,
            compute_type=options.compute_type,
            quantize=options.quantize,
            threads=options.threads,
            # The shortlist is built from a translation model's vocabularies; summaries use the full one.
            shortlist=options.shortlist and task == "translation",
        )
        converting: list[bool] = []

        def on_convert() -> None:
            converting.append(True)
            self.progress(f"convert {task}", 0, 1)

        generator = Seq2SeqGenerator(
            spec,
            GenerationOptions(beams=options.beams, max_batch_tokens=options.max_batch_tokens, engine=engine),
            task=task,
            on_convert=on_convert,
        )
        if converting:
            self.progress(f"convert {task}", 1, 1)
        if generator.note:
            self.notes.append(generator.note)
        self.progress(f"load {task}", 1, 1)
        self.seconds_load += time.perf_counter() - started
        return generator

    @property
    def translator(self) -> Seq2SeqGenerator:
        if self._translator is None:
            self._translator = self._load(self.translation_spec, "translation")
        return self._translator

    @property
    def summarizer(self) -> Seq2SeqGenerator | None:
        if self._summarizer is None and self.summarization_spec is not None:
            self._summarizer = self._load(self.summarization_spec, "summarization")
        return self._summarizer

    def load_models(self) -> None:
        """Load every model the options need now, rather than on first use."""
        _ = self.translator, self.summarizer

    def translation_settings(self) -> str:
        """The fingerprint of everything that decides a sentence's translation (the memory's key)."""
        translator = self.translator
        return settings_fingerprint(
            {
                "model": model_identity(self.translation_spec),
                "engine": translator.engine.output_settings(),
                "beams": translator.default_beams(),
                "generation": self.translation_spec.generation,
                "glossary": sorted(self.glossary.terms.items()),
            }
        )

    def translate_document(self, document: Document) -> Document:
        """Fill in the translation of every sentence, title included."""
        self.translate_documents([document])
        return document

    def translate_documents(self, documents: list[Document]) -> list[int]:
        """Translate the sentences of several documents together; returns each document's memory hits.

        Every distinct sentence is translated once, in one batch plan across all the documents,
        unless the translation memory has it. A repeated sentence counts as a hit. Each
        document's stats get its share of the work, in proportion to the sentences translated for it.
        """
        owners: list[tuple[int, Sentence]] = []
        counts = [0] * len(documents)
        for number, document in enumerate(documents):
            for paragraph in document.all_paragraphs():
                for sentence in paragraph.sentences:
                    if paragraph.kind == "code":
                        sentence.translation = sentence.source
                    else:
                        owners.append((number, sentence))
                        counts[number] += 1
        translator = self.translator
        settings = self.translation_settings() if self.memory is not None else ""
        keys = [normalize_source(sentence.source) for _, sentence in owners]
        unique = list(dict.fromkeys(keys))
        known = self.memory.lookup(settings, unique) if self.memory is not None else {}
        missing = [key for key in unique if key not in known]
        source_of = {key: sentence.source for key, (_, sentence) in zip(keys, owners)}

        before = translator.generated_tokens
        started = time.perf_counter()
        work = Stats()
        results = translate_faithfully(
            translator,
            [source_of[key] for key in missing],
            self.glossary,
            lambda done, total: self.progress("translate", done, total),
            work,
        )
        seconds = time.perf_counter() - started
        fresh = {key: (r.translation, r.flags) for key, r in zip(missing, results, strict=True)}
        if self.memory is not None:
            self.memory.store(settings, [(source_of[k], t, f) for k, (t, f) in fresh.items()])

        hits = [0] * len(documents)
        translated = [0] * len(documents)
        first_seen: set[str] = set()
        for key, (number, sentence) in zip(keys, owners):
            sentence.translation, flags = fresh[key] if key in fresh else known[key]
            sentence.flags = list(flags)
            if key in fresh and key not in first_seen:
                translated[number] += 1
            else:
                hits[number] += 1
            first_seen.add(key)
        total = sum(translated) or 1
        generated = translator.generated_tokens - before
        for number, document in enumerate(documents):
            share = translated[number] / total
            document.translation_model = self.translation_spec.name
            document.settings = {"engine": translator.engine_description, "beams": str(translator.default_beams())}
            document.stats.sentences = counts[number]
            document.stats.generated_tokens += round(generated * share)
            document.stats.seconds_translate += seconds * share
            document.stats.retried += round(work.retried * share)
            document.stats.seconds_retry += work.seconds_retry * share
        return hits

    def summarize_document(self, document: Document) -> Document:
        """Summarize the English translation of the body (not the title)."""
        self.summarize_documents([document])
        return document

    def summarize_documents(self, documents: list[Document]) -> None:
        """Summarize several documents; abstractive summaries share the model's batches."""
        english = [
            [s.translation for p in d.paragraphs if p.kind != "code" for s in p.sentences if s.translation]
            for d in documents
        ]
        if self.summary_method == "extractive":
            for document, sentences in zip(documents, english):
                started = time.perf_counter()
                text = extractive_summary(sentences, max_sentences=self.options.summary_sentences)
                document.summary = Summary(text=text, method="extractive", model="textrank") if text else None
                document.summarization_model = "textrank" if text else None
                document.stats.seconds_summarize += time.perf_counter() - started
        elif self.summary_method == "abstractive" and any(english):
            summarizer = self.summarizer  # loads the model, which counts as load time
            assert summarizer is not None and self.summarization_spec is not None
            started = time.perf_counter()
            texts = summarize_many(english, summarizer, lambda done, total: self.progress("summarize", done, total))
            seconds = time.perf_counter() - started
            words = sum(len(" ".join(sentences).split()) for sentences in english) or 1
            for document, sentences, text in zip(documents, english, texts):
                if sentences:
                    document.summary = Summary(text=text, method="abstractive", model=self.summarization_spec.name)
                    document.summarization_model = self.summarization_spec.name
                # The shared time, by each document's share of the text.
                document.stats.seconds_summarize += seconds * len(" ".join(sentences).split()) / words

    def add_vocabulary(self, document: Document) -> Document:
        """The learners' word list, when PipelineOptions.vocab asks for one."""
        if self.options.vocab > 0:
            translator = self.translator
            document.vocabulary = build_vocabulary(document, self.options.vocab, translator.generate, self.glossary)
        return document

    def process(self, document: Document) -> Document:
        """Translate and summarize a prepared Document."""
        require_text(document, f"Run 'translate clean {document.input}' to see what was dropped and why.")
        started = time.perf_counter()
        load_before = self.seconds_load
        # Both models load before any work, so a missing summarizer fails in seconds,
        # not after the whole translation.
        self.load_models()
        self.translate_document(document)
        self.summarize_document(document)
        self.add_vocabulary(document)
        document.stats.seconds_load = self.seconds_load - load_before
        document.stats.seconds_total = time.perf_counter() - started
        return document

    def run(self, path: str | Path, input_format: Format | None = None, clean: CleanOptions | None = None) -> Document:
        """Read, clean, segment, translate and summarize one post file."""
        return self.process(load_document(path, input_format, clean))

    def run_text(
        self,
        text: str,
        input_name: str = "<text>",
        input_format: Format | None = None,
        clean: CleanOptions | None = None,
    ) -> Document:
        """The same for text already in memory."""
        return self.process(prepare_document(text, input_name, input_format, clean))
