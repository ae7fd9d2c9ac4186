import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("get", "/api/v1/invoices"),
    ("post", "/api/v1/invoices"),
    ("get", "/api/v1/invoices/{invoice_id}"),
    ("patch", "/api/v1/invoices/{invoice_id}"),
    ("get", "/api/v1/invoices/by-number/{number}"),
    ("get", "/api/v1/payments"),
    ("post", "/api/v1/payments"),
    ("get", "/api/v1/payments/{payment_id}"),
    ("post", "/api/v1/payments/{payment_id}/allocations"),
    ("post", "/api/v1/credit-notes"),
    ("post", "/api/v1/credit-notes/{credit_note_id}/allocations"),
}


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_lists_every_routed_endpoint_of_every_app(client):
    """Whatever router adds a route (customers, imports...), the document must show it."""
    from encaisse.api.urls import api

    documented = set(_document(client)["paths"])
    patterns, _app, _namespace = api.urls
    routed = {
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in patterns
        if p.name not in {"openapi-json", "openapi-view", "api-root"}
    }
    assert routed
    assert routed <= documented


def test_it_lists_every_receivables_endpoint(client):
    paths = _document(client)["paths"]
    listed = {(method, path) for path, ops in paths.items() for method in ops}
    assert EXPECTED <= listed


def test_it_documents_every_operation_with_the_error_shape(client):
    document = _document(client)
    assert "ErrorOut" in document["components"]["schemas"]
    for path, ops in document["paths"].items():
        if (next(iter(ops)), path) not in EXPECTED:
            continue
        for method, op in ops.items():
            assert "401" in op["responses"], (method, path)
            assert op["security"] == [{"TokenAuth": []}], (method, path)


def test_it_shows_amounts_as_decimal_strings_out_and_numbers_or_strings_in(client):
    schemas = _document(client)["components"]["schemas"]
    out = schemas["InvoiceOut"]["properties"]["amount"]
    assert (out["type"], out["format"]) == ("string", "decimal")
    accepted = {s.get("type") for s in schemas["InvoiceIn"]["properties"]["amount"]["anyOf"]}
    assert accepted == {"number", "string"}


def test_it_serves_the_docs_page_without_any_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []
    assert "cdn" not in html.lower()
    # The Swagger UI files come from the package through our static files.
    scripts = re.findall(r"""(?:src|href)=["']/static/([^"']+)""", html)
    assert "ninja/swagger-ui-bundle.js" in scripts
    assert all(finders.find(path) for path in scripts)
