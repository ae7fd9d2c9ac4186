"""In-app notifications: the unread count in the nav, the list, marking read (one's own only)."""

import datetime as dt

import pytest

from encaisse.disputes.models import Notification
from encaisse.disputes.services import disputes_escalate

from .factories import open_dispute

pytestmark = pytest.mark.django_db


def test_it_counts_unread_notifications_in_the_nav_and_marks_them_read(
    client, collector, department_member, credit_manager
):
    dispute = open_dispute(collector, owner=department_member)
    disputes_escalate(as_of=dt.date(2026, 3, 13))  # at risk: the owner is notified
    client.force_login(department_member)
    home = client.get("/disputes/").content.decode()
    assert 'hx-get="/disputes/notifications/count/"' in home
    badge = client.get("/disputes/notifications/count/").content.decode()
    assert 'id="nav-notifications"' in badge and ">1<" in badge
    page = client.get("/disputes/notifications/")
    assert [n.dispute for n in page.context["notifications"]] == [dispute]
    notification = Notification.objects.get(recipient=department_member)
    response = client.post(
        "/disputes/notifications/read/", {"notification": notification.pk, "next": "dispute"}
    )
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    badge = client.get("/disputes/notifications/count/").content.decode()
    assert 'id="nav-notifications"' not in badge


def test_it_never_marks_another_users_notifications(client, collector, department_member):
    open_dispute(collector, owner=department_member)
    disputes_escalate(as_of=dt.date(2026, 3, 13))
    client.force_login(collector)
    mine = Notification.objects.get()
    client.post("/disputes/notifications/read/", {"notification": mine.pk})
    client.post("/disputes/notifications/read/")
    mine.refresh_from_db()
    assert mine.read_at is None
