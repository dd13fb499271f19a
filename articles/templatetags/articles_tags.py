"""Template filters for article pages."""

from django import template

from .. import masking

register = template.Library()


@register.filter
def mask_nickname(value):
    """``{{ article.poster_nickname|mask_nickname }}`` -> ``"16e2****"``."""
    return masking.mask_nickname(value)


@register.filter
def mask_ip(value):
    """``{{ article.poster_ip|mask_ip }}`` -> ``"124.223.189***"``."""
    return masking.mask_ip(value)
