"""One error shape for every endpoint:

{"error": {"code": "validation_error", "message": "...",
           "fields": [{"field": "body.amount", "message": "..."}]}}

Codes: ``unauthorized`` (401), ``forbidden`` (403), ``not_found`` (404), ``conflict`` (409, a
duplicate number or reference), ``validation_error`` (422), ``error`` (anything else).
Endpoints raise ``ApiError``, Django's ``ValidationError`` (from services: its field names are
the request body's, so they come out as ``body.<name>``), ``PermissionDenied`` or ``Http404``.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# Django validation codes that mean "this already exists", answered 409 rather than 422.
CONFLICT_CODES = {"unique", "unique_together", "conflict"}


class ErrorField(Schema):
    field: str = Field(examples=["body.amount"])
    message: str


class ErrorDetail(Schema):
    code: str = Field(
        examples=["validation_error"],
        description="unauthorized, forbidden, not_found, conflict, validation_error or error",
    )
    message: str
    fields: list[ErrorField]


class ErrorOut(Schema):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, type[Schema]]:
    """``response={200: Out, **error_responses(401, 403, 422)}`` documents the error shape."""
    return {status: ErrorOut for status in statuses}


def error_body(code: str, message: str, fields: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


class ApiError(Exception):
    """Raised by endpoints for a refusal with a stable code (``conflict``, ``invalid``...)."""

    def __init__(self, status: int, code: str, message: str, fields: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []


def invalid_field(field: str, message: str) -> ApiError:
    """A 422 naming the one request field at fault: ``invalid_field("query.segment", "...")``."""
    return ApiError(
        422, "validation_error", "The request is not valid.", [{"field": field, "message": message}]
    )


def _ninja_field(loc) -> str:
    """``("body", "payload", "amount")`` -> ``body.amount``: drop the endpoint's parameter name,
    which means nothing to the client, when it wraps the whole body or query schema."""
    parts = [str(p) for p in loc]
    if len(parts) >= 2 and parts[0] == "body":
        # A JSON body is always one schema parameter: ("body", "payload", ...).
        parts = [parts[0], *parts[2:]]
    elif len(parts) >= 3 and parts[0] == "query":
        # Query[Schema] parameters nest one level; plain query parameters do not.
        parts = [parts[0], *parts[2:]]
    return ".".join(parts)


def validation_fields(exc: DjangoValidationError, prefix: str = "body") -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [{"field": "", "message": str(m)} for m in exc.messages]
    return [
        {
            "field": "" if name == NON_FIELD_ERRORS else f"{prefix}.{name}",
            "message": " ".join(str(m) for m in messages),
        }
        for name, messages in exc.message_dict.items()
    ]


def is_conflict(exc: DjangoValidationError) -> bool:
    errors = exc.error_list if not hasattr(exc, "error_dict") else sum(exc.error_dict.values(), [])
    return bool(errors) and all(e.code in CONFLICT_CODES for e in errors)


def install(api):
    def respond(request, status, code, message, fields=None):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def on_api_error(request, exc):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc):
        fields = [
            {"field": _ninja_field(err.get("loc", [])), "message": err.get("msg", "")}
            for err in exc.errors
        ]
        return respond(request, 422, "validation_error", "The request is not valid.", fields)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc):
        fields = validation_fields(exc)
        if is_conflict(exc):
            return respond(request, 409, "conflict", " ".join(exc.messages), fields)
        return respond(request, 422, "validation_error", "The request is not valid.", fields)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return respond(request, 401, "unauthorized", "A valid API token is required.")

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        return respond(request, 403, "forbidden", "Your role or token scope does not allow this.")

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, "not_found", "Not found.")

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        return respond(request, exc.status_code, "error", str(exc))
