"""The customer portal's pages, under /p/: no login, the signed token in the URL is the only
credential (see ``tokens``). Every page is rate limited per client address
(``PORTAL_RATE_LIMIT`` requests a minute; what customers send, ``PORTAL_POST_RATE_LIMIT``),
speaks the customer's language, and tells browsers not to keep it nor pass the link on
(``Cache-Control: no-store``; ``Referrer-Policy: same-origin``, so a link to another site
never carries the token, while our own forms keep their Origin for the CSRF check)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from encaisse.company.selectors import company_get
from encaisse.core.ratelimit import rate_limited
from encaisse.customers.models import Customer
from encaisse.disputes.services.evidence import evidence_path

from . import selectors, services, tokens
from .emails import customer_recipient
from .forms import EvidenceForm, MessageForm, RaiseForm, SatisfactionForm
from .steps import next_step


def _secure(response):
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render(request, template, context, *, language=None, status=200):
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(
            request,
            template,
            {"company": company_get(), "language": language, **context},
            status=status,
        )
    return _secure(response)


def _too_many(request):
    return _render(request, "portal/refused.html", {"reason": "rate"}, status=429)


def _limited(*, writes: bool = False):
    def decorator(view):
        view = rate_limited(
            scope="portal",
            limit=lambda: getattr(settings, "PORTAL_RATE_LIMIT", 60),
            refused=_too_many,
        )(view)
        if writes:
            view = rate_limited(
                scope="portal-post",
                limit=lambda: getattr(settings, "PORTAL_POST_RATE_LIMIT", 10),
                methods=("POST",),
                refused=_too_many,
            )(view)
        return view

    return decorator


def with_claims(kind: str):
    """Verify the URL's token of ``kind``: an expired link gets its own page (410), an invalid
    one a "link not valid" page (404, like a missing page)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, token, *args, **kwargs):
            try:
                claims = tokens.read(kind, token)
            except tokens.LinkExpired:
                return _render(request, "portal/refused.html", {"reason": "expired"}, status=410)
            except tokens.LinkInvalid:
                return _render(request, "portal/refused.html", {"reason": "invalid"}, status=404)
            try:
                return view(request, token, claims, *args, **kwargs)
            except Http404:
                return _render(request, "portal/refused.html", {"reason": "invalid"}, status=404)

        return wrapped

    return decorator


def _dispute_page(request, token, dispute, *, message_form=None, evidence_form=None, status=200):
    _address, language, _contact = customer_recipient(dispute)
    with translation.override(language):
        step = str(next_step(dispute.status))
        timeline = selectors.public_timeline(dispute)
    return _render(
        request,
        "portal/dispute.html",
        {
            "token": token,
            "dispute": dispute,
            "lines": selectors.portal_lines(dispute),
            "timeline": timeline,
            "evidence": selectors.portal_evidence(dispute),
            "next_step": step,
            "open": dispute.closed_at is None,
            "message_form": message_form or MessageForm(),
            "evidence_form": evidence_form or EvidenceForm(),
        },
        language=language,
        status=status,
    )


@_limited()
@require_GET
@with_claims("dispute")
def dispute_page(request, token, claims):
    """The customer's dispute: status, next step, expected date, timeline, messages and
    documents."""
    return _dispute_page(request, token, selectors.portal_dispute(claims))


@_limited(writes=True)
@require_POST
@with_claims("dispute")
def dispute_message(request, token, claims):
    dispute = selectors.portal_dispute(claims)
    with translation.override(customer_recipient(dispute)[1]):
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.portal_message_add(dispute=dispute, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Thank you, your message was sent."))
                return redirect(reverse("portal:dispute", args=[token]) + "#timeline")
    return _dispute_page(request, token, dispute, message_form=form, status=400)


@_limited(writes=True)
@require_POST
@with_claims("dispute")
def dispute_evidence(request, token, claims):
    dispute = selectors.portal_dispute(claims)
    with translation.override(customer_recipient(dispute)[1]):
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.portal_evidence_add(
                    dispute=dispute, name=upload.name, content=upload.read()
                )
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                messages.success(request, _("Thank you, your document was received."))
                return redirect(reverse("portal:dispute", args=[token]) + "#documents")
    return _dispute_page(request, token, dispute, evidence_form=form, status=400)


@_limited()
@require_GET
@with_claims("dispute")
def evidence_download(request, token, claims, evidence_id: int):
    """A document the customer sent, only through the token of its dispute."""
    dispute = selectors.portal_dispute(claims)
    evidence = selectors.portal_evidence_get(dispute, evidence_id)
    response = FileResponse(
        default_storage.open(evidence_path(evidence), "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    return _secure(response)


@_limited(writes=True)
@require_http_methods(["GET", "POST"])
@with_claims("raise")
def raise_page(request, token, claims):
    """Raise a dispute on the invoices of a reminder: pick them, the reason, the amount, say
    what is wrong, add a document. Registers it and opens its page."""
    customer = Customer.objects.filter(pk=claims.customer_id).first()
    if customer is None:
        raise Http404
    rows = selectors.raisable_invoices(claims)
    language = customer.language or settings.LANGUAGE_CODE
    with translation.override(language):
        form = RaiseForm(request.POST or None, request.FILES or None, rows=rows)
        if request.method == "POST" and rows and form.is_valid():
            upload = form.cleaned_data.get("file")
            files = [(upload.name, upload.read())] if upload else []
            try:
                dispute = services.portal_dispute_raise(
                    customer=customer,
                    invoices_amounts=form.cleaned_data["invoices_amounts"],
                    reason=form.cleaned_data["reason"],
                    words=form.cleaned_data["words"],
                    files=files,
                )
            except ValidationError as error:
                field = next(iter(getattr(error, "error_dict", {})), None)
                form.add_error("file" if field == "file" else None, error.messages)
            else:
                if customer_recipient(dispute)[0]:
                    notice = _("Your dispute %(number)s is registered. We have sent you an email.")
                else:
                    notice = _("Your dispute %(number)s is registered.")
                messages.success(request, notice % {"number": dispute.number})
                link = tokens.dispute_token(dispute_id=dispute.pk, customer_id=customer.pk)
                return redirect("portal:dispute", link)
    return _render(
        request,
        "portal/raise.html",
        {"customer": customer, "form": form, "rows": rows},
        language=language,
        status=400 if request.method == "POST" else 200,
    )


@_limited(writes=True)
@require_http_methods(["GET", "POST"])
@with_claims("satisfaction")
def satisfaction_page(request, token, claims):
    """The rating page of the satisfaction follow-up."""
    satisfaction = selectors.portal_satisfaction(claims)
    dispute = satisfaction.dispute
    _address, language, _contact = customer_recipient(dispute)
    with translation.override(language):
        form = SatisfactionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.satisfaction_record(
                    satisfaction=satisfaction,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("portal:satisfaction", token)
    satisfaction.refresh_from_db()
    return _render(
        request,
        "portal/satisfaction.html",
        {
            "satisfaction": satisfaction,
            "dispute": dispute,
            "form": form,
            "dispute_token": tokens.dispute_token(
                dispute_id=dispute.pk, customer_id=dispute.customer_id
            ),
        },
        language=language,
        status=400 if request.method == "POST" else 200,
    )
