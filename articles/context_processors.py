"""Template context shared by every page."""

from django.conf import settings

from .models import Category


def site(request):
    """``site_name``, ``site_founded_year`` and ``nav_categories`` (top-level, lazy).

    ``nav_categories`` is a lazy QuerySet: pages that do not render the navigation (admin,
    feeds) pay no query for it.
    """
    return {
        "site_name": settings.SITE_NAME,
        "site_founded_year": settings.SITE_FOUNDED_YEAR,
        "nav_categories": Category.objects.filter(parent__isnull=True),
    }
