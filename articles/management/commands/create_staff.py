"""``manage.py create_staff USERNAME --role editor|publisher|moderator``: a staff account in
one of the newsroom's roles (:mod:`articles.permissions`), for operators without the admin.

A new user is created as staff in the role's group with a random one-time password, printed
once (or the password read from standard input with ``--password-stdin``, checked by the
site's password validators). An existing user is refused unless ``--update`` is given; then
the role is added to the user's groups (other groups stay), the user is made staff, the
e-mail address is set when given, and the password is kept, unless ``--password-stdin`` is
given or the user had no usable password (then a one-time password is printed, or nobody
could sign in). Errors (an existing user without ``--update``, a bad username or e-mail,
a missing group, a refused password) are one line on standard error and exit status 1; a
role that is not one of the three is a usage error (status 2). Nothing is saved then.
"""

import secrets
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.permissions import ROLE_GROUPS, group_name

#: Random bytes in a generated password (``secrets.token_urlsafe``: 24 characters).
GENERATED_PASSWORD_BYTES = 18


class Command(BaseCommand):
    help = (
        "Create a staff user in a newsroom role: editor (编辑: writes, imports, cannot "
        "publish), publisher (主编: also publishes, schedules, withdraws) or moderator (审核员: "
        "takedown notices and reports; articles read-only). Prints a one-time random "
        "password, shown once, unless --password-stdin reads one from standard input. An "
        "existing user is refused unless --update: then the role is added to its groups "
        "(other groups stay), it is made staff, and its password is kept unless "
        "--password-stdin is given or it has no usable password (then one is printed)."
    )
    # call_command(..., stdin=StringIO(...)) in tests, as createsuperuser does.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username", help="Login name of the user.")
        parser.add_argument(
            "--role", required=True, choices=sorted(ROLE_GROUPS), help="The user's role."
        )
        parser.add_argument("--email", default=None, help="The user's e-mail address.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input instead of "
            "generating one.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Add the role to an existing user instead of refusing.",
        )

    def handle(self, *args, username, role, email, password_stdin, update, **options):
        password = (
            self._read_password(options.get("stdin") or sys.stdin) if password_stdin else None
        )
        try:
            group = Group.objects.get(name=group_name(role))
        except Group.DoesNotExist:
            raise CommandError(
                f"The group {group_name(role)} of role {role} does not exist; run "
                "manage.py migrate (it is created by a migration)."
            ) from None
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.select_for_update().filter(**{User.USERNAME_FIELD: username})
            user = user.first()
            created = user is None
            if not created and not update:
                raise CommandError(
                    f"User {username} already exists; pass --update to add the role "
                    f"{role} ({group.name}) to it."
                )
            if created:
                user = User(**{User.USERNAME_FIELD: username})
            already = not created and user.groups.filter(pk=group.pk).exists()
            user.is_staff = True
            if email is not None:
                user.email = User.objects.normalize_email(email)
            self._validate(user)
            if password is not None:
                self._check_password(password, user)
            elif created or not user.has_usable_password():
                password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
            if password is not None:
                user.set_password(password)
            user.save()
            user.groups.add(group)
        self._report(user, group, role, created, already, password, password_stdin)

    def _report(self, user, group, role, created, already, password, from_stdin):
        name = user.get_username()
        if created:
            self.stdout.write(f"Created staff user {name} in group {group.name} ({role}).")
        elif already:
            self.stdout.write(f"User {name} is already in group {group.name} ({role}).")
        else:
            self.stdout.write(f"Added user {name} to group {group.name} ({role}).")
        if not user.is_active:
            self.stderr.write(self.style.WARNING(f"User {name} is inactive and cannot sign in."))
        if password is None:
            self.stdout.write("The password was not changed.")
        elif from_stdin:
            self.stdout.write("The password was set from standard input.")
        else:
            self.stdout.write(
                "One-time password (shown only now; change it after signing in):\n" + password
            )

    @staticmethod
    def _read_password(stream) -> str:
        password = stream.readline().rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input (--password-stdin).")
        return password

    @staticmethod
    def _validate(user):
        """The username and e-mail address as the admin's forms would check them."""
        try:
            user.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as exc:
            messages = [
                f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
            ]
            raise CommandError("; ".join(messages)) from None

    @staticmethod
    def _check_password(password, user):
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
