"""Template filters for notice-and-action pages and e-mails."""

from django import template

register = template.Library()


@register.filter
def verbose_name_of(obj) -> str:
    """The model's verbose name of ``obj`` (e.g. 删除通知 for a Notice)."""
    return str(obj._meta.verbose_name)
