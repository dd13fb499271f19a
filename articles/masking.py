"""Masking of a poster's nickname and IP address for public display.

The reference page shows ``发布人:16e2****  IP:124.223.189***``: enough to tell posters apart,
not enough to identify one. Templates use these through the ``mask_nickname`` and ``mask_ip``
filters of ``articles_tags``; nothing else should format a poster's identity.
"""

import ipaddress

MASK = "****"
NICKNAME_VISIBLE_CHARS = 4


def mask_nickname(nickname: str | None) -> str:
    """Mask a nickname to its first characters followed by ``****``.

    Up to four characters are kept, but never more than half of the nickname, so a short name
    is not given away whole: ``"16e2f9ab" -> "16e2****"``, ``"张三丰" -> "张****"``,
    ``"李" -> "****"``. Leading/trailing whitespace is ignored.

    Returns:
        The masked nickname, or ``""`` when ``nickname`` is empty or ``None``.
    """
    nickname = (nickname or "").strip()
    if not nickname:
        return ""
    visible = min(NICKNAME_VISIBLE_CHARS, len(nickname) // 2)
    return nickname[:visible] + MASK


def mask_ip(address: str | None) -> str:
    """Mask an IP address for display.

    IPv4 keeps the first three octets and hides the last: ``"124.223.189.5" ->
    "124.223.189***"`` (the reference page's form). IPv6 keeps the first three groups (the
    routing prefix, at most a /48 site) and hides the rest: ``"2001:db8:85a3::1" ->
    "2001:db8:85a3:****"``. An IPv4-mapped IPv6 address is shown as IPv4.

    Returns:
        The masked address; ``""`` when ``address`` is empty or ``None``; ``"***"`` when it
        is not a valid IP address (never the raw value).
    """
    address = (address or "").strip()
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "***"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return ".".join(str(ip).split(".")[:3]) + "***"
    groups = [group.lstrip("0") or "0" for group in ip.exploded.split(":")[:3]]
    return ":".join(groups) + ":" + MASK
