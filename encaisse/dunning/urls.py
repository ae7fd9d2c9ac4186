from django.urls import path

from .views import worklist as views

app_name = "dunning"

urlpatterns = [
    path("worklist/", views.worklist_view, name="worklist"),
    path("actions/<int:action_id>/call/", views.call_view, name="call"),
    path("actions/<int:action_id>/outcome/", views.call_outcome_view, name="call_outcome"),
    path("actions/<int:action_id>/approval/", views.approval_view, name="approval"),
    path("customers/<int:customer_id>/notes/", views.note_add_view, name="note_add"),
    path("customers/<int:customer_id>/actions/", views.manual_action_view, name="manual_action"),
    path("customers/<int:customer_id>/promises/", views.promise_view, name="promise_add"),
    path("customers/<int:customer_id>/holds/", views.hold_view, name="hold_add"),
    path(
        "customers/<int:customer_id>/blocks/<int:block_id>/release/",
        views.block_release_view,
        name="block_release",
    ),
]
