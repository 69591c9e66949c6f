"""The author a management command records in the history, named by ``--user``."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def author_named(username):
    """The user named ``username``, or None when no name is given; a wrong name is an error."""
    if not username:
        return None
    users = get_user_model()._default_manager
    try:
        return users.get_by_natural_key(username)
    except users.model.DoesNotExist:
        raise CommandError(f"No user named '{username}'.") from None
