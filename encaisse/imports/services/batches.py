"""Import batches: the record of one import, and ``import_file``, the entry point for files.

A batch row is written before the work starts (status running) so that a refused file still
leaves a trace: the batch then says failed, with the message, and nothing else is written. The
ledger changes themselves happen in one transaction with the batch's final state and its audit
row: all of it lands, or none of it. A dry run does the same work and rolls it back, keeping only
the batch (status dry run) with the counts of what would have changed.
"""

import datetime as dt
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from encaisse.audit.services import audit_record
from encaisse.core.dates import today

from ..choices import BatchStatus, ImportContent, ImportFormat, ImportMode
from ..models import ImportBatch
from ..records import ImportFileError, RowError
from .apply import ApplyResult, ledger_apply

logger = logging.getLogger(__name__)

# A file with a bad value in every line would store a million errors; the first ones suffice.
MAX_STORED_ERRORS = 1000
COUNTS = (
    "rows_read",
    "invoices_created",
    "invoices_updated",
    "invoices_unchanged",
    "invoices_settled",
    "payments_created",
    "payments_updated",
    "payments_settled",
    "customers_created",
    "customers_updated",
)


FINGERPRINT_BLOCK = 8 << 20


def file_fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in large blocks: hashlib lets other threads run while
    it hashes one, and each block is one wait for the interpreter's lock, not a hundred."""
    digest = hashlib.sha256()
    block = bytearray(FINGERPRINT_BLOCK)
    view = memoryview(block)
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(block):
            digest.update(view[:size])
    return digest.hexdigest(), path.stat().st_size


def default_mode(content: str) -> str:
    """Open-items files are snapshots of what is open; a customers file only adds and updates."""
    return ImportMode.SNAPSHOT if content == ImportContent.OPEN_ITEMS else ImportMode.INCREMENTAL


def batch_start(
    *,
    actor,
    file_name: str,
    file_sha256: str,
    file_size: int,
    format: str,
    mode: str | None,
    as_of: dt.date,
    dry_run: bool,
    skip_bad_rows: bool,
    mapping: dict | None = None,
    stored_file: str = "",
) -> ImportBatch:
    """Record that an import starts (its own short transaction, so it outlives a failure)."""
    return ImportBatch.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        file_sha256=file_sha256,
        file_size=file_size,
        format=format if format in ImportFormat.values else "",
        mode=mode or "",
        as_of=as_of,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        status=BatchStatus.RUNNING,
        mapping=mapping or {},
        stored_file=stored_file,
    )


def _errors_json(errors: list[RowError]) -> list[dict]:
    return [error.as_dict() for error in errors[:MAX_STORED_ERRORS]]


def _fill(batch: ImportBatch, result: ApplyResult) -> None:
    for name in COUNTS:
        setattr(batch, name, getattr(result, name))
    batch.rows_rejected = len(result.errors)
    batch.errors = _errors_json(result.errors)
    batch.warnings = result.warnings
    batch.file_totals = result.file_totals
    batch.imported_totals = result.imported_totals


def _fail(batch: ImportBatch, *, message: str, errors: list[RowError] = ()) -> None:
    for name in COUNTS:
        setattr(batch, name, 0)
    real = [e for e in errors if e.line or e.column or e.expected]
    batch.status = BatchStatus.FAILED
    batch.error_message = message
    batch.errors = _errors_json(real)
    batch.rows_rejected = len(real)
    batch.warnings, batch.file_totals, batch.imported_totals = [], {}, {}
    batch.finished_at = timezone.now()
    batch.save()


def _audit_changes(batch: ImportBatch) -> dict:
    changes = {"file": {"from": None, "to": batch.file_name}}
    for name in (*COUNTS, "rows_rejected"):
        value = getattr(batch, name)
        if value:
            changes[name] = {"from": None, "to": value}
    return changes


def batch_apply(*, batch: ImportBatch, actor, parse, source: str | None = None) -> ImportBatch:
    """Parse (``parse()`` returns a ParsedLedger) and apply into ``batch``, in one transaction.

    Shared by ``import_file`` and the API's ``invoices_upsert``. Returns the batch, saved with
    its final status: applied, dry run or failed."""
    try:
        ledger = parse()
        batch.format = ledger.format
        batch.content = ledger.content
        batch.mode = batch.mode or default_mode(ledger.content)
        with transaction.atomic():
            result = ledger_apply(
                batch=batch,
                ledger=ledger,
                source=source or ledger.format,
                mode=batch.mode,
                as_of=batch.as_of,
                skip_bad_rows=batch.skip_bad_rows,
                now=timezone.now(),
            )
            _fill(batch, result)
            batch.finished_at = timezone.now()
            if batch.dry_run:
                transaction.set_rollback(True)
            else:
                batch.status = BatchStatus.APPLIED
                batch.save()
                audit_record(
                    actor=actor, action="import", instance=batch, changes=_audit_changes(batch)
                )
        if batch.dry_run:
            batch.status = BatchStatus.DRY_RUN
            batch.save()
    except ImportFileError as error:
        _fail(batch, message=error.message, errors=error.errors)
    except DatabaseError as error:
        # A value the database refuses despite the checks: record it, then let it surface.
        logger.exception("import batch %s failed in the database", batch.pk)
        _fail(batch, message=f"{batch.file_name}: the database refused the import ({error})")
        raise
    return batch


def import_file(
    *,
    actor,
    path,
    file_name: str | None = None,
    format: str = "auto",
    mapping: dict | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    mode: str | None = None,
    stored_file: str = "",
) -> ImportBatch:
    """Import a FEC, CSV or Excel file into the ledger and return its ImportBatch.

    Called by ``encaisse import`` (``ledger_import``), the upload page and the API. It runs
    synchronously; it takes only plain values (a path, not an upload) so that a django-tasks task
    can call it as it is when large files move to the worker. ``mode`` defaults to snapshot for
    open-items files (FEC, CSV, Excel) and incremental for a customers file; ``as_of`` (default
    today) dates the settlements of a snapshot. A refused file gives a failed batch (its
    ``error_message`` and ``errors`` say file, line, column, expected and found); never an
    exception."""
    from ..parsers import parse_file

    path = Path(path)
    file_name = file_name or path.name
    as_of = as_of or today()
    # The file's SHA-256 is computed in a thread (hashlib lets the other core work) while the
    # parser reads the file to detect its encoding; the batch has it before it is saved again.
    hashing = ThreadPoolExecutor(max_workers=1)
    digest = hashing.submit(file_fingerprint, path)
    hashing.shutdown(wait=False)
    batch = batch_start(
        actor=actor,
        file_name=file_name,
        file_sha256="",
        file_size=path.stat().st_size,
        format=format,
        mode=mode,
        as_of=as_of,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        mapping=mapping,
        stored_file=stored_file,
    )

    def parse():
        try:
            return parse_file(
                path,
                file_name=file_name,
                format=format,
                mapping=mapping,
                skip_bad_rows=skip_bad_rows,
                as_of=as_of,
            )
        finally:
            # Before the parser forks a process to read a large FEC: no thread left running.
            batch.file_sha256 = digest.result()[0]

    return batch_apply(batch=batch, actor=actor, parse=parse)
