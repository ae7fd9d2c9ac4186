"""``/api/v1/company``: the company settings (letterhead, default payment terms, ageing buckets).

Reading needs VIEW_LEDGER (the terms and buckets explain the figures); changing needs
MANAGE_SETTINGS, through the same service and audit row as the settings page."""

from typing import Annotated

from ninja import Field, Router, Schema

from encaisse.accounts.capabilities import MANAGE_SETTINGS, VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import error_responses

from .models import TermsKindChoices
from .selectors import company_get
from .services import MAX_TERMS_DAYS, company_update
from .terms import MAX_BUCKET_DAYS, MAX_BUCKETS

router = Router(tags=["company"])

BucketBound = Annotated[int, Field(ge=1, le=MAX_BUCKET_DAYS)]


class CompanyOut(Schema):
    name: str
    legal_form: str
    siren: str
    vat_number: str
    address: str
    email: str
    phone: str
    currency: str
    default_terms_kind: str = Field(
        description="net (N days), eom (N days then end of month), "
        "eom_then (end of month then N days)"
    )
    default_terms_days: int
    aging_bucket_bounds: list[int] = Field(
        description="Upper bounds, in days past due, of the aged balance's overdue columns.",
        examples=[[30, 60, 90]],
    )


class CompanyPatch(Schema):
    """Send only the fields to change."""

    name: str | None = Field(None, min_length=1, max_length=200)
    legal_form: str | None = Field(None, max_length=50)
    siren: str | None = Field(None, max_length=20, examples=["552100554"])
    vat_number: str | None = Field(None, max_length=30, examples=["FR40303265045"])
    address: str | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    default_terms_kind: TermsKindChoices | None = None
    default_terms_days: int | None = Field(None, ge=0, le=MAX_TERMS_DAYS)
    aging_bucket_bounds: (
        Annotated[list[BucketBound], Field(min_length=1, max_length=MAX_BUCKETS)] | None
    ) = Field(None, description="Positive and increasing, e.g. [30, 60, 90].")


@router.get(
    "",
    response={200: CompanyOut, **error_responses(401, 403)},
    summary="Get the company settings",
)
def company_read(request):
    require(request, VIEW_LEDGER)
    return company_get()


@router.patch(
    "",
    response={200: CompanyOut, **error_responses(401, 403, 422)},
    summary="Update the company settings",
)
def company_patch(request, payload: CompanyPatch):
    """Change the letterhead, the default payment terms or the ageing buckets. The next imports
    use the new terms for invoices without a due date; existing due dates stay."""
    require(request, MANAGE_SETTINGS)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "default_terms_kind" in fields:
        fields["default_terms_kind"] = str(fields["default_terms_kind"])
    return company_update(actor=request.user, **fields)
