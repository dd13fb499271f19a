"""Command-line options shared by the import commands: each turns what was typed into the
object it names, or a ``CommandError`` that says what is wrong with it."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def poster_named(username: str | None):
    """The user named by ``--poster USERNAME``, or ``None`` when no name was given (the
    importer's system user is then the poster).

    Raises:
        CommandError: no user has that name.
    """
    if not username:
        return None
    user_model = get_user_model()
    try:
        return user_model.objects.get_by_natural_key(username)
    except user_model.DoesNotExist:
        raise CommandError(f"--poster: no user named {username!r}.") from None
