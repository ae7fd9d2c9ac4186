from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.core.access import capability_required, login_only

from .capabilities import MANAGE_SETTINGS, MANAGE_USERS
from .forms import DepartmentForm, ProfileForm, TokenForm, UserForm
from .models import Department, User
from .selectors import access_token, department_list, token_list, user_list
from .services import (
    department_create,
    department_update,
    token_create,
    token_revoke,
    user_create,
    user_update,
    user_update_profile,
)


def _form_errors(form, error: ValidationError, rename: dict | None = None) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        field = rename.get(name, name)
        form.add_error(field if field in form.fields else None, messages_)


@login_only
def profile(request):
    # The form edits a copy so the service can diff the user before and after.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        user_update_profile(actor=request.user, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


# API tokens -----------------------------------------------------------------------------------


@login_only
def tokens(request):
    """My API tokens; creating one shows its raw value on this response only."""
    form = TokenForm(request.POST or None, user=request.user)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            form = TokenForm(user=request.user)
    context = {
        "form": form,
        "tokens": token_list(user=request.user),
        "created": created,
        "raw_token": raw,
    }
    # The raw token must never be cached by the browser or a proxy.
    response = render(request, "accounts/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_only
@require_POST
def token_revoke_view(request, token_id: int):
    token = access_token(request.user, token_id)
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


# Users ----------------------------------------------------------------------------------------


@capability_required(MANAGE_USERS)
def users(request):
    return render(request, "accounts/users.html", {"users": user_list()})


@capability_required(MANAGE_USERS)
def user_new(request):
    form = UserForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                password=data["new_password"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                department=data["department"],
                language=data["language"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            _form_errors(form, error, {"password": "new_password"})
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "subject": None})


@capability_required(MANAGE_USERS)
def user_edit(request, user_id: int):
    subject = get_object_or_404(User, pk=user_id)
    # The form validates onto its own copy; the service diffs the stored row.
    form = UserForm(request.POST or None, instance=User.objects.get(pk=subject.pk), creating=False)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["password"] = data.pop("new_password")
        try:
            user_update(actor=request.user, user=subject, data=data)
        except ValidationError as error:
            _form_errors(form, error, {"password": "new_password"})
        else:
            messages.success(request, _("User %(name)s was saved.") % {"name": subject.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "subject": subject})


# Departments ----------------------------------------------------------------------------------


@capability_required(MANAGE_SETTINGS)
def departments(request):
    return render(request, "accounts/departments.html", {"departments": department_list()})


@capability_required(MANAGE_SETTINGS)
def department_new(request):
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The department was created."))
            return redirect("accounts:departments")
    return render(request, "accounts/department_form.html", {"form": form, "department": None})


@capability_required(MANAGE_SETTINGS)
def department_edit(request, department_id: int):
    department = get_object_or_404(Department, pk=department_id)
    form = DepartmentForm(request.POST or None, instance=Department.objects.get(pk=department.pk))
    if request.method == "POST" and form.is_valid():
        try:
            department_update(actor=request.user, department=department, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The department was saved."))
            return redirect("accounts:departments")
    return render(
        request, "accounts/department_form.html", {"form": form, "department": department}
    )
