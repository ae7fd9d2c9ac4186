"""Preventive and corrective action pages: the list (filter by status, root cause, owner; late
ones stand out), the form to record one (reached from a resolved dispute,
``/disputes/preventive/new/?dispute=<id>``, or from a root cause row of the statistics,
``?root_cause=<code>``), and an action's page with its history, edit and status forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import (
    VIEW_ALL_DISPUTES,
    VIEW_DISPUTES,
    WORK_DISPUTES,
    has_capability,
)
from encaisse.core.access import capability_required
from encaisse.core.dates import today

from .forms_stats import ActionFilterForm, ActionForm, ActionStatusForm
from .models import RootCause
from .selectors import access_dispute
from .selectors_preventive import access_preventive_action, action_history, preventive_action_list
from .services.preventive import (
    preventive_action_create,
    preventive_action_set_status,
    preventive_action_update,
)

PAGE_SIZE = 100


def _all_departments(user) -> bool:
    return has_capability(user, VIEW_ALL_DISPUTES)


def _add_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@capability_required(VIEW_DISPUTES)
def action_list(request):
    form = ActionFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    on = today()
    cause, owner = data.get("root_cause"), data.get("owner")
    actions = preventive_action_list(
        user=request.user,
        status=data.get("status") or None,
        root_cause=cause.code if cause else None,
        owner_id=owner.pk if owner else None,
        late_on=on if data.get("late") else None,
    ).order_by("due_on", "id")
    rows = list(actions[:PAGE_SIZE])
    for action in rows:
        action.late = action.is_late(on)
    context = {
        "form": form,
        "actions": rows,
        "truncated": len(rows) == PAGE_SIZE,
        "can_record": has_capability(request.user, WORK_DISPUTES),
    }
    return render(request, "disputes/preventive_list.html", context)


def _initial(request) -> tuple[dict, object]:
    """Prefill from the source dispute (its root cause, department and owner) or from a root
    cause named in the query string."""
    initial, dispute = {"due_on": None}, None
    if request.GET.get("dispute"):
        try:
            dispute_id = int(request.GET["dispute"])
        except ValueError:
            dispute_id = 0
        dispute = access_dispute(request.user, dispute_id)
        initial.update(
            root_cause=dispute.root_cause, department=dispute.department, owner=dispute.owner
        )
    cause = request.GET.get("root_cause", "")
    if cause:
        # A row of the statistics names the cause by id; a person typing a URL, by code.
        lookup = {"pk": int(cause)} if cause.isdigit() else {"code": cause}
        initial["root_cause"] = RootCause.objects.filter(**lookup).first()
    return initial, dispute


@capability_required(VIEW_DISPUTES, WORK_DISPUTES)
def action_new(request):
    source = request.POST if request.method == "POST" else request.GET
    initial, dispute = _initial(request) if source is request.GET else ({}, None)
    if request.method == "POST" and request.POST.get("dispute"):
        dispute = access_dispute(request.user, request.POST["dispute"])
    all_departments = _all_departments(request.user)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        all_departments=all_departments,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = data.get("department") if all_departments else request.user.department
        try:
            action = preventive_action_create(
                actor=request.user,
                root_cause=data["root_cause"],
                kind=data["kind"],
                description=data["description"],
                owner=data["owner"],
                department=department,
                due_on=data["due_on"],
                dispute=dispute,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Preventive action recorded."))
            return redirect("dispute_stats:preventive_detail", action.pk)
    return render(request, "disputes/preventive_form.html", {"form": form, "dispute": dispute})


@capability_required(VIEW_DISPUTES)
def action_detail(request, action_id: int):
    action = access_preventive_action(request.user, action_id)
    can_work = has_capability(request.user, WORK_DISPUTES)
    all_departments = _all_departments(request.user)
    edit_form = ActionForm(
        initial={
            "root_cause": action.root_cause,
            "kind": action.kind,
            "description": action.description,
            "owner": action.owner,
            "department": action.department,
            "due_on": action.due_on,
        },
        all_departments=all_departments,
    )
    status_form = ActionStatusForm(initial={"done_on": today()})
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied(WORK_DISPUTES)
        edit_form = ActionForm(request.POST, all_departments=all_departments)
        if edit_form.is_valid():
            changes = dict(edit_form.cleaned_data)
            try:
                preventive_action_update(actor=request.user, action=action, **changes)
            except ValidationError as error:
                _add_errors(edit_form, error)
            else:
                messages.success(request, _("Preventive action saved."))
                return redirect("dispute_stats:preventive_detail", action.pk)
    context = {
        "action": action,
        "late": action.is_late(today()),
        "history": action_history(action),
        "edit_form": edit_form,
        "status_form": status_form,
        "can_work": can_work,
    }
    return render(request, "disputes/preventive_detail.html", context)


@require_POST
@capability_required(VIEW_DISPUTES, WORK_DISPUTES)
def action_status(request, action_id: int):
    action = access_preventive_action(request.user, action_id)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            preventive_action_set_status(
                actor=request.user,
                action=action,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
                done_on=form.cleaned_data["done_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(sum(error.message_dict.values(), [])))
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("dispute_stats:preventive_detail", action.pk)
