import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from encaisse.audit.models import AuditEntry
from encaisse.company.models import Company
from encaisse.company.selectors import company_get
from encaisse.company.services import company_update
from encaisse.core.dates import TermsKind

pytestmark = pytest.mark.django_db


def _refusal(**fields) -> dict:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            company_update(actor=None, **fields)
        return caught.value.message_dict


def test_it_saves_the_settings_and_records_who_changed_what(credit_manager):
    company_update(
        actor=credit_manager,
        name="Dupont Industrie",
        default_terms_kind=TermsKind.END_OF_MONTH,
        default_terms_days=45,
        aging_bucket_bounds=[15, 30, 60, 90],
    )
    company = company_get()
    assert (company.name, company.default_terms_kind, company.default_terms_days) == (
        "Dupont Industrie",
        TermsKind.END_OF_MONTH,
        45,
    )
    assert company.aging_bucket_bounds == [15, 30, 60, 90]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type) == (
        credit_manager,
        "update",
        "company.company",
    )
    assert entry.changes == {
        "name": {"from": "Ma Société", "to": "Dupont Industrie"},
        "default_terms_kind": {"from": "net", "to": "eom"},
        "default_terms_days": {"from": 30, "to": 45},
        "aging_bucket_bounds": {"from": [30, 60, 90], "to": [15, 30, 60, 90]},
    }


def test_it_records_nothing_when_nothing_changes(credit_manager):
    company_update(actor=credit_manager, name="Ma Société", default_terms_days=30)
    assert not AuditEntry.objects.exists()


def test_it_stores_siren_and_vat_number_without_spaces(credit_manager):
    company_update(actor=credit_manager, siren="552 100 554", vat_number="fr 40 303 265 045")
    company = company_get()
    assert (company.siren, company.vat_number) == ("552100554", "FR40303265045")


def test_it_accepts_empty_identifiers(credit_manager):
    company_update(actor=credit_manager, siren="552100554")
    company_update(actor=credit_manager, siren="")
    assert company_get().siren == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"siren": "552100555"}, "siren", "not a valid SIREN"),
        ({"vat_number": "FR00303265045"}, "vat_number", "not a valid EU VAT number"),
        ({"email": "compta-at-dupont"}, "email", "valid email"),
        ({"name": ""}, "name", "cannot be blank"),
        ({"default_terms_kind": "weekly"}, "default_terms_kind", "Unknown payment terms weekly"),
        ({"default_terms_days": 400}, "default_terms_days", "between 0 and 365"),
        ({"default_terms_days": -1}, "default_terms_days", "between 0 and 365"),
        ({"aging_bucket_bounds": [60, 30]}, "aging_bucket_bounds", "increasing"),
        ({"aging_bucket_bounds": []}, "aging_bucket_bounds", "whole numbers"),
        ({"aging_bucket_bounds": "30, 60"}, "aging_bucket_bounds", "whole numbers"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(fields, field, message):
    errors = _refusal(**fields)
    assert field in errors, errors
    assert message in " ".join(errors[field])


def test_it_changes_nothing_when_one_value_is_refused(credit_manager):
    with pytest.raises(ValidationError):
        company_update(actor=credit_manager, name="Nouveau nom", siren="123")
    assert company_get().name == "Ma Société"
    assert not AuditEntry.objects.exists()


def test_it_refuses_a_setting_it_does_not_know():
    with pytest.raises(TypeError, match="currency_symbol"):
        company_update(actor=None, currency_symbol="€")


def test_it_keeps_one_company_row(credit_manager):
    company_update(actor=credit_manager, name="A")
    company_update(actor=credit_manager, name="B")
    assert Company.objects.count() == 1
    assert AuditEntry.objects.count() == 2
