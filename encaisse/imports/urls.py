from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.batches, name="list"),
    path("new/", views.batch_new, name="new"),
    path("<int:batch_id>/", views.batch_detail, name="detail"),
    path("<int:batch_id>/apply/", views.batch_apply_view, name="apply"),
]
