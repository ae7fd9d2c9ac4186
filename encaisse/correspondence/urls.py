from django.urls import path

from . import views

app_name = "correspondence"

urlpatterns = [
    path("dunning/letters/", views.letters, name="letters"),
    path("dunning/letters/print/", views.letters_print, name="letters_print"),
    path("dunning/letters/<int:letter_id>.pdf", views.letter_pdf, name="letter_pdf"),
    path("settings/templates/", views.templates, name="templates"),
    path("settings/templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path(
        "settings/templates/<int:template_id>/preview.pdf",
        views.template_preview_pdf,
        name="template_preview_pdf",
    ),
]
