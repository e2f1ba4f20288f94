"""The OpenAPI 3 schema and the Swagger UI, served without internet (sidecar static assets)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"
EXPECTED_PATHS = [
    "/api/v1/invoices",
    "/api/v1/invoices/{invoice_id}",
    "/api/v1/parties",
    "/api/v1/agencyOffices",
    "/api/v1/me",
    "/api/v1/auth/token",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def docs_html(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get(DOCS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def _operations(schema, path):
    return {
        method: operation
        for method, operation in schema["paths"][path].items()
        if method in {"get", "post", "put", "delete", "patch"}
    }


def _header_parameters(operation) -> dict[str, dict]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}


def test_schema_is_openapi_3_yaml_by_default(db):
    response = APIClient().get(SCHEMA)
    assert response.status_code == 200
    assert "openapi: 3" in response.content.decode()


def test_schema_needs_no_authentication_or_request_id(db):
    response = APIClient().get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("path", EXPECTED_PATHS)
def test_schema_has_path(schema, path):
    assert path in schema["paths"], sorted(schema["paths"])


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v1/invoices", {"get", "post"}),
        ("/api/v1/invoices/{invoice_id}", {"get", "put", "delete"}),
        ("/api/v1/parties", {"get", "post"}),
        ("/api/v1/agencyOffices", {"get", "post"}),
        ("/api/v1/me", {"get"}),
        ("/api/v1/auth/token", {"post"}),
    ],
)
def test_schema_declares_the_methods(schema, path, methods):
    assert set(_operations(schema, path)) == methods


@pytest.mark.parametrize("path", ["/api/v1/invoices", "/api/v1/invoices/{invoice_id}"])
def test_invoice_operations_declare_the_required_request_id_header(schema, path):
    for method, operation in _operations(schema, path).items():
        headers = _header_parameters(operation)
        assert "Request-ID" in headers, method
        assert headers["Request-ID"]["required"] is True
        assert headers["Request-ID"]["schema"]["format"] == "uuid"


def test_token_operation_does_not_require_request_id(schema):
    operation = _operations(schema, "/api/v1/auth/token")["post"]
    assert "Request-ID" not in _header_parameters(operation)


def test_search_operation_declares_the_seed_filters_and_paging(schema):
    operation = _operations(schema, "/api/v1/invoices")["get"]
    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert {
        "statusCode",
        "invoiceNumber",
        "partyName",
        "agencyOfficeId",
        "freeTextSearch",
        "issueDateAfter",
        "issueDateBefore",
        "sort",
        "startIndex",
        "size",
    } <= names


def test_schema_declares_bearer_authentication(schema):
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_is_swagger_ui_html(docs_html, client):
    assert "swagger" in docs_html.lower()
    script_url = re.search(r'<script src="([^"]*script[^"]*)"', docs_html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert SCHEMA in script.content.decode()


def test_docs_page_needs_no_inline_script_under_the_csp(client):
    response = client.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("host", ["cdn.jsdelivr", "unpkg", "cdnjs", "googleapis"])
def test_docs_page_uses_no_cdn(docs_html, host):
    assert host not in docs_html


def _static_references(html: str) -> list[str]:
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    return sorted(set(re.findall(rf'(?:src|href)="{re.escape(prefix)}([^"?#]+)', html)))


def test_docs_page_references_local_sidecar_assets(docs_html):
    references = _static_references(docs_html)
    assert any(r.endswith("swagger-ui-bundle.js") for r in references), references
    assert any(r.endswith(".css") for r in references), references
    assert all(r.startswith("drf_spectacular_sidecar/") for r in references), references


def test_docs_page_static_assets_exist_locally(docs_html):
    references = _static_references(docs_html)
    assert references
    for reference in references:
        assert finders.find(reference), f"static asset {reference} is not found"
