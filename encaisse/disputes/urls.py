from django.urls import path

from . import urls_abuse
from .views import actions, detail, new, notifications, worklist

app_name = "disputes"

urlpatterns = [
    path("", worklist.worklist_view, name="list"),
    path("new/", new.new_view, name="new"),
    path("notifications/", notifications.notifications_view, name="notifications"),
    path(
        "notifications/count/",
        notifications.notifications_count_view,
        name="notifications_count",
    ),
    path("notifications/read/", notifications.notifications_read_view, name="notifications_read"),
    path("<int:dispute_id>/", detail.detail_view, name="detail"),
    path(
        "<int:dispute_id>/evidence/<int:evidence_id>/",
        detail.evidence_download_view,
        name="evidence_download",
    ),
    path("<int:dispute_id>/evidence/", actions.evidence_view, name="evidence_add"),
    path("<int:dispute_id>/qualify/", actions.qualify_view, name="qualify"),
    path("<int:dispute_id>/transition/", actions.transition_view, name="transition"),
    path("<int:dispute_id>/propose/", actions.propose_view, name="propose"),
    path("<int:dispute_id>/resolve/", actions.resolve_view, name="resolve"),
    path("<int:dispute_id>/credit-note/", actions.credit_note_view, name="credit_note"),
    path("<int:dispute_id>/close/", actions.close_view, name="close"),
    path("<int:dispute_id>/reopen/", actions.reopen_view, name="reopen"),
    path("<int:dispute_id>/comment/", actions.comment_view, name="comment"),
    path("<int:dispute_id>/hand-over/", actions.handover_view, name="handover"),
]

urlpatterns += urls_abuse.urlpatterns
