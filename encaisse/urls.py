from django.urls import include, path

urlpatterns = [
    path("", include("encaisse.core.urls")),
    path("accounts/", include("encaisse.accounts.urls")),
    path("customers/", include("encaisse.customers.urls")),
    path("invoices/", include("encaisse.receivables.urls")),
    path("imports/", include("encaisse.imports.urls")),
    path("audit/", include("encaisse.audit.urls")),
]
