"""Schema-based fuzzing of the OpenAPI spec (schemathesis): whatever a client sends, the server never answers 500.

Each operation is driven through its Hypothesis strategy directly: schemathesis' own pytest
loader (from_fixture) does not work with pytest 9.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from translate.server import ServerOptions, create_app
from translate.service import TranslationService

# More for a deeper search: HANDOUT_FUZZ_EXAMPLES=500 pytest tests/test_server_fuzz.py
EXAMPLES = int(os.environ.get("HANDOUT_FUZZ_EXAMPLES", "25"))

OPERATIONS = [
    ("POST", "/translate"),
    ("GET", "/languages"),
    ("POST", "/v1/handout"),
    ("POST", "/v1/summarize"),
    ("GET", "/health"),
    ("POST", "/detect"),
    ("GET", "/frontend/settings"),
    ("POST", "/suggest"),
    ("POST", "/translate_file"),
    ("GET", "/download_file/{filename}"),
    ("GET", "/metrics"),
    ("POST", "/v1/render"),
]


@pytest.fixture(scope="module", params=["open", "with an API key"])
def api_schema(service: TranslationService, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    # A small size limit as well, so that the 413 paths are fuzzed with the normal ones. With a
    # key, every body is parsed twice (for the key, then by the route): the first parse must not fail.
    keys = frozenset({"fuzz-key"}) if request.param != "open" else frozenset()
    app = create_app(service, ServerOptions(char_limit=2000, api_keys=keys), own_service=False)
    # The schema itself is read with the key; the fuzzed requests go without one (or with a fuzzed one).
    return schemathesis.openapi.from_asgi("/openapi.json", app, headers={"X-API-Key": "fuzz-key"})


def test_the_schema_lists_every_operation(api_schema) -> None:  # type: ignore[no-untyped-def]
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_request_makes_a_server_error(api_schema, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case) -> None:  # type: ignore[no-untyped-def]
        # Every default check but one: a schema cannot say that a post must have something left
        # after cleaning ("?" has not), and a 400 that says so is the right answer.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    fuzz()
