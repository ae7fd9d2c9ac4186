"""Builders for importer tests: ParsedLedgers made by hand, run through the real engine.

The importer's tests do not depend on the parsers: they build the records a parser would hand
over and apply them with ``run``, the same path ``import_file`` takes after parsing."""

import datetime as dt
from decimal import Decimal

from encaisse.imports.records import CustomerRecord, ItemKind, OpenItemRecord, ParsedLedger
from encaisse.imports.services import batch_apply
from encaisse.imports.services.batches import batch_start

AS_OF = dt.date(2026, 3, 31)


def item(
    number,
    code="C1",
    amount="100.00",
    open_amount=None,
    *,
    kind=ItemKind.INVOICE,
    line=0,
    issued=dt.date(2026, 1, 15),
    due=dt.date(2026, 2, 14),
    **extra,
) -> OpenItemRecord:
    amount = Decimal(amount)
    return OpenItemRecord(
        line=line,
        customer_code=code,
        kind=kind,
        number=number,
        issue_date=issued,
        due_date=due,
        amount=amount,
        open_amount=amount if open_amount is None else Decimal(open_amount),
        **extra,
    )


def ledger(items, customers=(), *, fmt="csv", content="open_items", errors=()):
    items = list(items)
    for index, record in enumerate(items, start=2):
        record.line = record.line or index
    known = {c.code: c for c in customers}
    for record in items:
        known.setdefault(
            record.customer_code,
            CustomerRecord(code=record.customer_code, name=f"Client {record.customer_code}"),
        )
    return ParsedLedger(
        file_name=f"file.{fmt}",
        format=fmt,
        content=content,
        items=iter(items),
        customers=known,
        errors=list(errors),
        rows_read=len(items),
        has_due_dates=all(r.due_date for r in items),
    )


def run(parsed, *, actor=None, mode=None, dry_run=False, skip_bad_rows=False, as_of=AS_OF):
    batch = batch_start(
        actor=actor,
        file_name=parsed.file_name,
        file_sha256="0" * 64,
        file_size=1,
        format=parsed.format,
        mode=mode,
        as_of=as_of,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
    )
    return batch_apply(batch=batch, actor=actor, parse=lambda: parsed)
