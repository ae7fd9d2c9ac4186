"""Every endpoint answers errors in one shape; these check the shape and the mapping."""

import pytest
from django.core.exceptions import ValidationError

from encaisse.api.errors import _ninja_field, is_conflict, validation_fields
from encaisse.api.tests.tokens import bearer

pytestmark = pytest.mark.django_db


def _assert_shape(body):
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    for field in body["error"]["fields"]:
        assert set(field) == {"field", "message"}


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/invoices", None),
        ("post", "/api/v1/payments", {}),
        ("patch", "/api/v1/invoices/1", {}),
    ],
)
def test_it_answers_401_in_the_one_shape(client, method, url, body):
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 401
    _assert_shape(response.json())


def test_it_answers_422_naming_body_and_query_fields(client, collector):
    headers = bearer(collector)
    response = client.post(
        "/api/v1/payments",
        {"customer_code": "C1", "received_on": "tomorrow", "amount": "x"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    _assert_shape(response.json())
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {"body.reference", "body.received_on", "body.amount"}
    query = client.get("/api/v1/invoices?due_before=someday&limit=0", **headers)
    assert {f["field"] for f in query.json()["error"]["fields"]} == {
        "query.due_before",
        "query.limit",
    }


def test_it_answers_422_for_a_body_that_is_not_json(client, collector):
    response = client.post(
        "/api/v1/payments", "{not json", content_type="application/json", **bearer(collector)
    )
    assert response.status_code in (400, 422)
    _assert_shape(response.json())


def test_it_names_nested_fields_without_the_parameter_name():
    assert _ninja_field(("body", "payload", "allocations", 0, "amount")) == (
        "body.allocations.0.amount"
    )
    assert _ninja_field(("query", "filters", "status")) == "query.status"
    assert _ninja_field(("query", "limit")) == "query.limit"
    assert _ninja_field(("body", "payload")) == "body"


def test_it_turns_service_errors_into_body_fields_and_unique_codes_into_conflicts():
    error = ValidationError({"amount": "too much", "__all__": "nope"})
    assert validation_fields(error) == [
        {"field": "body.amount", "message": "too much"},
        {"field": "", "message": "nope"},
    ]
    assert not is_conflict(error)
    assert is_conflict(ValidationError({"number": ValidationError("taken", code="unique")}))
    assert not is_conflict(ValidationError("plain"))
