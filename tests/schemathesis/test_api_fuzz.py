"""schemathesis fuzzes every /api/v1/ operation of /api/schema/ through the WSGI app.

Authenticated with the admin koordinator's token over a small city with cases in several states. Bounded:
a few examples per operation (SCHEMATHESIS_MAX_EXAMPLES raises it for a longer run). Asserts no 5xx and that
status codes, content types and bodies conform to the published schema.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kotacerdas.complaints import actions
from kotacerdas.complaints.tests.test_actions import file_report

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def cases(city, people) -> None:  # noqa: ANN001
    """Data to hit: a new case, one at DLH, one being handled with a public response."""
    file_report(city, people.wati)
    actions.do_dispose(people.adi, file_report(city, people.wati), city.dlh)
    handled = actions.do_accept(people.dewi, actions.do_dispose(people.adi, file_report(city, None), city.dlh))
    actions.do_respond(people.dewi, handled, "Petugas sudah meninjau lokasi aduan.", [])


@pytest.fixture
def adi_token(people) -> str:  # noqa: ANN001
    return Token.objects.create(user=people.adi).key


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI handler, which closes the database connection when a request ends.

    Django's test Client detaches that signal for the same reason: the test's connection holds the open test
    transaction (on PostgreSQL, closing it loses every row the test made).
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _load_schema() -> Any:
    """The document /api/schema/ serves, built at collection time, sent through the WSGI app.

    Not `from_wsgi("/api/schema/")`: every request passes middleware that reads SiteSettings, and pytest-django
    forbids the database during collection. And not the lazy `schemathesis.pytest.from_fixture`: in
    schemathesis 4.32 it sets `Node._nodeid`, which pytest 9 no longer has. So each operation is its own item.
    """
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    return loaded


schema = _load_schema().include(path_regex=r"^/api/v1/")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_it_answers_fuzzed_requests_without_server_errors(case: Any, cases: None, adi_token: str) -> None:
    # An explicit Authorization header wins over the token the schema's examples might carry.
    case.call_and_validate(headers={"Authorization": f"Token {adi_token}"}, checks=CHECKS)
