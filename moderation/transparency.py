"""Placeholder: the public transparency page (being written)."""

from django.http import HttpResponse
from django.views.generic import TemplateView


class TransparencyView(TemplateView):
    template_name = "moderation/transparency.html"


def transparency_data(request, fmt):
    return HttpResponse(status=404)


def notices_export(request):
    return HttpResponse(status=404)
