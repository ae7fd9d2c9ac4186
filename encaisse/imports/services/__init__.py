"""The importer: writes parsed files and API pushes to the ledger, in bulk, as recorded batches.

Callers import from here: ``from encaisse.imports.services import import_file``.

- ``import_file``: a FEC, CSV or Excel file (the ``encaisse import`` command, the upload page,
  the API upload);
- ``invoices_upsert``: an ERP's push of invoices (the API's bulk upsert);
- ``upload_store``: keep an uploaded file under MEDIA_ROOT for the importer to read.

Modules: ``batches`` (the ImportBatch lifecycle), ``apply`` (the set-based engine), ``staging``
(its temporary table), ``rows`` (checks on records), ``customers`` (customers upsert),
``totals`` (file vs ledger totals), ``push`` (API), ``storage`` (uploads).
"""

from .batches import batch_apply, import_file
from .push import invoices_upsert
from .storage import stored_path, upload_check_size, upload_store
from .totals import totals_compare

__all__ = [
    "batch_apply",
    "import_file",
    "invoices_upsert",
    "stored_path",
    "totals_compare",
    "upload_check_size",
    "upload_store",
]
