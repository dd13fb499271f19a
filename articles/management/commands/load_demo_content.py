"""``manage.py load_demo_content [--if-empty]``: fill a fresh site with demo content.

The data and the logic live in :mod:`articles.demo`; this command only parses the flag and
prints the summary (including the generated admin password, the first time).
"""

from django.core.management.base import BaseCommand

from articles.demo import load_demo_content


class Command(BaseCommand):
    help = (
        "Create demo categories, articles (published, scheduled, draft), generated images and "
        "a superuser 'admin' with a random password. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has any article (for `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        result = load_demo_content(if_empty=if_empty)
        style = self.style.NOTICE if result.skipped else self.style.SUCCESS
        lines = result.summary_lines()
        self.stdout.write(style(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
