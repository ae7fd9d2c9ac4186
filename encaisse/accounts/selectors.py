"""Reads over users, departments and API tokens for the accounts pages."""

from django.shortcuts import get_object_or_404

from .models import ApiToken, Department, User


def token_list(*, user: User):
    """The user's own tokens, newest first, revoked ones included (they show as revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def access_token(user: User, token_id: int) -> ApiToken:
    """The user's token, or 404 alike for a missing token and somebody else's."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)


def user_list():
    return User.objects.select_related("department").order_by("username")


def department_list():
    return Department.objects.select_related("head").order_by("name")
