"""The REST API under /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

from . import errors
from .auth import TokenAuth
from .docs import LocalSwagger

api = NinjaAPI(
    title="Encaisse API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(),
    description=(
        "Receivables, customers, payments and imports. Authenticate with a personal token "
        "created in the web interface: `Authorization: Bearer enc_...`. Every error has the "
        'shape `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.'
    ),
)
errors.install(api)

api.add_router("/", "encaisse.customers.api.router")
api.add_router("/", "encaisse.receivables.api.router")
api.add_router("/imports", "encaisse.imports.api.router")
api.add_router("/audit", "encaisse.audit.api.router")
api.add_router("/company", "encaisse.company.api.router")
api.add_router("/dunning", "encaisse.dunning.api_settings.router")
api.add_router("/", "encaisse.disputes.api.router")
api.add_router("/disputes", "encaisse.disputes.api_abuse.router")
api.add_router("/", "encaisse.disputes.api_stats.router")
api.add_router("/dunning", "encaisse.dunning.api.router")
api.add_router("/insights", "encaisse.insights.api.router")
