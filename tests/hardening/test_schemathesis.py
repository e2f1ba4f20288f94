"""Schema fuzzing: schemathesis generates requests for every operation of /api/schema/ and
sends them, as an authenticated clerk, to the app in-process. No response may be a server
error, every response must conform to the documented schema (status and body), and a 201 must
carry a Location header."""

import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from offices.authentication import token_issue

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


def created_has_location(ctx, response, case):
    if response.status_code == 201:
        assert response.headers.get("Location") or response.headers.get("location"), (
            "201 without a Location header"
        )
    return True


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI handler, whose request signals would close the
    connection holding the test's transaction (Django's test client disconnects them too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(clerk, party, settings):
    settings.API_THROTTLE_RATE = "100000/min"
    return {"Authorization": f"Bearer {token_issue(agent=clerk)[0]}"}


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@pytest.mark.django_db
def test_api_operations_never_fail_and_conform(case, auth_headers):
    headers = {**(case.headers or {}), **auth_headers}
    if case.path.startswith("/api/v1/") and not case.path.startswith("/api/v1/auth/"):
        headers["Request-ID"] = str(uuid.uuid4())
    response = case.call(headers=headers)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            response_schema_conformance,
            created_has_location,
        ],
        headers=headers,
    )
