"""The audit log page: who changed what and when, newest first, filtered, and its CSV export.

VIEW_AUDIT only (administrators and credit managers). Pages are read in keyset order (see
``selectors``): "older" follows a cursor, and there is no page count, which would cost a COUNT
over millions of rows."""

import csv
import json

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from encaisse.accounts.capabilities import VIEW_AUDIT, capabilities_of
from encaisse.core.access import capability_required

from .forms import AuditFilterForm
from .labels import audit_rows
from .selectors import audit_list, audit_page

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


@capability_required(VIEW_AUDIT)
def audit_log(request):
    form = AuditFilterForm(request.GET)
    queryset = audit_list(filters=form.filters())
    cursor = request.GET.get("cursor") or None
    try:
        entries, next_cursor = audit_page(queryset, cursor=cursor, limit=PAGE_SIZE)
    except ValueError:
        # A cursor mangled in the address: start again from the newest.
        cursor = None
        entries, next_cursor = audit_page(queryset, cursor=None, limit=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "rows": audit_rows(entries, capabilities_of(request.user)),
        "next_cursor": next_cursor,
        "is_first_page": cursor is None,
        "query": query.urlencode(),
    }
    return render(request, "audit/list.html", context)


class _Echo:
    def write(self, value):
        return value


@capability_required(VIEW_AUDIT)
def audit_export(request):
    """The filtered log as CSV (UTF-8 with a BOM, for Excel), streamed: a million rows never sit
    in memory at once. Actions and object types keep their stored codes, which the API and the
    filters take back."""
    form = AuditFilterForm(request.GET)
    entries = audit_list(filters=form.filters()).iterator(chunk_size=EXPORT_CHUNK)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(
            ["at", "actor", "action", "object_type", "object_id", "object", "changes"]
        )
        for entry in entries:
            yield writer.writerow(
                [
                    timezone.localtime(entry.at).isoformat(),
                    entry.actor.get_username() if entry.actor else entry.actor_label,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.object_repr,
                    json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
