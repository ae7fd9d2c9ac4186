from django.urls import path

from . import views

app_name = "receivables"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("export/<str:fmt>/", views.invoice_export, name="export"),
    path("<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("<int:invoice_id>/edit/", views.invoice_edit, name="edit"),
    path("aged-balance/", views.aged_balance_page, name="aged_balance"),
    path("aged-balance/export/<str:fmt>/", views.aged_balance_export, name="aged_balance_export"),
]
