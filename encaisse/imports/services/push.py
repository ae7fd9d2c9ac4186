"""``invoices_upsert``: an ERP pushes its invoices in one request (the API's bulk upsert).

It goes through the same engine as files: the invoices become OpenItemRecords (their index in
the request as their line, so a refusal names ``body.invoices.3.amount``), customers missing
from the ledger are created, and the whole request is one transaction recorded as an
ImportBatch with format "api". Always incremental: a push lists what changed, not everything
that is open, so nothing is settled for being absent.
"""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from encaisse.core.dates import today
from encaisse.receivables.choices import InvoiceKind, Source

from ..choices import ImportContent, ImportFormat, ImportMode
from ..models import ImportBatch
from ..records import CustomerRecord, ItemKind, OpenItemRecord, ParsedLedger, RowError
from .batches import batch_apply, batch_start

FILE_NAME = "api"


def _refusal(index: int, column: str, expected: str, found) -> RowError:
    return RowError(file=FILE_NAME, line=index, column=column, expected=expected, found=str(found))


def _records(invoices: list[dict]):
    """Records and customer records of the request; refusals for what the engine cannot see
    (a negative invoice amount: the engine takes positive amounts and the kind's sign)."""
    records, customers, errors = [], {}, []
    for index, item in enumerate(invoices):
        kind = item.get("kind") or InvoiceKind.INVOICE
        amount = Decimal(item["amount"])
        open_amount = item.get("open_amount")
        open_amount = amount if open_amount is None else Decimal(open_amount)
        if kind == InvoiceKind.CREDIT_NOTE:
            amount, open_amount = abs(amount), abs(open_amount)
        elif amount < 0:
            errors.append(
                _refusal(
                    index, "amount", "a positive amount (a negative one is a credit note)", amount
                )
            )
            continue
        elif open_amount < 0:
            errors.append(_refusal(index, "open_amount", "a positive open amount", open_amount))
            continue
        code = (item.get("customer_code") or "").strip()
        name = (item.get("customer_name") or "").strip()
        if code and (code not in customers or name):
            customers[code] = CustomerRecord(code=code, name=name, line=index)
        records.append(
            OpenItemRecord(
                line=index,
                customer_code=code,
                kind=kind if kind in (ItemKind.INVOICE, ItemKind.CREDIT_NOTE) else str(kind),
                number=item.get("number") or "",
                issue_date=item["issue_date"],
                due_date=item.get("due_date"),
                amount=amount,
                open_amount=open_amount,
                currency=item.get("currency") or "",
                label=item.get("label") or "",
                reference=item.get("reference") or "",
            )
        )
    return records, customers, errors


def _fingerprint(invoices: list[dict]) -> tuple[str, int]:
    payload = json.dumps(invoices, default=str, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest(), len(payload)


def invoices_upsert(
    *,
    actor,
    invoices: list[dict],
    skip_invalid: bool = False,
    dry_run: bool = False,
    as_of: dt.date | None = None,
) -> ImportBatch:
    """Create or update the invoices and credit notes of an ERP push, in one transaction.

    Each item: customer_code, number, issue_date, amount (required); customer_name (used to
    create or rename the customer), kind (invoice or credit_note), due_date (from the customer's
    terms when missing), open_amount (the amount when missing), currency, label, reference.
    Any refused item refuses the whole push (a failed batch listing every refusal) unless
    ``skip_invalid``: then the valid items are applied and the batch lists the others."""
    records, customers, errors = _records(invoices)
    digest, size = _fingerprint(invoices)
    batch = batch_start(
        actor=actor,
        file_name=FILE_NAME,
        file_sha256=digest,
        file_size=size,
        format=ImportFormat.API,
        mode=ImportMode.INCREMENTAL,
        as_of=as_of or today(),
        dry_run=dry_run,
        skip_bad_rows=skip_invalid,
    )

    def parse():
        return ParsedLedger(
            file_name=FILE_NAME,
            format=ImportFormat.API,
            content=ImportContent.OPEN_ITEMS,
            items=iter(records),
            customers=customers,
            errors=errors,
            rows_read=len(invoices),
        )

    return batch_apply(batch=batch, actor=actor, parse=parse, source=Source.API)
