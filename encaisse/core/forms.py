"""What the pages' forms share: showing a service's refusal on the form that fed it."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def form_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def saved(request, form, save, success: str) -> bool:
    """For a POSTed form that is valid, run ``save(cleaned_data)`` (the service call): True
    when it went through (``success`` shown as a message), False with its refusal on the form.
    False as well for a GET or an invalid form: the caller renders the form again."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        form_errors(form, error)
        return False
    messages.success(request, success)
    return True
