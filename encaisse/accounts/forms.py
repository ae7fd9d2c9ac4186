from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TokenScope
from .models import Department, User
from .services import token_scopes_for


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "language"]


class TokenForm(forms.Form):
    """A new API token: a name to recognise it and a scope the owner's role can hold."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Where it is used, e.g. “ERP nightly push”.")
    )
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = token_scopes_for(user)
        self.fields["scope"].choices = [
            (v, label) for v, label in TokenScope.choices if v in allowed
        ]
        self.fields["scope"].initial = TokenScope.READ


class UserForm(forms.ModelForm):
    """Create or edit a user. The password is required on creation, optional on edit.

    Views give it a fresh instance: validating a ModelForm writes the new values onto it."""

    new_password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), required=False
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "department",
            "language",
            "is_active",
        ]

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")
        if creating:
            self.fields["new_password"].required = True
        else:
            del self.fields["username"]
            self.fields["new_password"].label = _("New password")
            self.fields["new_password"].help_text = _("Leave empty to keep the current password.")


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "head"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = User.objects.filter(is_active=True).order_by("username")
