import pytest
from django.urls import reverse

from encaisse.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile")


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    assert client.get(URL).status_code == 302


def test_switching_the_language_to_english_switches_the_interface(read_only_client, read_only):
    assert "Mon profil" in read_only_client.get(URL).content.decode()
    response = read_only_client.post(
        URL,
        {"first_name": "Romain", "last_name": "", "email": "", "phone": "", "language": "en"},
        follow=True,
    )
    page = response.content.decode()
    assert "My profile" in page and "Log out" in page
    assert '<html lang="en">' in page
    read_only.refresh_from_db()
    assert read_only.language == "en"
    assert AuditEntry.objects.get(action="update").changes["language"] == {"from": "fr", "to": "en"}


def test_a_user_edits_only_their_own_profile(read_only_client, read_only, collector):
    read_only_client.post(
        URL,
        {"first_name": "Changed", "last_name": "", "email": "", "phone": "", "language": "fr"},
    )
    collector.refresh_from_db()
    read_only.refresh_from_db()
    assert collector.first_name == ""
    assert read_only.first_name == "Changed"
