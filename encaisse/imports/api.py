"""Import endpoints under /api/v1/imports: upload a file, read a batch, bulk upsert invoices.

Uploading and pushing need IMPORT_LEDGER (a read-only token never imports); reading a batch
needs VIEW_LEDGER. Both writes go through the importer's services, so a push from an ERP is the
same one-transaction, recorded-batch import as a file uploaded in the web interface."""

import datetime as dt
import json
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from encaisse.accounts.capabilities import IMPORT_LEDGER, VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import ApiError, error_responses
from encaisse.receivables.schemas import Currency, MoneyIn

from .choices import BatchStatus
from .selectors import access_batch
from .services import import_file, invoices_upsert, stored_path, upload_check_size, upload_store

router = Router(tags=["imports"])

MAX_BULK_ITEMS = 10_000
MAX_ERRORS_RETURNED = 1000


class RowErrorOut(Schema):
    line: int = Field(description="The file line (or the item's index for a bulk push).")
    column: str
    expected: str
    found: str
    message: str


class BatchOut(Schema):
    id: int
    status: str = Field(description="running, applied, dry_run or failed")
    file_name: str
    file_sha256: str
    file_size: int
    format: str
    content: str
    mode: str
    as_of: dt.date
    dry_run: bool
    skip_bad_rows: bool
    created_at: dt.datetime
    finished_at: dt.datetime | None
    created_by: str | None
    rows_read: int
    rows_rejected: int
    invoices_created: int
    invoices_updated: int
    invoices_unchanged: int
    invoices_settled: int
    payments_created: int
    payments_updated: int
    payments_settled: int
    customers_created: int
    customers_updated: int
    file_totals: dict = Field(
        description='{"overall": "1200.00", "customers": {"C001": "1200.00"}}: amounts as strings'
    )
    imported_totals: dict
    error_message: str
    warnings: list[str]
    errors: list[RowErrorOut]

    @staticmethod
    def resolve_created_by(batch) -> str | None:
        return batch.created_by.get_username() if batch.created_by else None

    @staticmethod
    def resolve_warnings(batch) -> list[str]:
        return [str(message) for message in batch.warning_messages()]

    @staticmethod
    def resolve_errors(batch) -> list[dict]:
        return batch.errors[:MAX_ERRORS_RETURNED]


class UploadOptions(Schema):
    format: Literal["auto", "fec", "csv", "xlsx"] = "auto"
    mode: Literal["snapshot", "incremental"] | None = Field(
        None, description="Default: snapshot for open items, incremental for customers."
    )
    as_of: dt.date | None = Field(None, description="The date the file stands for (today).")
    dry_run: bool = False
    skip_bad_rows: bool = False
    mapping: str | None = Field(
        None, description='JSON object, field name to column header: {"number": "Pièce"}'
    )


class BulkInvoiceIn(Schema):
    customer_code: str = Field(min_length=1, max_length=64)
    customer_name: str = Field("", max_length=200, description="Creates or renames the customer.")
    number: str = Field(min_length=1, max_length=64)
    kind: Literal["invoice", "credit_note"] = "invoice"
    issue_date: dt.date
    due_date: dt.date | None = Field(None, description="From the customer's terms when missing.")
    amount: MoneyIn
    open_amount: MoneyIn | None = Field(None, description="The amount when missing.")
    currency: Currency | None = None
    label: str = Field("", max_length=255)
    reference: str = Field("", max_length=100)


class BulkIn(Schema):
    invoices: Annotated[list[BulkInvoiceIn], Field(min_length=1, max_length=MAX_BULK_ITEMS)]
    skip_invalid: bool = Field(
        False,
        description="Apply the valid items and list the others, instead of refusing the push.",
    )
    dry_run: bool = False


class ItemError(Schema):
    field: str = Field(examples=["body.invoices.3.amount"])
    message: str


class BulkOut(Schema):
    batch_id: int
    status: str
    created: int
    updated: int
    unchanged: int
    customers_created: int
    customers_updated: int
    rejected: int
    errors: list[ItemError]


def _item_errors(batch) -> list[dict]:
    return [
        {
            "field": f"body.invoices.{error['line']}.{error['column'] or 'number'}",
            "message": f"Expected {error['expected']}, found {error['found']!r}.",
        }
        for error in batch.errors
    ]


def _mapping(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ApiError(
            422,
            "validation_error",
            "The request is not valid.",
            [{"field": "body.mapping", "message": 'Expected a JSON object such as {"a": "b"}.'}],
        )
    return mapping


@router.post(
    "",
    response={201: BatchOut, **error_responses(401, 403, 422)},
    summary="Import a file",
)
def import_upload(request, file: File[UploadedFile], options: Form[UploadOptions]):
    """Upload a FEC, CSV or Excel file (multipart field ``file``) and import it at once.

    Answers 201 with the batch (status applied or dry_run), or 422 when the file is refused:
    the error's fields name the rejected lines, and the message the failed batch's id."""
    require(request, IMPORT_LEDGER)
    mapping = _mapping(options.mapping)
    try:
        upload_check_size(file.size)
    except ValidationError as error:
        raise ApiError(
            422,
            "validation_error",
            "The request is not valid.",
            [{"field": "body.file", "message": " ".join(error.messages)}],
        )
    stored = upload_store(upload=file)
    batch = import_file(
        actor=request.user,
        path=stored_path(stored),
        file_name=file.name or "upload",
        format=options.format,
        mapping=mapping,
        as_of=options.as_of,
        dry_run=options.dry_run,
        skip_bad_rows=options.skip_bad_rows,
        mode=options.mode,
        stored_file=stored,
    )
    if batch.status == BatchStatus.FAILED:
        fields = [
            {"field": "body.file", "message": error["message"]}
            for error in batch.errors[:MAX_ERRORS_RETURNED]
        ]
        raise ApiError(
            422,
            "validation_error",
            f"Import {batch.pk} failed: {batch.error_message}",
            fields or [{"field": "body.file", "message": batch.error_message}],
        )
    return Status(201, batch)


@router.get(
    "/{batch_id}",
    response={200: BatchOut, **error_responses(401, 403, 404)},
    summary="Get an import batch",
)
def import_get(request, batch_id: int):
    """An import's status, counts, totals (file and ledger) and rejected rows."""
    require(request, VIEW_LEDGER)
    return access_batch(request.user, batch_id)


@router.post(
    "/invoices/bulk",
    response={200: BulkOut, **error_responses(401, 403, 422)},
    summary="Create or update invoices in bulk",
)
def invoices_bulk(request, payload: BulkIn):
    """Create or update up to 10,000 invoices and credit notes in one transaction (an ERP's
    push). Matched by kind and number; missing customers are created. Incremental: nothing is
    settled for being absent. Any invalid item refuses the whole push (422, each error naming
    ``body.invoices.<index>.<field>``) unless ``skip_invalid``. Recorded as an import batch."""
    require(request, IMPORT_LEDGER)
    batch = invoices_upsert(
        actor=request.user,
        invoices=[item.model_dump() for item in payload.invoices],
        skip_invalid=payload.skip_invalid,
        dry_run=payload.dry_run,
    )
    if batch.status == BatchStatus.FAILED:
        raise ApiError(
            422,
            "validation_error",
            f"The request is not valid; nothing was written (import {batch.pk}).",
            _item_errors(batch) or [{"field": "body", "message": batch.error_message}],
        )
    return {
        "batch_id": batch.pk,
        "status": batch.status,
        "created": batch.invoices_created,
        "updated": batch.invoices_updated,
        "unchanged": batch.invoices_unchanged,
        "customers_created": batch.customers_created,
        "customers_updated": batch.customers_updated,
        "rejected": batch.rows_rejected,
        "errors": _item_errors(batch),
    }
