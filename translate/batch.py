"""Batch translation: many posts in, a mirrored tree of handouts out, resumable, with a report.

The models load once; the sentences of several files are translated together (one batch
plan across files) and each distinct sentence once, with the translation memory reused
across runs. Every output is written atomically when its document is complete, then a
small state record beside the outputs says which input (by content hash) and which settings
produced it, so a rerun skips what is up to date and an interrupted run simply continues.
A file that cannot be read, decoded or cleaned fails alone, with its reason in the report.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.document import Document, Origin
from translate.errors import ConfigError, HandoutError, InputError
from translate.models.spec import model_identity
from translate.options import MemoryOptions, PipelineOptions
from translate.pipeline import Pipeline, Progress, require_text
from translate.render import handout_format, render
from translate.render.formats import usable_format
from translate.render.output import remove_stale_temp_files, write_atomic
from translate.text.feeds import Entry, looks_like_listing, parse_listing, slug_of, url_folders
from translate.text.fetching import FEED_TYPES, PAGE_TYPES, Fetched, fetch, format_of, is_url
from translate.text.language import LANGUAGE_SAMPLE_CHARS, SWEDISH, Detection, likeliest_language
from translate.text.reading import read_bytes
from translate.text.recurring import block_sentences, drop_recurring, recurring_blocks

INPUT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".odt", ".epub", ".pdf")
LISTING_SUFFIXES = (".xml", ".rss", ".atom")  # a feed, sitemap or WordPress export given as a file
# Sitemaps of a sitemap index that are followed; posts of one listing that are taken.
MAX_SITEMAPS = 50
MAX_ENTRIES = 5000
STATE_FOLDER = ".handout-state"
REPORT = "batch-report.json"
# Files per translation round. Rounds are cut from the whole (sharded) input list by
# position, not from what is left to do, so that a resumed run batches the remaining
# sentences exactly as an uninterrupted run would have, and gives the same outputs.
FILES_PER_ROUND = 16

# Called as progress(files_done, files_total, sentences_done, sentences_total).
BatchProgress = Callable[[int, int, int, int], None]


@dataclass
class BatchInput:
    """One post of a batch: a file, or a post by URL (from the command line, a feed, a sitemap or an export)."""

    path: Path | None
    relative: Path  # its place in the output tree, with its own suffix
    url: str | None = None
    # The post's bytes when already had: a feed's or export's whole post, or a page fetched once.
    content: bytes | None = None
    input_format: str | None = None  # what the listing or the server says the content is
    origin: Origin | None = None
    charset: str | None = None  # what the server declared

    @property
    def name(self) -> str:
        """How reports and errors name it."""
        return self.url or str(self.path)

    def keep_page(self, page: Fetched) -> None:
        """Hold a fetched page's bytes, with what the server said of them, for both passes."""
        self.content, self.input_format, self.charset = page.content, format_of(page), page.charset

    def outputs(self, folder: Path, formats: list[str]) -> list[Path]:
        return [folder / self.relative.with_suffix(handout_format(fmt).extension) for fmt in formats]


@dataclass
class BatchOptions:
    """What `translate batch` is told: where the handouts go, in which formats, and the pipeline's options tree."""

    output: Path
    formats: list[str] = field(default_factory=lambda: ["html"])
    force: bool = False
    memory: MemoryOptions = field(default_factory=MemoryOptions)
    shard: tuple[int, int] | None = None  # (index, count), index from 0
    pipeline: PipelineOptions = field(default_factory=PipelineOptions)
    # A post that is not Swedish is left out ("other language" in the report) instead of translated with a warning.
    skip_other_languages: bool = False


@dataclass
class FileResult:
    input: str
    outputs: list[str]
    status: str  # done, skipped (up to date), other-language (--skip-other-languages) or failed
    error: str | None = None
    sentences: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # what reading mended (bad bytes replaced, and where)


@dataclass
class BatchReport:
    files: list[FileResult]
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": {
                "inputs": len(self.files),
                "done": self.count("done"),
                "skipped": self.count("skipped"),
                "other_language": self.count("other-language"),
                "failed": self.count("failed"),
                "sentences": sum(f.sentences for f in self.files),
                "cache_hits": sum(f.cache_hits for f in self.files),
                "seconds": round(self.seconds, 3),
            },
            "files": [
                {
                    "input": f.input,
                    "outputs": f.outputs,
                    "status": f.status,
                    "error": f.error,
                    "sentences": f.sentences,
                    "cache_hits": f.cache_hits,
                    "seconds": round(f.seconds, 3),
                    "warnings": f.warnings,
                }
                for f in self.files
            ],
        }


def parse_shard(text: str) -> tuple[int, int]:
    """'i/n' with 0 <= i < n."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 0 <= int(match[1]) < int(match[2]):
        raise ConfigError(f"--shard takes i/n with 0 <= i < n (for example 0/4 ... 3/4), not '{text}'.")
    return int(match[1]), int(match[2])


def is_output_tree(folder: Path) -> bool:
    """A folder an earlier batch wrote: it holds that batch's state folder or report."""
    return (folder / STATE_FOLDER).is_dir() or (folder / REPORT).is_file()


def _earlier_handouts(files: list[Path], base: Path) -> set[Path]:
    """The handouts this tool wrote among a folder's files: `translate run`'s POST.handout.FORMAT, and the
    files in an earlier batch's tree (each folder looked at once, however many files it holds)."""
    trees: dict[Path, bool] = {}

    def in_tree(file: Path) -> bool:
        for folder in file.relative_to(base).parents:
            if folder not in trees:
                trees[folder] = is_output_tree(base / folder)
            if trees[folder]:
                return True
        return False

    return {f for f in files if ".handout." in f.name or in_tree(f)}


def collect_inputs(
    arguments: list[str], exclude: Path | None = None, skipped: list[Path] | None = None
) -> list[BatchInput]:
    """Folders (recursively, .txt/.md/.html files, hidden ones skipped), glob patterns, files, URLs of posts, and
    RSS/Atom feeds, sitemaps and WordPress exports (by URL, or as .xml files).

    A folder's files keep their place below it; a pattern's files their place below the
    pattern's fixed leading folders; a file goes to the top of the output tree. A post by URL
    goes where its URL's path says (".../2024/05/min-post/" -> 2024/05/min-post.html).
    Handouts this tool wrote earlier are not posts: a folder's `*.handout.*` files and the
    trees of earlier batches are left out, and listed in ``skipped`` when it is given.
    """
    found: dict[Path | str, BatchInput] = {}
    excluded = exclude.resolve() if exclude is not None else None
    for argument in arguments:
        if is_url(argument):
            for item in _inputs_from_url(argument):
                found.setdefault(item.url or str(item.relative), item)
            continue
        path = Path(argument).expanduser()
        if path.is_file() and path.suffix.lower() in LISTING_SUFFIXES:
            for item in _inputs_from_listing(read_bytes(path), str(path), None):
                found.setdefault(item.url or f"{path}#{item.relative}", item)
            continue
        if path.is_dir():
            if excluded is not None and path.resolve().is_relative_to(excluded):
                raise ConfigError(
                    f"-o {exclude} is the folder of the posts ({argument}) or one above it: the handouts would be "
                    f"written among the posts (and an .html post would be replaced by its own handout). Give an "
                    f"output folder of its own, such as {Path(argument) / 'handouts'}."
                )
            base = path
            files = [
                f
                for f in path.rglob("*")
                if f.is_file()
                and f.suffix.lower() in INPUT_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            ]
            earlier = _earlier_handouts(files, path)
            files = [f for f in files if f not in earlier]
            if skipped is not None:
                skipped.extend(sorted(earlier))
        elif path.is_file():
            base, files = path.parent, [path]
        elif glob.has_magic(argument):
            fixed = [p for p in _leading_fixed_parts(Path(argument).expanduser())]
            base = Path(*fixed) if fixed else Path(".")
            files = [Path(m) for m in glob.glob(str(path), recursive=True) if Path(m).is_file()]
            if not files:
                raise InputError(f"'{argument}' matches no files.")
        else:
            raise InputError(f"{argument}: no such file or folder.")
        for file in sorted(files):
            resolved = file.resolve()
            if excluded is not None and resolved.is_relative_to(excluded):
                continue  # our own outputs, when the output folder is inside an input folder
            found.setdefault(resolved, BatchInput(file, file.relative_to(base)))
    inputs = sorted(found.values(), key=lambda item: str(item.relative))
    _refuse_collisions(inputs)
    return inputs


def _inputs_from_url(url: str) -> list[BatchInput]:
    """A URL is a listing (feed, sitemap, export) or one post; a listing is fetched now, a post's page now too."""
    fetched = fetch(url, PAGE_TYPES + FEED_TYPES)
    if fetched.media_type in FEED_TYPES or looks_like_listing(fetched.content):
        return _inputs_from_listing(fetched.content, url, fetched.url)
    item = BatchInput(None, _relative_for(fetched.url, slug_of(fetched.url)), fetched.url, origin=Origin(fetched.url))
    item.keep_page(fetched)
    return [item]


def _inputs_from_listing(content: bytes, where: str, base_url: str | None, depth: int = 0) -> list[BatchInput]:
    listing = parse_listing(content, where, base_url)
    entries: list[Entry] = listing.entries
    if listing.kind == "sitemap index":
        if depth > 0:
            raise InputError(f"{where}: a sitemap index inside a sitemap index is not followed.")
        nested: list[BatchInput] = []
        for entry in entries[:MAX_SITEMAPS]:
            if entry.url:
                nested.extend(_inputs_from_listing(fetch(entry.url, FEED_TYPES).content, entry.url, entry.url, 1))
        return nested[:MAX_ENTRIES]
    if not entries:
        raise InputError(f"{where} is a {listing.kind} with no posts in it.")
    inputs = []
    for entry in entries[:MAX_ENTRIES]:
        if entry.content is None and entry.url is None:
            continue  # an item with neither a link nor a body: nothing to translate
        origin = Origin(entry.url, entry.author, entry.published) if entry.url else None
        inputs.append(
            BatchInput(
                None,
                _relative_for(entry.url, entry.slug),
                entry.url or f"{where}#{entry.slug}",
                _as_page(entry) if entry.content is not None else None,
                "html" if entry.content is not None else None,
                origin,
            )
        )
    return inputs


def _as_page(entry: Entry) -> bytes:
    """A listing's post (an HTML fragment) as the page it stands for, so that it is read like a saved page."""
    from html import escape

    title = f"<title>{escape(entry.title)}</title>" if entry.title else ""
    heading = f"<h1>{escape(entry.title)}</h1>" if entry.title else ""
    page = f"<!DOCTYPE html><html><head><meta charset='utf-8'>{title}</head><body><article>{heading}"
    return (page + f"{entry.content}</article></body></html>").encode("utf-8")


def _relative_for(url: str | None, slug: str) -> Path:
    """Its place in the output tree: the URL's folders, then the slug (".html" so that the slug keeps any dot)."""
    folders = url_folders(url) if url else []
    return Path(*folders, f"{slug}.html")


def _leading_fixed_parts(pattern: Path) -> list[str]:
    parts: list[str] = []
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return parts


def _refuse_collisions(inputs: list[BatchInput]) -> None:
    seen: dict[Path, BatchInput] = {}
    for item in inputs:
        key = item.relative.with_suffix("")
        if key in seen:
            raise InputError(
                f"{seen[key].name} and {item.name} would both be written as {key}.*: "
                "rename one, or translate them in separate batches."
            )
        seen[key] = item


def select_shard(inputs: list[BatchInput], shard: tuple[int, int] | None) -> list[BatchInput]:
    """A deterministic share of the inputs: by a hash of each one's place in the tree."""
    if shard is None:
        return inputs
    index, count = shard
    return [i for i in inputs if int(hashlib.sha1(str(i.relative).encode()).hexdigest(), 16) % count == index]


def report_path(options: BatchOptions) -> Path:
    if options.shard is None:
        return options.output / REPORT
    index, count = options.shard
    return options.output / f"batch-report.shard-{index}-of-{count}.json"


def request_fingerprint(pipeline: Pipeline, options: BatchOptions) -> str:
    """Everything the user asked for that decides the outputs, without loading a model."""
    tree = pipeline.options.to_dict()
    # Names and paths are replaced by what they resolve to: the exact weights and terms.
    del tree["models"]
    del tree["engine"]["threads"]  # changes the speed, never the output
    spec = pipeline.translation_spec
    summary = pipeline.summarization_spec
    settings = {
        "options": tree,
        "translation": model_identity(spec),
        "summarization": model_identity(summary) if summary else pipeline.summary_method,
        "generation": spec.generation,
        "model_engine": [spec.backend, spec.compute_type],
        "glossary": sorted(pipeline.glossary.terms.items()),
        "formats": sorted(options.formats),
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _state_path(options: BatchOptions, item: BatchInput) -> Path:
    return options.output / STATE_FOLDER / f"{item.relative}.json"


def _up_to_date(options: BatchOptions, item: BatchInput, digest: str, settings: str) -> bool:
    try:
        state = json.loads(_state_path(options, item).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    outputs = item.outputs(options.output, options.formats)
    return (
        state.get("input_sha256") == digest
        and state.get("settings") == settings
        and all(path.is_file() for path in outputs)
    )


@dataclass
class _Pending:
    """An input that needs translating. Its document is prepared again for its round, not kept from
    the first pass, so memory holds one round of documents however many posts the batch has."""

    position: int
    item: BatchInput
    digest: str
    sentences: int
    document: Document | None = None
    language_warning: str | None = None  # the post does not look Swedish (translated anyway)


def run_batch(
    inputs: list[BatchInput],
    options: BatchOptions,
    progress: BatchProgress | None = None,
    pipeline_progress: Progress | None = None,
) -> BatchReport:
    """Translate every input that is not up to date; write its outputs, its state record and the report."""
    from translate.fidelity.memory import memory_from_option

    started = time.perf_counter()
    for fmt in options.formats:
        usable_format(fmt)  # before any post is translated
    inputs = select_shard(inputs, options.shard)
    remove_stale_temp_files(options.output)
    results: list[FileResult | None] = [None] * len(inputs)
    files_done = sentences_done = round_sentences = 0
    total_sentences = 0

    def on_pipeline(stage: str, done: int, total: int) -> None:
        if pipeline_progress:
            pipeline_progress(stage, done, total)
        if stage == "translate" and progress and total:
            progress(files_done, len(inputs), sentences_done + round_sentences * done // total, total_sentences)

    # Built before anything is read: unknown model names fail here, and it fingerprints the settings.
    pipeline = Pipeline(options.pipeline, progress=on_pipeline)
    settings = request_fingerprint(pipeline, options)
    # Every input is read and cleaned once first: what recurs across the batch's posts is
    # learned from all of them (up to date or not), so a resumed run drops what an
    # uninterrupted one would have.
    surveys = [_survey(pipeline, item) for item in inputs]
    keep_all = options.pipeline.read.clean.keep_all
    readable = [survey for survey in surveys if isinstance(survey, _Survey)]
    recurring = {} if keep_all else recurring_blocks(set(survey.blocks) for survey in readable)
    pending: list[_Pending] = []
    for position, (item, survey) in enumerate(zip(inputs, surveys)):
        if isinstance(survey, FileResult):
            results[position] = survey
            continue
        other = _other_language(survey)
        if other and options.skip_other_languages:
            reason = f"{item.name}: {other}; left out (--skip-other-languages)."
            results[position] = FileResult(item.name, [], "other-language", reason)
            continue
        dropped = sorted(set(survey.blocks) & recurring.keys())
        digest = _state_digest(survey.digest, dropped)
        outputs = [str(p) for p in item.outputs(options.output, options.formats)]
        if not options.force and _up_to_date(options, item, digest, settings):
            results[position] = FileResult(item.name, outputs, "skipped")
            continue
        sentences = sum(n for key, n in survey.blocks.items() if key not in recurring)
        if dropped and sentences == 0:
            results[position] = FileResult(item.name, [], "failed", _nothing_but_chrome(item, len(readable)))
            continue
        results[position] = FileResult(item.name, outputs, "failed", "interrupted before it was translated")
        pending.append(_Pending(position, item, digest, sentences, language_warning=other))
    total_sentences = sum(p.sentences for p in pending)
    files_done = len(inputs) - len(pending)

    def tell() -> None:
        if progress:
            progress(files_done, len(inputs), sentences_done, total_sentences)

    tell()
    pipeline.memory = memory_from_option(options.memory) if pending else None
    try:
        rounds: dict[int, list[_Pending]] = {}
        for prepared in pending:
            rounds.setdefault(prepared.position // FILES_PER_ROUND, []).append(prepared)
        for _, planned in sorted(rounds.items()):
            batch = []
            for prepared in planned:
                try:
                    prepared.digest, prepared.document = _read_document(
                        pipeline, prepared.item, recurring, len(readable)
                    )
                    batch.append(prepared)
                except HandoutError as error:  # changed or removed since the first pass
                    results[prepared.position] = FileResult(prepared.item.name, [], "failed", str(error))
                    files_done += 1
                    total_sentences -= prepared.sentences  # the bar still ends full
            documents = [p.document for p in batch if p.document is not None]
            if not documents:
                continue
            # The survey's counts, which the total is made of (a round's own may differ by a title).
            round_sentences = sum(p.sentences for p in batch)
            # The first round also loads the models, before any work: a missing summarizer fails in seconds.
            hits = pipeline.process_many(documents)
            # Counted as translated now, before the handouts are written, so the count never goes back.
            sentences_done += round_sentences
            round_sentences = 0
            for prepared, hit in zip(batch, hits, strict=True):
                results[prepared.position] = _finish(prepared, hit, options, settings)
                prepared.document = None  # written: free it
                files_done += 1
                tell()
    finally:
        report = BatchReport([r for r in results if r is not None], time.perf_counter() - started)
        write_atomic(report_path(options), json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        if pipeline.memory is not None:
            pipeline.memory.close()
    return report


@dataclass
class _Survey:
    """What the first pass learns of a readable input: its bytes' digest and its blocks (key -> sentences)."""

    digest: str
    blocks: dict[str, int]
    language: Detection | None = None  # what language its text is in (None: too little text to tell)


def _survey(pipeline: Pipeline, item: BatchInput) -> _Survey | FileResult:
    started = time.perf_counter()
    try:
        data, digest = _read(item, pipeline.options.read.max_input_bytes)
        document = _prepare_document(pipeline, item, data)
    except HandoutError as error:
        return FileResult(item.name, [], "failed", str(error), seconds=time.perf_counter() - started)
    return _Survey(digest, block_sentences(document), _language_of(document))


def _language_of(document: Document) -> Detection | None:
    text = " ".join(p.source for p in document.paragraphs if p.kind != "code")[:LANGUAGE_SAMPLE_CHARS]
    return likeliest_language(text) if len(text.split()) >= 3 else None


def _other_language(survey: _Survey) -> str | None:
    """Why the post looks not Swedish, or None when it is (or cannot be told)."""
    found = survey.language
    if found is None or found.language == SWEDISH:
        return None
    return f"its text looks {found.language} ({found.confidence:.0f}% sure), not Swedish (sv)"


def _state_digest(input_digest: str, dropped: list[str]) -> str:
    """The input's digest, and which of its blocks the batch dropped as the site's: both decide its handout."""
    if not dropped:
        return input_digest
    return hashlib.sha256((input_digest + "\n" + "\n".join(dropped)).encode()).hexdigest()


def _nothing_but_chrome(item: BatchInput, posts: int) -> str:
    return (
        f"{item.name}: every block of it recurs across the {posts} posts of this batch, so all of it was taken "
        "for the site's chrome. Translate it on its own, or use --keep-all."
    )


def _read(item: BatchInput, max_bytes: int) -> tuple[bytes, str]:
    """The input's bytes and their sha256; a post by URL is fetched once and kept for the second pass."""
    if item.content is None and item.url is not None:
        item.keep_page(fetch(item.url, PAGE_TYPES))
    data = item.content if item.content is not None else read_bytes(item.path, max_bytes)  # type: ignore[arg-type]
    return data, hashlib.sha256(data).hexdigest()


def _prepare_document(pipeline: Pipeline, item: BatchInput, data: bytes) -> Document:
    return pipeline.prepare(data, item.name, origin=item.origin, input_format=item.input_format, charset=item.charset)


def _read_document(pipeline: Pipeline, item: BatchInput, recurring: dict[str, int], posts: int) -> tuple[str, Document]:
    """The input's document for its round, the batch's recurring blocks dropped, and its state digest."""
    data, digest = _read(item, pipeline.options.read.max_input_bytes)
    document = _prepare_document(pipeline, item, data)
    dropped = drop_recurring(document, recurring, posts) if recurring else []
    if dropped and not document.paragraphs and document.title is None:
        raise InputError(_nothing_but_chrome(item, posts))
    return _state_digest(digest, sorted(set(dropped))), require_text(document)


def _finish(prepared: _Pending, hits: int, options: BatchOptions, settings: str) -> FileResult:
    """Render and write one finished document, then its state record."""
    started = time.perf_counter()
    document, item = prepared.document, prepared.item
    assert document is not None
    outputs = item.outputs(options.output, options.formats)
    try:
        for path, fmt in zip(outputs, options.formats):
            write_atomic(path, render(document, fmt))
        state = {
            "input": item.name,
            "input_sha256": prepared.digest,
            "settings": settings,
            "outputs": [str(p.relative_to(options.output)) for p in outputs],
        }
        write_atomic(_state_path(options, item), json.dumps(state, indent=2) + "\n")
    except HandoutError as error:
        return FileResult(item.name, [], "failed", str(error), seconds=time.perf_counter() - started)
    return FileResult(
        item.name,
        [str(p) for p in outputs],
        "done",
        sentences=len(document.all_sentences()),
        cache_hits=hits,
        # The document's own share of the pipeline's work (reading it included), then rendering and writing.
        seconds=document.stats.seconds_total + time.perf_counter() - started,
        warnings=document.warnings
        + ([f"{item.name}: {prepared.language_warning}."] if prepared.language_warning else []),
    )
