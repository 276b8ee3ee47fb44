"""The OpenAPI 3.1 document, and a property-based run of it against the app (Schemathesis).

Schemathesis reads /api/v1/openapi.json from the app and sends each operation generated
requests, valid and not, with a real token over a journal with entries. Every answer must
be no 500, a status the document lists, of a content type it lists, and a body that its
schema accepts. The run is deterministic (a fixed seed) and bounded in examples.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from journal import create_app
from journal.api import tokens
from journal.api.spec import document
from journal.auth.services import get_user_by_name

from .support import AuthActions, make_config

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 10


@pytest.fixture
def journal_app(make_app):
    """A journal with entries, and a token that may write (and no rate limit to hit)."""
    app = make_app(API_RATE_PER_MINUTE=1_000_000, API_RATE_BURST=1_000_000)
    client = app.test_client()
    AuthActions(app, client).create("alice")
    with app.app_context():
        made = tokens.create_token(
            get_user_by_name("alice"), tokens.TokenInput("schemathesis", "write", None)
        )
    app.config["TEST_TOKEN"] = made.secret
    headers = {"Authorization": f"Bearer {made.secret}"}
    for number in range(3):
        body = {"duration": f"{number + 1}h", "stage": "sql", "notes": f"#sql day {number}"}
        assert client.post("/api/v1/entries", json=body, headers=headers).status_code == 201
    return app


def _document() -> dict:
    """The document as the app serves it (made without a database: none is opened)."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(make_config(Path(folder)))
        with app.app_context():
            return copy.deepcopy(document())


# Loaded once, at collection (Schemathesis's fixture-based loading does not work with
# this pytest); each test sends its requests to its own app, with its own database.
schema = schemathesis.openapi.from_dict(_document())
schema.config.generation.update(modes=list(schemathesis.GenerationMode), deterministic=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case, journal_app):
    token = journal_app.config["TEST_TOKEN"]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, app=journal_app
    )


def test_the_document_is_openapi_3_1_and_needs_no_token(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token.",
    }
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routes = {
        (rule.rule.replace("<int:entry_id>", "{entry_id}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routes  # every route, and nothing else
    create = document["paths"]["/api/v1/entries"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert set(create["responses"]) >= {"200", "201", "401", "403", "422", "429"}
    assert create["parameters"][0]["name"] == "Idempotency-Key"
    body = document["components"]["schemas"]["EntryCreate"]
    assert body["required"] == ["duration"] and body["additionalProperties"] is False
