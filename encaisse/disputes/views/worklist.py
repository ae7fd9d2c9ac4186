"""The department worklist: tabs, filters, keyset pages; htmx requests get the table alone."""

from django.shortcuts import render

from encaisse.accounts.capabilities import VIEW_DISPUTES, WORK_DISPUTES, has_capability
from encaisse.accounts.models import Department
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.pagination import page_for_request

from ..choices import ACTIVE_STATUSES, Status
from ..forms import WorklistFilterForm
from ..models import RootCause
from ..workflow import allowed_next
from ..worklist import ALL, InvalidCursor, worklist_page


def row_context(request) -> dict:
    """What a row's quick actions need (shared by the list and the quick-action answers)."""
    can_work = has_capability(request.user, WORK_DISPUTES)
    return {
        "can_work": can_work,
        # Read once for every row's quick forms (plain HTML in the row, not a form per row).
        "departments": list(Department.objects.order_by("name")) if can_work else [],
        "root_causes": list(RootCause.objects.filter(active=True)) if can_work else [],
        "today": today(),
        # Which rows offer "propose a solution" and "attach a credit note" (workflow.TRANSITIONS).
        "propose_from": [s for s in Status.values if Status.SOLUTION_PROPOSED in allowed_next(s)],
        "resolve_from": [s for s in Status.values if Status.RESOLVED in allowed_next(s)],
        "active_statuses": ACTIVE_STATUSES,
    }


@capability_required(VIEW_DISPUTES)
def worklist_view(request):
    """The disputes the user works, nearest deadline first."""
    form = WorklistFilterForm(request.GET)
    filters = form.to_filters()
    page, cursor, query = page_for_request(
        request,
        lambda cursor: worklist_page(user=request.user, filters=filters, cursor=cursor),
        InvalidCursor,
    )
    tab_query = query.copy()
    tab_query.pop("tab", None)
    context = {
        "form": form,
        "page": page,
        "disputes": page.items,
        "cursor": cursor,
        "query": query.urlencode(),
        "tab_query": tab_query.urlencode(),
        "show_department_filter": page.tab == ALL,
        **row_context(request),
    }
    template = "disputes/list.html#table" if request.htmx else "disputes/list.html"
    return render(request, template, context)
