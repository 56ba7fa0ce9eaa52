"""The orchestrator: the one path from a post's bytes to a finished Document, used by run, batch, serve and the API.

    bytes or text --prepare_document--> Document (read, parse, clean, segment)
                  --Pipeline.process_many--> translated, summarized, word list, stats

Every front end goes through these two: `translate run` one document at a time, `translate
batch` a round of files at a time, the server a round of requests at a time. So a setting
such as the word list, or the meaning of a stat, cannot differ between them.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from summarize import extractive_summary, summarize_many
from translate.document import Document, Origin, Paragraph, Sentence, Stats, Summary
from translate.errors import ConfigError, InputError
from translate.fidelity.glossary import Glossary, glossary_from_config, load_glossary
from translate.fidelity.guard import readable, translate_faithfully
from translate.fidelity.memory import HUMAN, TranslationMemory, normalize_source, settings_fingerprint
from translate.fidelity.vocabulary import build_vocabulary
from translate.models.engines import available_cores
from translate.models.external import ExternalGenerator, TranslatorLike
from translate.models.registry import EXTRACTIVE, NO_SUMMARY, Registry, load_registry
from translate.models.seq2seq import Seq2SeqGenerator, Task
from translate.models.spec import ModelSpec, model_identity
from translate.options import MAX_BEAMS, MAX_THREADS_PER_CORE, PipelineOptions, ReadOptions
from translate.text.blocks import Block
from translate.text.cleaning import clean_post
from translate.text.documents import document_format, read_document
from translate.text.fetching import PAGE_TYPES, fetch, format_of, is_url
from translate.text.parsing import detect_format, parse_post
from translate.text.reading import decode_text, normalize_text, printable_name, read_bytes, read_stream
from translate.text.segment import split_sentences

log = logging.getLogger(__name__)

# Called as progress(stage, done, total); stage is "load translation", "load summarization",
# "convert translation", "convert summarization" (first use of CTranslate2 only), "translate"
# or "summarize".
Progress = Callable[[str, int, int], None]

STDIN = "-"


def _paragraph(block: Block) -> Paragraph:
    # Code is kept whole: it is not prose, and it is not translated.
    sentences = [block.text] if block.kind == "code" else split_sentences(block.text)
    return Paragraph([Sentence(s) for s in sentences], kind=block.kind)


def prepare_document(
    content: str | bytes,
    name: str = "<text>",
    read: ReadOptions | None = None,
    where: str | None = None,
    origin: Origin | None = None,
    input_format: str | None = None,
    charset: str | None = None,
) -> Document:
    """Decode (bytes), parse, clean and segment a post: the Document that would be translated, with no model involved.

    ``name`` labels the post (the handout shows it) and its extension sets the format (txt,
    md, html) unless ``read.input_format`` does, or else ``input_format`` (what a server said
    it sent); failing all, the text is sniffed. ``where`` names the post in error messages
    (default: the name). Bytes of any plausible encoding are decoded (``charset``: the one a
    server declared); InputError says why when they are not text. ``origin`` says where the
    post was published; the page's own author and date (HTML) fill its gaps.
    """
    started = time.perf_counter()
    read = read or ReadOptions()
    office = document_format(name, content) if isinstance(content, bytes) and read.input_format is None else None
    if office is not None:
        document = _office_document(content, office, name, where or name)  # type: ignore[arg-type]
        document.origin = origin
        document.stats.seconds_read = time.perf_counter() - started
        return document
    decoded = decode_text(content, where=where or name, charset=charset) if isinstance(content, bytes) else None
    text = normalize_text(decoded.text if decoded is not None else content)  # type: ignore[arg-type]
    fmt = read.input_format or input_format or detect_format(name, text)
    post = parse_post(text, fmt)  # type: ignore[arg-type]
    cleaned = clean_post(post, read.clean)
    keep_comments = read.clean.keep_comments or read.clean.keep_all
    document = Document(
        input=printable_name(name),
        title=_paragraph(Block(cleaned.title, "heading")) if cleaned.title else None,
        paragraphs=[_paragraph(b) for b in cleaned.paragraphs],
        dropped=cleaned.dropped,
        comments=[_paragraph(b) for b in cleaned.comments] if keep_comments else None,
        reading=post.extra.get("extractor"),
        warnings=decoded.warnings if decoded is not None else [],
    )
    if origin is not None:
        # What the listing said wins; the page's own byline fills the gaps.
        origin = Origin(origin.url, origin.author or post.author, origin.published or post.published)
    document.origin = origin
    document.stats.seconds_read = time.perf_counter() - started
    return document


def _office_document(data: bytes, fmt: str, name: str, where: str) -> Document:
    """A DOCX, ODT, EPUB or PDF as a Document: every paragraph kept (a document has no chrome), in its order."""
    title, blocks = read_document(data, fmt, where)
    return Document(
        input=printable_name(name),
        title=_paragraph(Block(title, "heading")) if title else None,
        paragraphs=[_paragraph(Block(normalize_text(b.text), b.kind)) for b in blocks],
        reading=f"{fmt.upper()} document (every paragraph kept)",
        original=data,
        original_format=fmt,
    )


def load_document(path: str | Path, read: ReadOptions | None = None) -> Document:
    """Read, parse, clean and segment a post: a file, "-" for standard input, or an http(s) URL to fetch."""
    if str(path) == STDIN:
        limit = (read or ReadOptions()).max_input_bytes
        return prepare_document(
            read_stream(sys.stdin.buffer, "standard input", limit), "<stdin>", read, where="standard input"
        )
    if is_url(str(path)):
        page = fetch(str(path), PAGE_TYPES)
        return prepare_document(
            page.content, page.url, read, where=str(path), origin=Origin(page.url),
            input_format=format_of(page), charset=page.charset,
        )  # fmt: skip
    return prepare_document(read_bytes(path, (read or ReadOptions()).max_input_bytes), str(path), read)


def require_text(document: Document) -> Document:
    """The document, or InputError when cleaning left nothing to translate (with what the user can do)."""
    if not document.paragraphs and document.title is None:
        raise InputError(
            f"{document.input}: nothing is left to translate after cleaning "
            f"({len(document.dropped)} blocks dropped as blog chrome). 'translate clean' shows what was dropped "
            "and why; --keep-all (keep_all over HTTP) translates every block."
        )
    return document


def check_limits(options: PipelineOptions) -> None:
    """ConfigError for a setting past what one machine should be asked for (options.py says why each)."""
    read, engine, beams = options.read, options.engine, options.generation.beams
    if not read.max_input_mb > 0:
        raise ConfigError(f"--max-input-mb must be more than 0, not {read.max_input_mb:g}.")
    if beams is not None and not 1 <= beams <= MAX_BEAMS:
        raise ConfigError(f"--beams {beams}: give a beam size from 1 to {MAX_BEAMS}.")
    cores = available_cores()
    if not 0 <= engine.threads <= MAX_THREADS_PER_CORE * cores:
        raise ConfigError(
            f"--threads {engine.threads}: this process may use {cores} core{'s' if cores != 1 else ''}; give at most "
            f"{MAX_THREADS_PER_CORE * cores} (0 uses every core)."
        )


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class Pipeline:
    """Models loaded once, then any number of posts translated and summarized.

    >>> pipeline = Pipeline(PipelineOptions(models=ModelOptions(summarizer="extractive")))
    >>> document = pipeline.run("post.txt")

    ``translator`` puts another MT system behind the whole tool: an object with
    ``translate(texts: list[str]) -> list[str]`` (or such a function) used instead of the
    translation model of models.yaml (models/external.py).
    """

    def __init__(
        self,
        options: PipelineOptions | None = None,
        progress: Progress | None = None,
        memory: TranslationMemory | None = None,
        translator: TranslatorLike | None = None,
    ) -> None:
        self.options = options or PipelineOptions()
        check_limits(self.options)
        self.memory = memory  # finished translations to reuse, and to add to
        self.progress = progress or _no_progress
        models = self.options.models
        self.registry: Registry = load_registry(models.config)
        self.translation_spec: ModelSpec = self.registry.resolve(models.translation, "translation")
        summarizer = models.summarizer or self.registry.defaults["summarization"]
        self.summary_method = {EXTRACTIVE: "extractive", NO_SUMMARY: None}.get(summarizer, "abstractive")
        self.summarization_spec: ModelSpec | None = (
            self.registry.resolve(summarizer, "summarization") if self.summary_method == "abstractive" else None
        )
        self.glossary: Glossary = glossary_from_config(
            self.registry.glossary, self.registry.path.parent, str(self.registry.path)
        )
        if models.glossary is not None:
            self.glossary = self.glossary.merged(load_glossary(models.glossary))
        # Models load on first use, so that building a Pipeline is cheap.
        self._translator: Seq2SeqGenerator | ExternalGenerator | None = (
            ExternalGenerator(translator) if translator is not None else None
        )
        self.translation_name: str = (
            self._translator.name if isinstance(self._translator, ExternalGenerator) else self.translation_spec.name
        )
        self._summarizer: Seq2SeqGenerator | None = None
        self.seconds_load = 0.0
        # Things a user should know about how models run (an 'auto' backend falling back, ...).
        self.notes: list[str] = []

    # --- models ------------------------------------------------------------------------------

    def _load(self, spec: ModelSpec, task: Task) -> Seq2SeqGenerator:
        started = time.perf_counter()
        self.progress(f"load {task}", 0, 1)
        # The shortlist is built from a translation model's vocabularies; summaries use the full one.
        engine = dataclasses.replace(
            self.options.engine, shortlist=self.options.engine.shortlist and task == "translation"
        )
        converting: list[bool] = []

        def on_convert() -> None:
            converting.append(True)
            self.progress(f"convert {task}", 0, 1)

        generator = Seq2SeqGenerator(spec, self.options.generation, engine, task=task, on_convert=on_convert)
        if converting:
            self.progress(f"convert {task}", 1, 1)
        if generator.note:
            self.notes.append(generator.note)
            log.info("%s", generator.note)
        self.progress(f"load {task}", 1, 1)
        self.seconds_load += time.perf_counter() - started
        return generator

    @property
    def translator(self) -> Seq2SeqGenerator | ExternalGenerator:
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
                "model": (
                    self.translation_name
                    if isinstance(translator, ExternalGenerator)
                    else model_identity(self.translation_spec)
                ),
                "engine": translator.output_settings(),
                "beams": translator.default_beams(),
                "generation": self.translation_spec.generation,
                "glossary": sorted(self.glossary.terms.items()),
            }
        )

    # --- the ways in ---------------------------------------------------------------------------

    def prepare(
        self,
        content: str | bytes,
        name: str = "<text>",
        where: str | None = None,
        origin: Origin | None = None,
        input_format: str | None = None,
        charset: str | None = None,
    ) -> Document:
        """prepare_document with this pipeline's reading options, refusing a post with nothing left to translate."""
        return require_text(prepare_document(content, name, self.options.read, where, origin, input_format, charset))

    def run(self, path: str | Path) -> Document:
        """Read, clean, segment, translate and summarize one post: a file, "-" (standard input) or an http(s) URL."""
        return self.process(require_text(load_document(path, self.options.read)))

    def run_text(self, text: str, name: str = "<text>") -> Document:
        """The same for text already in memory."""
        return self.process(self.prepare(text, name))

    def process(self, document: Document) -> Document:
        """Translate and finish one prepared Document."""
        self.process_many([document])
        return document

    # --- the orchestration -------------------------------------------------------------------

    def process_many(self, documents: Sequence[Document], handouts: bool | Sequence[bool] = True) -> list[int]:
        """Turn prepared Documents into finished ones together; returns each document's memory hits.

        All their sentences go through one batch plan (each distinct sentence once, the
        translation memory first). A handout (``handouts`` True, or True at its position) is
        also summarized (summaries share the model's batches) and gets the word list that
        HandoutOptions.vocab asks for; a snippet (False) is only translated. Every document's
        stats get its share of the shared work, and it carries the options it was made with.
        """
        documents = list(documents)
        wanted = [handouts] * len(documents) if isinstance(handouts, bool) else list(handouts)
        if len(wanted) != len(documents):
            raise ValueError("handouts must say, for each document, whether it is a handout")
        load_before = self.seconds_load
        # Both models load before any work, so a missing summarizer fails in seconds,
        # not after the whole translation.
        self.load_models()
        loading = self.seconds_load - load_before
        hits = self._translate(documents)
        finished = [d for d, handout in zip(documents, wanted) if handout]
        self._summarize(finished)
        for document in finished:
            self._add_vocabulary(document)
        sentences = [len(d.all_sentences()) for d in documents]
        for document, count in zip(documents, sentences):
            document.stats.seconds_load += loading * count / (sum(sentences) or 1)
            document.options = self.options
        return hits

    def _translate(self, documents: list[Document]) -> list[int]:
        """Fill in every sentence's translation, titles and comments included, in one batch plan."""
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
        # A person's correction (translate memory import) wins over the model's, whatever the settings.
        human = self.memory.lookup(HUMAN, unique) if self.memory is not None else {}
        known.update(human)
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
            lambda done, total: self.progress("retry", done, total),
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
            # What the model wrote; a sentence a person translated has no machine translation.
            sentence.machine = None if key in human else sentence.translation
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
            document.translation_model = self.translation_name
            document.settings = {"engine": translator.engine_description, "beams": str(translator.default_beams())}
            document.stats.sentences = counts[number]
            document.stats.generated_tokens += round(generated * share)
            document.stats.seconds_translate += seconds * share
            document.stats.retried += round(work.retried * share)
            document.stats.seconds_retry += work.seconds_retry * share
        return hits

    def _summarize(self, documents: list[Document]) -> None:
        """Summarize the English of each body (not the title); abstractive summaries share the model's batches."""
        english = [
            [s.translation for p in d.paragraphs if p.kind != "code" for s in p.sentences if s.translation]
            for d in documents
        ]
        if self.summary_method == "extractive":
            for document, sentences in zip(documents, english):
                started = time.perf_counter()
                text = extractive_summary(sentences, max_sentences=self.options.handout.summary_sentences)
                document.summary = Summary(text=text, method="extractive", model="textrank") if text else None
                document.summarization_model = "textrank" if text else None
                document.stats.seconds_summarize += time.perf_counter() - started
        elif self.summary_method == "abstractive" and any(english):
            summarizer = self.summarizer
            assert summarizer is not None and self.summarization_spec is not None
            started = time.perf_counter()
            texts = summarize_many(english, summarizer, lambda done, total: self.progress("summarize", done, total))
            seconds = time.perf_counter() - started
            words = sum(len(" ".join(sentences).split()) for sentences in english) or 1
            for document, sentences, text in zip(documents, english, texts):
                if sentences:
                    # The summarizer is a model too: what it writes is cleaned of what no handout can hold.
                    text = readable(text)[0]
                    document.summary = Summary(text=text, method="abstractive", model=self.summarization_spec.name)
                    document.summarization_model = self.summarization_spec.name
                # The shared time, by each document's share of the text.
                document.stats.seconds_summarize += seconds * len(" ".join(sentences).split()) / words

    def _add_vocabulary(self, document: Document) -> None:
        """The learners' word list, when HandoutOptions.vocab asks for one."""
        count = self.options.handout.vocab
        if count > 0:
            started = time.perf_counter()
            document.vocabulary = build_vocabulary(document, count, self.translator.generate, self.glossary)
            document.stats.seconds_vocabulary += time.perf_counter() - started
