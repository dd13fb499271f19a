"""Project-wide middleware."""

from django.utils.cache import patch_cache_control


def revalidate_by_default(get_response):
    """Mark every dynamic response that sets no caching policy of its own ``Cache-Control:
    no-cache`` (RFC 9111 §5.2.2.4): a browser or proxy may keep it but must ask again before
    reusing it, so a taken-down article's page, or a list that showed it, is never served
    from a cache, and neither is a 451 page after a restoration (451 is cacheable by
    default, RFC 7725 §3). Static files (whitenoise, earlier in the chain) keep their own
    long-lived headers."""

    def middleware(request):
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        return response

    return middleware
