"""What the disputes views share: a service's refusal as one line of text."""

from django.core.exceptions import ValidationError


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(str(m) for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(str(m) for m in error.messages)
