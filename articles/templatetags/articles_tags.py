"""Template filters for article pages."""

from django import template

from .. import masking
from ..models import SiteDisclaimer

register = template.Library()


@register.filter
def mask_nickname(value):
    """``{{ article.poster_nickname|mask_nickname }}`` -> ``"16e2****"``."""
    return masking.mask_nickname(value)


@register.filter
def mask_ip(value):
    """``{{ article.poster_ip|mask_ip }}`` -> ``"124.223.189***"``."""
    return masking.mask_ip(value)


@register.simple_tag
def disclaimer(text, nickname):
    """Render a disclaimer ``text`` with the masked ``nickname`` in its placeholder."""
    return SiteDisclaimer.render(text, masking.mask_nickname(nickname))
