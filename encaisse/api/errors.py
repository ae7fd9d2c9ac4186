"""One error shape for every endpoint:

{"error": {"code": "validation_error", "message": "...",
           "fields": [{"field": "body.amount", "message": "..."}]}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


def error_body(code: str, message: str, fields: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


class ApiError(Exception):
    """Raised by endpoints for a refusal with a stable code (``conflict``, ``invalid``...)."""

    def __init__(self, status: int, code: str, message: str, fields: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []


def install(api):
    def respond(request, status, code, message, fields=None):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def on_api_error(request, exc):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc):
        fields = [
            {
                "field": ".".join(str(p) for p in err.get("loc", [])),
                "message": err.get("msg", ""),
            }
            for err in exc.errors
        ]
        return respond(request, 422, "validation_error", "The request is not valid.", fields)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc):
        if hasattr(exc, "message_dict"):
            fields = [
                {"field": name, "message": " ".join(str(m) for m in messages)}
                for name, messages in exc.message_dict.items()
            ]
        else:
            fields = [{"field": "", "message": str(m)} for m in exc.messages]
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
