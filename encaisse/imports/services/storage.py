"""Where uploaded import files are kept: under ``MEDIA_ROOT/imports/<year>/<month>/``.

The importer reads files from a path; uploads are copied there first (in chunks, never whole in
memory) so a dry run can be applied later without uploading again, and so a task worker could
pick the file up. Uploads larger than ``IMPORT_MAX_UPLOAD_BYTES`` are refused before copying.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

FOLDER = "imports"


def upload_check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is too large: %(size)s MB, the limit is %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            code="too_large",
        )


def upload_store(*, upload) -> str:
    """Copy an uploaded file (a Django UploadedFile) under MEDIA_ROOT; returns its path relative
    to MEDIA_ROOT, the value ``ImportBatch.stored_file`` keeps."""
    upload_check_size(upload.size)
    name = get_valid_filename(Path(upload.name or "").name) or "upload"
    relative = Path(FOLDER) / f"{timezone.now():%Y/%m}" / f"{uuid.uuid4().hex[:12]}-{name[-120:]}"
    target = stored_path(str(relative))
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return relative.as_posix()


def stored_path(relative: str) -> Path:
    """The absolute path of a stored upload; refuses paths that leave the imports folder."""
    root = (Path(settings.MEDIA_ROOT) / FOLDER).resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"not an import upload: {relative!r}")
    return path
