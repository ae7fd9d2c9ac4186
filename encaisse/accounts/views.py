from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from encaisse.core.access import login_only

from .forms import ProfileForm
from .models import User
from .services import user_update_profile


@login_only
def profile(request):
    # The form edits a copy so the service can diff the user before and after.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        user_update_profile(actor=request.user, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
