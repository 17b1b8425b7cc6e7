"""Schemathesis over /openapi.json: no input gives a server error or an answer the document does not describe.

Every operation in the document is fuzzed in-process (WSGI) as three callers: nobody,
a housing consultant (konsulent.anne) and a caseworker (hvk.midtbyen), with data that
fits the schema (positive) and data that breaks it (negative). A 5xx, a status the
operation does not list, another content type or a body that does not match its
schema is a failure; every failure of a run is reported together, with the request.

Free of luck: Hypothesis is derandomized, keeps no example database and each
operation gets a fixed number of examples, so the same code sends the same
requests every run. The bound keeps the file under a minute on 2 cores (about 45 s).

Schemathesis' own pytest plugin (`schema.parametrize`) does not run under pytest 9.2
(it sets `Function._nodeid`, which pytest 9.2 no longer has), so each operation's
cases come from `APIOperation.as_strategy` under a plain `@given`.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.errors import FailureGroup

from support.http import Api

ROLES = {"anonym": None, "konsulent": "konsulent.anne", "saksbehandler": "hvk.midtbyen"}
EXAMPLES = 8  # per operation, role and mode: 41 operations x 3 roles x 2 modes x 8, about 1,900 requests

# Only what this test is about; schemathesis' other checks judge API design (e.g. that a
# request missing a field is refused with 4xx, which a 401 before the body is read is not).
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")

CONFIG = {
    "seed": 20261116,
    "generation": {"deterministic": True, "database": "none", "max-examples": EXAMPLES},
    "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
}


def _fuzz(schema, username: str | None) -> tuple[int, list[str], list[str]]:
    """(requests sent, labels of the operations fuzzed, one report per failing request)."""
    sent, labels, failures = 0, [], []
    headers = Api.headers(username)
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            # No shrinking and no health checks: a failure is recorded, not raised, so that one
            # run lists them all; slow or filtered examples say nothing about the service.
            @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(mode))
            def send(case):
                nonlocal sent
                sent += 1
                try:
                    case.call_and_validate(headers=headers)
                except FailureGroup as exc:
                    failures.append(f"{operation.label} ({mode.value}): {exc}")

            try:
                send()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # an operation without inputs has nothing to break
    return sent, labels, failures


@pytest.mark.parametrize("role", list(ROLES))
def test_no_request_gives_a_server_error_or_an_answer_the_document_does_not_describe(casework_app, role):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", casework_app,
                                            config=SchemathesisConfig.from_dict(CONFIG))
    documented = {f"{method.upper()} {path}" for path, item in schema.raw_schema["paths"].items()
                  for method in item}

    sent, labels, failures = _fuzz(schema, ROLES[role])
    print(f"{role}: {len(labels)} operasjoner, {sent} forespørsler, {len(failures)} feil")

    assert failures == [], "\n\n".join(failures)
    assert set(labels) == documented - {"GET /openapi.json"}, "every operation but the document itself is fuzzed"
