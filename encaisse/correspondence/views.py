"""The correspondence pages: letters to print (EDIT_LEDGER) and the templates of emails and
letters, with a preview on real data (MANAGE_SETTINGS)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import EDIT_LEDGER, MANAGE_SETTINGS
from encaisse.audit.selectors import audit_history_for
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.pdf import html_to_pdf, htmls_to_pdf

from .forms import TemplateForm
from .models import Letter
from .preview import preview_render
from .rendering import CONTEXT_VARIABLES, SYNTAX_HELP
from .selectors import access_letter, access_template, letters_printed, letters_to_print
from .selectors import template_list as select_templates
from .services import template_update
from .services.templates import letters_mark_printed


def _pdf_response(data: bytes, name: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@capability_required(EDIT_LEDGER)
def letters(request):
    return render(
        request,
        "correspondence/letters.html",
        {"to_print": list(letters_to_print()), "printed": list(letters_printed())},
    )


@capability_required(EDIT_LEDGER)
def letter_pdf(request, letter_id: int):
    letter = access_letter(request.user, letter_id)
    return _pdf_response(letter.pdf, f"{letter.customer.code}-{letter.pk}.pdf")


@require_POST
@capability_required(EDIT_LEDGER)
def letters_print(request):
    """Every letter waiting to be printed, as one PDF; they are marked printed."""
    ids = [int(pk) for pk in request.POST.getlist("letter") if pk.isdigit()]
    if not ids:
        ids = list(letters_to_print().values_list("pk", flat=True))
    htmls = list(Letter.objects.filter(pk__in=ids).order_by("pk").values_list("html", flat=True))
    if not htmls:
        messages.info(request, _("No letter to print."))
        return redirect("correspondence:letters")
    pdf = htmls_to_pdf(htmls)
    letters_mark_printed(letter_ids=ids, actor=request.user)
    return _pdf_response(pdf, f"letters-{today().isoformat()}.pdf", inline=False)


@capability_required(MANAGE_SETTINGS)
def templates(request):
    return render(request, "correspondence/templates.html", {"templates": select_templates()})


@capability_required(MANAGE_SETTINGS)
def template_edit(request, template_id: int):
    template = access_template(request.user, template_id)
    initial = {"subject": template.subject, "body": template.body}
    form = TemplateForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = preview_render(
                template=template,
                subject=data["subject"],
                body=data["body"],
                customer=data["customer"],
            )
        else:
            try:
                template_update(
                    template=template,
                    actor=request.user,
                    subject=data["subject"],
                    body=data["body"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field, errors)
            else:
                messages.success(request, _("Template saved."))
                return redirect("correspondence:template_edit", template_id=template.pk)
    return render(
        request,
        "correspondence/template_edit.html",
        {
            "template": template,
            "form": form,
            "preview": preview,
            "variables": CONTEXT_VARIABLES,
            "syntax_help": SYNTAX_HELP,
            "history": audit_history_for(template),
        },
    )


@capability_required(MANAGE_SETTINGS)
def template_preview_pdf(request, template_id: int):
    """The saved letter template rendered as a PDF for a customer (``?customer=CODE``)."""
    template = access_template(request.user, template_id)
    form = TemplateForm({"body": template.body, "customer": request.GET.get("customer", "")})
    if not form.is_valid():
        error = form.errors["customer"].as_text()
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    preview = preview_render(
        template=template,
        subject=template.subject,
        body=template.body,
        customer=form.cleaned_data["customer"],
    )
    if preview.error or not preview.html:
        return HttpResponse(preview.error, status=400, content_type="text/plain; charset=utf-8")
    return _pdf_response(html_to_pdf(preview.html), f"{template.code}-{template.language}.pdf")
