"""The client address of a request, as recorded for a poster (``Article.poster_ip``)."""

import ipaddress

from django.conf import settings


def _networks(entries):
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _parse(address):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that sent ``request``.

    By default this is ``REMOTE_ADDR``, the peer Django sees; ``X-Forwarded-For`` is ignored
    because any client can send it. When ``settings.TRUSTED_PROXIES`` (addresses or CIDR
    networks, from ``DJANGO_TRUSTED_PROXIES``) contains the peer, the header is walked from
    the right, skipping trusted proxies, and the first untrusted address is the client
    (the convention of RFC 7239 §5.2 applied to X-Forwarded-For).

    Returns:
        The address as a string (``"124.223.189.5"``, ``"2001:db8::1"``), or ``None`` when
        no valid address is known.
    """
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    trusted = _networks(getattr(settings, "TRUSTED_PROXIES", []))
    if peer is None or not any(peer in network for network in trusted):
        return str(peer) if peer else None
    hops = [_parse(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    candidate = peer
    for hop in reversed(hops):
        if hop is None:
            break
        candidate = hop
        if not any(hop in network for network in trusted):
            break
    return str(candidate)
