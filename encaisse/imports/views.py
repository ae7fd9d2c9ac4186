"""The imports pages: the batches, the upload form, a batch's result.

Imports run synchronously in the request for now: a 100,000-line file takes a few seconds.
``import_file`` takes a stored path and plain options, so moving it to a django-tasks task
later changes only these views (enqueue, then show the batch while it is running)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import IMPORT_LEDGER
from encaisse.core.access import capability_required

from .choices import BatchStatus
from .forms import ImportForm
from .selectors import access_batch, batch_list, batch_totals
from .services import import_file, stored_path, upload_store

PAGE_SIZE = 50


@capability_required(IMPORT_LEDGER)
def batches(request):
    page = Paginator(batch_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page, "batches": page.object_list})


@capability_required(IMPORT_LEDGER)
def batch_new(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            stored = upload_store(upload=upload)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            batch = import_file(
                actor=request.user,
                path=stored_path(stored),
                file_name=upload.name,
                format=data["format"],
                mapping=data["mapping"],
                as_of=data["as_of"],
                dry_run=data["dry_run"],
                skip_bad_rows=data["skip_bad_rows"],
                mode=data["mode"] or None,
                stored_file=stored,
            )
            _announce(request, batch)
            return redirect("imports:detail", batch_id=batch.pk)
    return render(request, "imports/new.html", {"form": form})


def _announce(request, batch) -> None:
    if batch.status == BatchStatus.APPLIED:
        messages.success(request, _("The file was imported."))
    elif batch.status == BatchStatus.DRY_RUN:
        messages.info(request, _("Dry run: nothing was written. Review, then apply it."))
    else:
        messages.error(request, _("The file was refused: nothing was written."))


@capability_required(IMPORT_LEDGER)
def batch_detail(request, batch_id: int):
    batch = access_batch(request.user, batch_id)
    context = {
        "batch": batch,
        "totals": batch_totals(batch),
        "can_apply": batch.status == BatchStatus.DRY_RUN and bool(batch.stored_file),
    }
    return render(request, "imports/detail.html", context)


@capability_required(IMPORT_LEDGER)
@require_POST
def batch_apply_view(request, batch_id: int):
    """Apply a dry run: the same stored file and options, for real, as a new batch."""
    dry = access_batch(request.user, batch_id)
    if dry.status != BatchStatus.DRY_RUN or not dry.stored_file:
        messages.error(request, _("Only a dry run of an uploaded file can be applied."))
        return redirect("imports:detail", batch_id=dry.pk)
    path = stored_path(dry.stored_file)
    if not path.is_file():
        messages.error(request, _("The uploaded file is no longer kept: upload it again."))
        return redirect("imports:detail", batch_id=dry.pk)
    batch = import_file(
        actor=request.user,
        path=path,
        file_name=dry.file_name,
        format=dry.format or "auto",
        mapping=dry.mapping or None,
        as_of=dry.as_of,
        dry_run=False,
        skip_bad_rows=dry.skip_bad_rows,
        mode=dry.mode or None,
        stored_file=dry.stored_file,
    )
    _announce(request, batch)
    return redirect("imports:detail", batch_id=batch.pk)
