"""Reads of import batches, for the imports pages and the API."""

from django.http import Http404

from encaisse.customers.models import Customer

from .models import ImportBatch
from .services import totals_compare

TOTALS_SHOWN = 200


def batch_list():
    """Import batches, newest first, with who ran them (one query per page)."""
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")


def access_batch(user, batch_id: int) -> ImportBatch:
    """A batch by id, 404 when missing. Every user allowed on the imports pages sees every
    batch: imports are company-wide."""
    batch = ImportBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:
        raise Http404("no such import")
    return batch


def batch_totals(batch: ImportBatch, *, limit: int = TOTALS_SHOWN) -> dict:
    """The file's totals next to the ledger's, per customer: the customers whose figures differ
    first, at most ``limit`` rows, each with the customer's id and name when it exists."""
    rows = totals_compare(batch.file_totals or {}, batch.imported_totals or {})
    shown = rows[:limit]
    customers = {
        code: (pk, name)
        for code, pk, name in Customer.objects.filter(
            code__in=[row["code"] for row in shown]
        ).values_list("code", "id", "name")
    }
    for row in shown:
        row["customer_id"], row["customer_name"] = customers.get(row["code"], (None, ""))
    return {
        "rows": shown,
        "hidden": len(rows) - len(shown),
        "differing": sum(1 for row in rows if row["difference"]),
        "file_overall": batch.file_totals.get("overall") if batch.file_totals else None,
        "imported_overall": (
            batch.imported_totals.get("overall") if batch.imported_totals else None
        ),
    }
