"""Disputes endpoints under /api/v1/disputes: register (with the amount disputed per invoice),
list, get, move through the workflow, comment; and the codification (categories, reason codes,
departments) read-only.

Reads need ``view_disputes`` and see what ``disputes_visible_to`` lets the user see (a
department member: their department's disputes); writes need ``work_disputes``, registering also
``view_ledger`` (the invoices are named from the ledger). Lists page by id (``cursor``)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from encaisse.accounts.capabilities import VIEW_DISPUTES, VIEW_LEDGER, WORK_DISPUTES
from encaisse.accounts.models import Department
from encaisse.api.access import require
from encaisse.api.errors import error_responses, invalid_field
from encaisse.api.pagination import id_page
from encaisse.core.dates import today
from encaisse.customers.models import Contact, Customer
from encaisse.receivables.choices import InvoiceKind
from encaisse.receivables.models import Invoice

from . import choices
from .evidence import max_bytes
from .models import Category, ReasonCode, RootCause
from .schemas import (
    CommentIn,
    DisputeDetail,
    DisputeFilters,
    DisputeIn,
    DisputePage,
    EventOut,
    EvidenceOut,
    ReasonCodeOut,
    Ref,
    TransitionIn,
)
from .selectors import access_dispute, dispute_lines, dispute_list, dispute_timeline
from .services import (
    dispute_close,
    dispute_comment,
    dispute_open,
    dispute_qualify,
    dispute_reopen,
    dispute_resolve,
    dispute_transition,
)
from .services.evidence import evidence_add, evidence_path
from .workflow import allowed_next

router = Router(tags=["disputes"])

MAX_LIMIT = 500
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


def _by_code(model, code, field, lookup="code"):
    if code in (None, ""):
        return None
    found = model.objects.filter(**{lookup: code}).first()
    if found is None:
        raise invalid_field(field, f"Unknown {lookup} {code!r}.")
    return found


def _user(user_id, field):
    if user_id is None:
        return None
    found = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise invalid_field(field, "No active user with this id.")
    return found


def _detail(user, dispute_id: int):
    dispute = access_dispute(user, dispute_id)
    dispute.invoices = list(dispute_lines(dispute))
    dispute.timeline = list(dispute_timeline(dispute))
    dispute.allowed_next = allowed_next(dispute.status)
    return dispute


@router.get(
    "/disputes",
    response={200: DisputePage, **READ_ERRORS},
    summary="List disputes",
)
def disputes_get(
    request,
    filters: Query[DisputeFilters],
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """The disputes you may see, filtered, by id; ``next_cursor`` gives the next page."""
    require(request, VIEW_DISPUTES)
    criteria = filters.dict()
    late = criteria.pop("late")
    disputes = dispute_list(user=request.user, **criteria, late_on=today() if late else None)
    disputes = disputes.select_related("coordinator", "root_cause")
    return id_page(disputes, cursor=cursor, limit=limit)


@router.post(
    "/disputes",
    response={201: DisputeDetail, **WRITE_ERRORS},
    summary="Register a dispute",
)
def disputes_post(request, payload: DisputeIn):
    """Register a dispute on one or several invoices of a customer, each with the amount
    disputed (all or part of what is open). Dunning stops on those amounts at once. With a
    ``reason_code`` the dispute is qualified: routed to the code's department and its default
    owner, with a target date."""
    require(request, WORK_DISPUTES)
    require(request, VIEW_LEDGER)
    customer = Customer.objects.filter(pk=payload.customer_id).first()
    if customer is None:
        raise invalid_field("body.customer_id", "No customer with this id.")
    lines = []
    for index, line in enumerate(payload.invoices):
        invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE, customer=customer)
        if line.invoice_id is not None:
            invoice, field = invoices.filter(pk=line.invoice_id).first(), "invoice_id"
        else:
            invoice, field = invoices.filter(number=line.invoice_number).first(), "invoice_number"
        if invoice is None:
            raise invalid_field(f"body.invoices.{index}.{field}", "No invoice of this customer.")
        lines.append((invoice, line.disputed_amount))
    contact = None
    if payload.contact_id is not None:
        contact = Contact.objects.filter(pk=payload.contact_id, customer=customer).first()
        if contact is None:
            raise invalid_field("body.contact_id", "No contact of this customer with this id.")
    dispute = dispute_open(
        actor=request.user,
        customer=customer,
        invoices_amounts=lines,
        origin=payload.origin,
        words=payload.words,
        raised_on=payload.raised_on,
        reason_code=_by_code(ReasonCode, payload.reason_code, "body.reason_code"),
        department=_by_code(Department, payload.department, "body.department"),
        owner=_user(payload.owner_id, "body.owner_id"),
        contact=contact,
    )
    return Status(201, _detail(request.user, dispute.pk))


@router.get(
    "/disputes/{int:dispute_id}",
    response={200: DisputeDetail, **READ_ERRORS},
    summary="Get a dispute with its invoices and timeline",
)
def dispute_get(request, dispute_id: int):
    require(request, VIEW_DISPUTES)
    return _detail(request.user, dispute_id)


@router.post(
    "/disputes/{int:dispute_id}/transitions",
    response={200: DisputeDetail, **WRITE_ERRORS},
    summary="Move a dispute to its next status",
)
def dispute_transition_post(request, dispute_id: int, payload: TransitionIn):
    """Qualify, work, resolve, close or reopen (see ``allowed_next`` on the dispute). A move
    the workflow does not allow answers 422 naming the allowed ones."""
    require(request, WORK_DISPUTES)
    dispute = access_dispute(request.user, dispute_id)
    actor, to = request.user, payload.to
    if to == choices.Status.QUALIFIED:
        reason_code = _by_code(ReasonCode, payload.reason_code, "body.reason_code")
        if reason_code is None:
            raise invalid_field("body.reason_code", "A reason code is required to qualify.")
        dispute_qualify(
            actor=actor,
            dispute=dispute,
            reason_code=reason_code,
            department=_by_code(Department, payload.department, "body.department"),
            owner=_user(payload.owner_id, "body.owner_id"),
            comment=payload.comment,
        )
    elif to == choices.Status.RESOLVED:
        dispute_resolve(
            actor=actor,
            dispute=dispute,
            outcome=payload.outcome or "",
            founded=payload.founded,
            root_cause=_by_code(RootCause, payload.root_cause, "body.root_cause"),
            credit_note_number=payload.credit_note_number,
            credit_note_amount=payload.credit_note_amount,
            comment=payload.comment,
        )
    elif to == choices.Status.CLOSED:
        dispute_close(actor=actor, dispute=dispute, comment=payload.comment)
    elif dispute.status in (choices.Status.RESOLVED, choices.Status.CLOSED):
        if to != choices.Status.IN_PROGRESS:
            raise ValidationError({"to": "A resolved or closed dispute can only be reopened."})
        dispute_reopen(actor=actor, dispute=dispute, comment=payload.comment)
    else:
        dispute_transition(actor=actor, dispute=dispute, to_status=to, comment=payload.comment)
    return _detail(request.user, dispute_id)


@router.post(
    "/disputes/{int:dispute_id}/comments",
    response={201: EventOut, **WRITE_ERRORS},
    summary="Comment on a dispute",
)
def dispute_comment_post(request, dispute_id: int, payload: CommentIn):
    require(request, WORK_DISPUTES)
    dispute = access_dispute(request.user, dispute_id)
    return Status(
        201, dispute_comment(actor=request.user, dispute=dispute, comment=payload.comment)
    )


@router.post(
    "/disputes/{int:dispute_id}/evidence",
    response={201: EvidenceOut, **WRITE_ERRORS},
    summary="Attach an evidence file to a dispute",
)
def dispute_evidence_post(request, dispute_id: int, file: File[UploadedFile]):
    """A multipart upload (field ``file``): PDF, image, Word or Excel document or text, up to
    the size limit; the type is read from the content, not from the name."""
    require(request, WORK_DISPUTES)
    dispute = access_dispute(request.user, dispute_id)
    if file.size > max_bytes():
        # Refused before reading it into memory.
        raise invalid_field("body.file", f"The file is larger than {max_bytes()} bytes.")
    content = file.read()
    try:
        evidence = evidence_add(
            actor=request.user, dispute=dispute, name=file.name, content=content
        )
    except ValidationError as error:
        raise invalid_field("body.file", " ".join(error.message_dict["file"])) from None
    return Status(201, evidence)


@router.get(
    "/disputes/{int:dispute_id}/evidence/{int:evidence_id}",
    response={200: None, **READ_ERRORS},
    summary="Download an evidence file",
)
def dispute_evidence_get(request, dispute_id: int, evidence_id: int):
    """The file itself, as an attachment, to users who may see the dispute."""
    require(request, VIEW_DISPUTES)
    dispute = access_dispute(request.user, dispute_id)
    evidence = dispute.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such evidence.")
    response = FileResponse(
        default_storage.open(evidence_path(evidence), "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/disputes/categories",
    response={200: list[Ref], **READ_ERRORS},
    summary="List dispute categories",
)
def categories_get(request):
    require(request, VIEW_DISPUTES)
    return list(Category.objects.filter(active=True))


@router.get(
    "/disputes/reason-codes",
    response={200: list[ReasonCodeOut], **READ_ERRORS},
    summary="List reason codes with their department and target",
)
def reason_codes_get(request):
    require(request, VIEW_DISPUTES)
    return list(ReasonCode.objects.filter(active=True).select_related("category", "department"))


@router.get(
    "/disputes/root-causes",
    response={200: list[Ref], **READ_ERRORS},
    summary="List root causes",
)
def root_causes_get(request):
    require(request, VIEW_DISPUTES)
    return list(RootCause.objects.filter(active=True))


@router.get(
    "/disputes/departments",
    response={200: list[Ref], **READ_ERRORS},
    summary="List the departments disputes are routed to",
)
def departments_get(request):
    require(request, VIEW_DISPUTES)
    return list(Department.objects.order_by("name"))
