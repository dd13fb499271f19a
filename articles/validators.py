"""Validators shared by the models, the admin forms and the importer."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Years a publication time may fall in. Outside it a date is a typing or parsing mistake,
#: and one before year 1 in UTC would be stored by PostgreSQL as a BC date that Python
#: cannot read back.
PLAUSIBLE_YEARS = range(1900, 2200)


def validate_plausible_year(value):
    """Refuse a datetime whose year (in the site's time zone) is outside ``PLAUSIBLE_YEARS``.

    Raises:
        ValidationError: code ``implausible_year``.
    """
    if value is None:
        return
    year = (timezone.localtime(value) if timezone.is_aware(value) else value).year
    if year not in PLAUSIBLE_YEARS:
        raise ValidationError(
            _("Please enter a year between %(first)d and %(last)d."),
            code="implausible_year",
            params={"first": PLAUSIBLE_YEARS[0], "last": PLAUSIBLE_YEARS[-1]},
        )
