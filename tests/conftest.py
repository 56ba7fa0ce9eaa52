"""Shared fixtures: tiny random-weight models built once per session, and a CLI runner."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# No test may reach the network or a real Hugging Face cache. This must happen before
# huggingface_hub is first imported (it reads these once), hence here and not in a fixture.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="handout-tests-hf-")
atexit.register(shutil.rmtree, os.environ["HF_HOME"], ignore_errors=True)
# CTranslate2 conversions of the tiny models go to a throwaway cache, never the user's.
os.environ["HANDOUT_CACHE_DIR"] = tempfile.mkdtemp(prefix="handout-tests-cache-")
atexit.register(shutil.rmtree, os.environ["HANDOUT_CACHE_DIR"], ignore_errors=True)

import fake_engine  # noqa: E402  (registers the fake backend through the real seam)
from tiny_models import build_tiny_bart, build_tiny_marian  # noqa: E402

DATA = Path(__file__).parent / "data"
SAMPLE_POST = DATA / "post_sv.txt"
SEED_POST = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_f3335162c8ea5cb1.txt"

# The five body paragraphs of tests/data/post_sv.txt, as cleaning must return them.
SAMPLE_TITLE = "Vintern i Norrland"
SAMPLE_PARAGRAPHS = [
    "Det har snöat i tre dagar nu, och hela byn ligger under ett tjockt vitt täcke. Barnen har byggt "
    "en snögubbe framför skolan. Vi såg t.ex. en älg som gick över isen i går kväll.",
    "Kommunen har bl.a. lovat att ploga vägarna före klockan sju varje morgon. Den s.k. snöjouren "
    "ringer in extra personal, dvs. fler traktorer ute samtidigt. Ändå kom bussen en timme sent i dag.",
    "Jag pratade med min granne om hur vintrarna har förändrats. Hon menar att de var kallare förr, "
    "men att snön kom senare på året.",
    "Forskarna säger samma sak i en ny rapport (Lindqvist.2019:42-44). Klimatet blir varmare, och "
    "vintrarna blir kortare men mer oförutsägbara.",
    "I morgon ska vi åka skidor om vädret tillåter. Vad gör du själv när det snöar så här mycket?",
]
SAMPLE_CHROME = ["Delning 7", "Lämna ett svar", "Logga ut", "Ansluter till", "bloggare gillar"]


@pytest.fixture(scope="session")
def fake_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models.yaml whose default translation model is the fake backend's: the pipeline with no model at all."""
    return fake_engine.write_config(tmp_path_factory.mktemp("fake"))


@pytest.fixture
def phrases() -> Iterator[dict[str, str]]:
    """The fake engine's phrase table, empty again after the test."""
    yield fake_engine.PHRASES
    fake_engine.PHRASES.clear()


# Tests that build, convert or load a model, or start a process, are slow; `pytest -m "not slow"` skips them.
_MODEL_FIXTURES = {"tiny_marian", "tiny_bart", "service", "client", "generator", "backend"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MarianMT with max_position_embeddings 40: anything but short sentences must be cut to fit."""
    return build_tiny_marian(tmp_path_factory.mktemp("models") / "tiny-marian", max_position_embeddings=40)


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A BART summarizer with 64 positions: a whole post needs chunking."""
    return build_tiny_bart(tmp_path_factory.mktemp("models") / "tiny-bart", max_position_embeddings=64)


@pytest.fixture(scope="session")
def service(tiny_marian: Path, tiny_bart: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The HTTP service with both tiny models loaded, shared by the server tests (their apps do not own it)."""
    from translate.options import MemoryOptions, ModelOptions, PipelineOptions
    from translate.service import ServiceOptions, TranslationService

    memory = tmp_path_factory.mktemp("serve") / "memory.sqlite3"
    service = TranslationService(
        PipelineOptions(models=ModelOptions(translation=str(tiny_marian), summarizer=str(tiny_bart))),
        ServiceOptions(memory=MemoryOptions(memory)),
    )
    service.start()
    assert service.wait_ready(180), service.error
    yield service
    service.close()


BACKENDS = ["torch", "ctranslate2"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run a test once per backend; both must give the same guarantees."""
    return str(request.param)


@pytest.fixture
def post(tmp_path: Path) -> Path:
    """A copy of the sample post in a fresh folder, so default outputs land there."""
    target = tmp_path / "post.txt"
    target.write_bytes(SAMPLE_POST.read_bytes())
    return target


@pytest.fixture
def cli():
    """Invoke the real Typer app in-process; returns the click Result."""
    from typer.testing import CliRunner

    from translate.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def without_sentence_spans(html: str) -> str:
    """The HTML handout with its per-sentence <span> wrappers removed, so paragraphs read as text again."""
    import re

    return re.sub(r"</?span[^>]*>", "", html)


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


@contextmanager
def page_server(page: bytes, content_type: str = "text/html; charset=utf-8") -> Iterator[str]:
    """A web server on 127.0.0.1 that answers every GET with this page; yields its base address."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    site = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
