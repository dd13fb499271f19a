"""Which IP addresses the importer may connect to (:mod:`articles.importing.fetch` asks).

OWASP's SSRF prevention cheat sheet: an editor must not be able to make the server fetch
internal services. An IPv6 address can carry an IPv4 one that a gateway on the way reaches
(6to4, Teredo, NAT64, IPv4-mapped); such an address is judged by what it wraps as well.
"""

import ipaddress

#: IPv6 prefix of NAT64 (RFC 6052 §2.1): its last 32 bits are an IPv4 address.
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


def _ip(address: str):
    return ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)


def embedded_addresses(address: str) -> list:
    """``address`` as an ``ipaddress`` object followed by the IPv4 addresses an IPv6 one
    carries and that a gateway would reach: IPv4-mapped (``::ffff:a.b.c.d``), 6to4
    (``2002::/16``, RFC 3056), Teredo (``2001::/32``, RFC 4380: server and client) and NAT64
    (``64:ff9b::/96``, RFC 6052)."""
    ip = _ip(address)
    found = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.append(ip.sixtofour)
        if ip.teredo is not None:
            found.extend(ip.teredo)
        if ip in NAT64_PREFIX:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public_address(address: str) -> bool:
    """Whether the IP ``address`` is a public unicast one: not loopback, private, shared,
    link-local, site-local (``fec0::/10``, deprecated by RFC 3879 but still routed inside
    some networks), multicast, unspecified or reserved, and not an IPv6 address wrapping an
    IPv4 one that is any of these (see :func:`embedded_addresses`; an IPv4-mapped address is
    judged as its IPv4 address).

    Raises:
        ValueError: ``address`` is not an IP address.
    """
    ip, *wrapped = embedded_addresses(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    return all(
        one.is_global and not (one.is_multicast or one.is_reserved or one.is_unspecified)
        for one in (ip, *wrapped)
    )


def is_link_local_address(address: str) -> bool:
    """Whether ``address`` is link-local (``169.254.0.0/16``, where cloud metadata services
    answer, or ``fe80::/10``), also when an IPv6 address wraps such an IPv4 one.

    Raises:
        ValueError: ``address`` is not an IP address.
    """
    return any(one.is_link_local for one in embedded_addresses(address))
