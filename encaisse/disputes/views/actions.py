"""The writes of a dispute's page and of the worklist's quick actions. Each view reads its form,
calls one service and shows the service's refusal (an invalid move names the allowed ones).

From the dispute's page, success redirects to the page (or to the worklist when the user may
no longer see the dispute: handed over to another department); a refusal shows the page again
with the form's errors (422). From a worklist row (htmx, ``row`` in the form), the answer is the
row itself, updated, with the message in it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import WORK_DISPUTES
from encaisse.core.access import capability_required
from encaisse.core.forms import form_errors

from ..choices import Status
from ..evidence import max_bytes
from ..forms import (
    CommentForm,
    CreditNoteForm,
    EvidenceForm,
    HandOverForm,
    ProposeForm,
    QualifyForm,
    ResolveForm,
    TransitionForm,
)
from ..selectors import access_dispute, disputes_visible_to
from ..services import (
    dispute_assign,
    dispute_close,
    dispute_comment,
    dispute_qualify,
    dispute_reopen,
    dispute_resolve,
    dispute_transition,
    evidence_add,
)
from ..worklist import worklist_row
from .common import error_text
from .detail import detail_context
from .worklist import row_context


def _answer(request, dispute, *, name, form, perform, success: str):
    """Validate ``form``, run ``perform(data)`` and answer the page or the worklist row."""
    error = None
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as refused:
            error = refused
            form_errors(form, refused)
    else:
        error = ValidationError({k: list(v) for k, v in form.errors.items()})
    if request.htmx and request.POST.get("row"):
        return _row(request, dispute.pk, error=error, success=success)
    if error is not None:
        context = detail_context(request, access_dispute(request.user, dispute.pk), {name: form})
        context["open_form"] = name
        return render(request, "disputes/detail.html", context, status=422)
    messages.success(request, success)
    if not disputes_visible_to(request.user).filter(pk=dispute.pk).exists():
        return redirect("disputes:list")
    return redirect("disputes:detail", dispute.pk)


def _row(request, dispute_id: int, *, error, success: str):
    row = worklist_row(user=request.user, dispute_id=dispute_id)
    context = {
        "dispute": row,
        "dispute_id": dispute_id,
        "row_error": error_text(error) if error is not None else "",
        "row_message": success if error is None else "",
        **row_context(request),
    }
    return render(request, "disputes/list.html#row", context)


def _view(form_class, *, name, success, perform, form_kwargs=None):
    """A POST view on one dispute: access checked, ``work_disputes`` required."""

    @require_POST
    @capability_required(WORK_DISPUTES)
    def view(request, dispute_id: int):
        dispute = access_dispute(request.user, dispute_id)
        extra = form_kwargs(dispute) if form_kwargs else {}
        form = form_class(request.POST, request.FILES, **extra)
        return _answer(
            request,
            dispute,
            name=name,
            form=form,
            perform=lambda data: perform(request.user, dispute, data, request),
            success=str(success),
        )

    view.__name__ = f"{name}_view"
    return view


def _founded(value: str):
    return {"yes": True, "no": False}.get(value)


def _qualify(actor, dispute, data, request):
    dispute_qualify(
        actor=actor,
        dispute=dispute,
        reason_code=data["reason_code"],
        category=data["category"],
        department=data["department"],
        owner=data["owner"],
        comment=data["comment"],
    )


def _transition(actor, dispute, data, request):
    dispute_transition(
        actor=actor, dispute=dispute, to_status=data["to_status"], comment=data["comment"]
    )


def _propose(actor, dispute, data, request):
    if not data["comment"].strip():
        raise ValidationError({"comment": _("Describe the solution proposed.")})
    dispute_transition(
        actor=actor,
        dispute=dispute,
        to_status=Status.SOLUTION_PROPOSED,
        comment=data["comment"],
    )


def _resolve(actor, dispute, data, request):
    dispute_resolve(
        actor=actor,
        dispute=dispute,
        outcome=data["outcome"],
        founded=_founded(data["founded"]),
        root_cause=data["root_cause"],
        credit_note_number=data["credit_note_number"],
        credit_note_amount=data["credit_note_amount"],
        comment=data["comment"],
    )


def _with_comment(service):
    """The perform of a form that only carries a comment (close, reopen, comment)."""

    def perform(actor, dispute, data, request):
        service(actor=actor, dispute=dispute, comment=data["comment"])

    return perform


_close = _with_comment(dispute_close)
_reopen = _with_comment(dispute_reopen)
_comment = _with_comment(dispute_comment)


def _handover(actor, dispute, data, request):
    dispute_assign(
        actor=actor,
        dispute=dispute,
        department=data["department"],
        owner=data["owner"],
        comment=data["comment"],
    )


def check_files(files) -> list[tuple[str, bytes]]:
    """Read the uploaded files, refusing one over the size limit before reading it."""
    read = []
    for upload in files:
        if upload.size > max_bytes():
            raise ValidationError({"files": _("%(name)s is too large.") % {"name": upload.name}})
        read.append((upload.name, upload.read()))
    return read


def _evidence(actor, dispute, data, request):
    files = check_files(request.FILES.getlist("files"))
    if not files:
        raise ValidationError({"files": _("Choose a file.")})
    with transaction.atomic():
        for name, content in files:
            try:
                evidence_add(actor=actor, dispute=dispute, name=name, content=content)
            except ValidationError as refused:
                raise ValidationError({"files": f"{name}: {error_text(refused)}"}) from None


qualify_view = _view(
    QualifyForm, name="qualify", success=gettext_lazy("Dispute qualified."), perform=_qualify
)
transition_view = _view(
    TransitionForm, name="transition", success=gettext_lazy("Status changed."), perform=_transition
)
propose_view = _view(
    ProposeForm, name="propose", success=gettext_lazy("Solution proposed."), perform=_propose
)
resolve_view = _view(
    ResolveForm, name="resolve", success=gettext_lazy("Dispute resolved."), perform=_resolve
)
credit_note_view = _view(
    CreditNoteForm, name="credit_note", success=gettext_lazy("Dispute resolved."), perform=_resolve
)
close_view = _view(
    CommentForm, name="close", success=gettext_lazy("Dispute closed."), perform=_close
)
reopen_view = _view(
    CommentForm, name="reopen", success=gettext_lazy("Dispute reopened."), perform=_reopen
)
comment_view = _view(
    CommentForm, name="comment", success=gettext_lazy("Comment added."), perform=_comment
)
handover_view = _view(
    HandOverForm, name="handover", success=gettext_lazy("Dispute handed over."), perform=_handover
)
evidence_view = _view(
    EvidenceForm, name="evidence", success=gettext_lazy("Evidence added."), perform=_evidence
)
