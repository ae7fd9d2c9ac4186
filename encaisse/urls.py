from django.urls import include, path

from encaisse.api.urls import api

urlpatterns = [
    path("", include("encaisse.core.urls")),
    path("", include("encaisse.correspondence.urls")),
    path("accounts/", include("encaisse.accounts.urls")),
    path("customers/", include("encaisse.customers.urls")),
    path("invoices/", include("encaisse.receivables.urls")),
    path("imports/", include("encaisse.imports.urls")),
    path("dunning/", include("encaisse.dunning.urls")),
    path("audit/", include("encaisse.audit.urls")),
    path("insights/", include("encaisse.insights.urls")),
    path("disputes/", include("encaisse.disputes.urls")),
    path("settings/", include("encaisse.company.urls")),
    path("dunning/settings/", include("encaisse.dunning.urls_settings")),
    path("p/", include("encaisse.portal.urls")),
    path("disputes/", include("encaisse.disputes.urls_stats")),
    path("api/v1/", api.urls),
]
