"""Middleware of the moderation app."""

from .services import request_site


def remember_site_address(get_response):
    """Keep the address the site was reached at (scheme and host of the request) for the
    e-mails a request sends, when ``settings.SITE_URL`` (``NEWSROOM_SITE_URL``) is not set (see
    :func:`moderation.services.site_url`)."""

    def middleware(request):
        token = request_site.set(request.build_absolute_uri("/"))
        try:
            return get_response(request)
        finally:
            request_site.reset(token)

    return middleware
