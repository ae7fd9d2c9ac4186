"""The reports page: who opens it, downloads a report, generates one now and chooses the
recipients (the change audited)."""

import datetime as dt
import io

import pytest
from django.test import Client
from pypdf import PdfReader

from encaisse.accounts.choices import Role
from encaisse.audit.models import AuditEntry
from encaisse.insights.models_reports import MonthlyReport
from encaisse.insights.reports import report_settings_get

pytestmark = pytest.mark.django_db

LEDGER_PERSONAS = ["manager_client", "collector_client", "read_only_client"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report(manager_client):
    response = manager_client.post(
        "/insights/reports/generate/", {"month": "2025-12", "language": "en"}
    )
    assert response.status_code == 302
    return MonthlyReport.objects.get()


@pytest.mark.parametrize("persona", LEDGER_PERSONAS)
def test_it_opens_the_list_to_everyone_who_sees_the_ledger(request, persona):
    assert request.getfixturevalue(persona).get("/insights/reports/").status_code == 200


def test_it_refuses_the_list_to_department_members_and_strangers(department_client, client):
    assert department_client.get("/insights/reports/").status_code == 403
    department_client.logout()
    assert client.get("/insights/reports/")["Location"].startswith("/accounts/login/")


def test_it_shows_the_forms_to_credit_managers(manager_client):
    manager_page = manager_client.get("/insights/reports/").content.decode()
    assert 'id="generate-form"' in manager_page and 'id="recipients-form"' in manager_page


def test_it_hides_the_forms_from_collectors(collector_client):
    collector_page = collector_client.get("/insights/reports/").content.decode()
    assert "generate-form" not in collector_page and "recipients-form" not in collector_page


def test_a_credit_manager_generates_a_report_that_readers_download(report, read_only):
    read_only_client = Client()
    read_only_client.force_login(read_only)
    assert (report.month, report.language, report.status) == (dt.date(2025, 12, 1), "en", "ready")
    assert report.generated_by.username == "claire" and report.emailed_at is None
    page = read_only_client.get("/insights/reports/").content.decode()
    assert 'data-report="2025-12-en"' in page and "claire" in page
    response = read_only_client.get(f"/insights/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('"encaisse-report-2025-12-en.pdf"')
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "Monthly receivables report" in pdf.pages[0].extract_text()


def test_it_refuses_the_download_to_department_members_and_a_missing_report(
    report, department_member, collector
):
    member, reader = Client(), Client()
    member.force_login(department_member)
    reader.force_login(collector)
    assert member.get(f"/insights/reports/{report.pk}/pdf/").status_code == 403
    assert reader.get(f"/insights/reports/{report.pk}/pdf/").status_code == 200
    assert reader.get(f"/insights/reports/{report.pk + 1}/pdf/").status_code == 404


@pytest.mark.parametrize("persona", ["collector_client", "read_only_client", "department_client"])
def test_only_credit_managers_generate_and_choose_recipients(request, persona):
    client = request.getfixturevalue(persona)
    generate = {"month": "2025-12", "language": "fr"}
    assert client.post("/insights/reports/generate/", generate).status_code == 403
    assert client.post("/insights/reports/recipients/", {}).status_code == 403
    assert not MonthlyReport.objects.exists()


def test_it_refuses_a_month_not_started_or_malformed(manager_client):
    for month in ("2099-01", "12/2025", "2025-13"):
        response = manager_client.post(
            "/insights/reports/generate/", {"month": month, "language": "fr"}
        )
        assert response.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_a_credit_manager_chooses_the_recipients_and_the_change_is_audited(
    manager_client, django_user_model
):
    make = django_user_model.objects.create_user
    reader = make("rita", email="rita@encaisse.example", role=Role.READ_ONLY)
    make("nomail", role=Role.READ_ONLY)
    response = manager_client.post("/insights/reports/recipients/", {"recipients": [reader.pk]})
    assert response.status_code == 302
    assert list(report_settings_get().recipients.all()) == [reader]
    entry = AuditEntry.objects.get(object_type="insights.reportsettings")
    assert entry.changes == {"recipients": {"from": [], "to": ["rita"]}}
    page = manager_client.get("/insights/reports/").content.decode()
    assert "rita@encaisse.example" in page and "nomail" not in page


def test_it_refuses_a_recipient_who_does_not_see_the_ledger(manager_client, django_user_model):
    from encaisse.accounts.models import Department

    member = django_user_model.objects.create_user(
        "dora",
        email="dora@encaisse.example",
        role=Role.DEPARTMENT_MEMBER,
        department=Department.objects.get(code="billing"),
    )
    response = manager_client.post("/insights/reports/recipients/", {"recipients": [member.pk]})
    assert response.status_code == 400
    assert not report_settings_get().recipients.exists()
