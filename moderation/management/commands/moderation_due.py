"""``manage.py moderation_due``: the moderation clock, meant for cron.

Run it every few minutes (or at least hourly), e.g.::

    */10 * * * *  cd /srv/newsroom && . ./production.env && \
                  .venv/bin/python manage.py moderation_due --quiet

(the environment must carry the site's settings, ``DJANGO_SECRET_KEY`` first of all).

It first carries out every restoration that has fallen due (the waiting period after an
accepted counter-notice ended without a reported complaint or lawsuit; see
:func:`moderation.services.run_due`) and prints each one, then lists the open cases of every
kind (notices, reports, counter-notices, requests for review) whose due time has passed.

Exit status: 0 when nothing is overdue, 2 (``OVERDUE_STATUS``) when any case is overdue, so
that cron or a monitoring check can alert on it and tell it apart from a failure to run at
all (1, e.g. a missing setting). With ``--quiet`` nothing is printed unless a restoration was made
or a case is overdue, so that cron only sends mail when there is something to read.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from moderation import services
from moderation.models import ALL_CASES, ReviewRequest

#: Exit status when a case is overdue (1 is left to errors).
OVERDUE_STATUS = 2

#: The kinds of case, in the order they are listed.


def overdue_cases(now: dt.datetime) -> list:
    """Open cases of every kind whose due time is before ``now`` (aware), oldest due first."""
    cases = []
    for model in ALL_CASES:
        queryset = model.objects.overdue(now)
        if model is ReviewRequest:
            queryset = queryset.select_related("notice", "report")
        cases.extend(queryset)
    return sorted(cases, key=lambda case: (case.due_at, case.kind, case.pk))


def format_duration(delta: dt.timedelta) -> str:
    """``delta`` as ``"2d 3h"``, ``"5h 10m"`` or ``"12m"`` (rounded down to minutes)."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


class Command(BaseCommand):
    help = (
        "Carry out due restorations after counter-notices, then list overdue open cases. "
        "Exit status 2 when any case is overdue (1: it could not run). Meant to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print nothing unless an article was restored or a case is overdue.",
        )

    def handle(self, *args, quiet=False, **options):
        now = timezone.now()
        restored = services.run_due(now=now)
        for counter in restored:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored article #{counter.article_id} “{counter.article}”: counter-notice "
                    f"{counter.tracking_number} to notice {counter.notice.tracking_number}, "
                    f"restoration due {self._local(counter.restore_due_at)}."
                )
            )
        if not restored and not quiet:
            self.stdout.write("No restoration due.")

        overdue = overdue_cases(now)
        for case in overdue:
            self.stdout.write(
                f"OVERDUE  {self._name(case):<24} {case.kind:<15} "
                f"due {self._local(case.due_at)}  overdue by {format_duration(now - case.due_at)}"
            )
        if overdue:
            raise CommandError(f"{len(overdue)} open case(s) overdue.", returncode=OVERDUE_STATUS)
        if not quiet:
            self.stdout.write("No case is overdue.")

    @staticmethod
    def _local(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def _name(case) -> str:
        # Requests for review have no tracking number of their own.
        if isinstance(case, ReviewRequest):
            return f"review #{case.pk} of {case.case.tracking_number}"
        return case.tracking_number
