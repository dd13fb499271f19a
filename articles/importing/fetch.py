"""Fetching a page or an image for the importer over HTTP(S), within fixed limits.

An editor gives the address of an article (``manage.py import_article URL``, the admin's
import page); the server fetches it and then the images of its body. Every rule is a
constant or a setting here, and every failure is an :class:`ArticleImportError` whose
message says what went wrong, for the editor:

* only ``http`` and ``https`` addresses, without a user name or password;
* one deadline for the whole fetch (``settings.IMPORT_FETCH_TIMEOUT`` seconds: connecting,
  every redirect and reading together, not per socket operation, so a server that drips a
  byte a second cannot hold the import longer); only the DNS look-up is outside it;
* at most :data:`MAX_PAGE_BYTES` / :data:`MAX_IMAGE_BYTES`, counted while reading: a bigger
  answer is cut off at the limit, never read whole (also after gzip/deflate decoding);
* at most :data:`MAX_REDIRECTS` redirects, each new address checked like the first;
* no loopback, private, link-local, site-local, multicast or reserved address, nor an IPv6
  address wrapping one (6to4, Teredo, NAT64; OWASP SSRF prevention: an editor must not make
  the server fetch internal services), unless
  ``settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES``; link-local addresses (the cloud metadata
  service) are refused even then. The connection goes to the address that was checked, not
  to whatever the name resolves to a moment later (DNS rebinding);
* error statuses, non-HTML pages, refused connections, unknown hosts and time-outs are
  named as such ("the server answered 404 (Not Found)").

Built on the standard library's :mod:`http.client` rather than httpx or ``urlopen``:
neither offers a deadline for a whole request or a way to connect to a vetted address
without reaching into its internals, and both are one overridden ``connect()`` here
(requests go direct: proxy variables are not used, so the address check means something).
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .addresses import is_link_local_address, is_public_address
from .fields import ArticleImportError
from .reading import MAX_FILE_BYTES

#: Schemes the importer fetches; ``file:``, ``ftp:``, ``javascript:`` and others are refused.
ALLOWED_SCHEMES = frozenset({"http", "https"})
#: Largest page accepted (bytes): the same limit as a saved file.
MAX_PAGE_BYTES = MAX_FILE_BYTES
#: Largest image accepted (bytes); its pixels are limited by ``renditions.MAX_PIXELS``.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Redirects followed before giving up.
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Media types accepted as an article page (``""``: the server did not say).
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", ""})
#: Media types accepted as an image besides ``image/*`` (the content is decoded later).
GENERIC_IMAGE_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", ""})
#: Sent as a browser's: some court sites answer scripts with an error page.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.5"
#: Bytes asked of the socket per read.
CHUNK_BYTES = 64 * 1024
# Characters of a request target that are sent as they are; anything else (CJK, spaces) is
# percent-encoded, as a browser does.
_SAFE_IN_TARGET = "/%:@!$&'()*+,;=-._~?"


@dataclass(frozen=True)
class FetchedPage:
    """A page as the server sent it.

    ``url`` is the address asked for, ``final_url`` the one answered after redirects (the
    base for the page's relative links). ``content_type`` is the media type alone, lower
    case (``"text/html"``, ``""`` when the server gave none); ``charset`` the one the
    ``Content-Type`` header declares, lower case, or ``""``. ``data`` is the body, decoded
    from gzip/deflate when it was sent compressed, at most :data:`MAX_PAGE_BYTES`.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    data: bytes


@dataclass(frozen=True)
class FetchedImage:
    """An image as the server sent it: the address asked for, the media type the server
    declared (lower case, may be ``""``; not trusted: the pipeline decodes the content) and
    at most :data:`MAX_IMAGE_BYTES` of data."""

    url: str
    content_type: str
    data: bytes


def fetch_page(url: str, *, timeout: float | None = None) -> FetchedPage:
    """Fetch the article page at ``url`` (``http``/``https``).

    Args:
        url: the address; surrounding whitespace is ignored, non-ASCII is percent-encoded.
        timeout: seconds for the whole fetch; default ``settings.IMPORT_FETCH_TIMEOUT``.

    Raises:
        ArticleImportError: the address is not an allowed ``http(s)`` one, its host is
            internal or unknown, the connection is refused or fails, the deadline passes,
            there are too many redirects, the server answers an error status, the page is
            not HTML or text (PDF, an image...) or larger than :data:`MAX_PAGE_BYTES`.
    """
    answer = _fetch(
        url, timeout=timeout, accept=PAGE_ACCEPT, limit=MAX_PAGE_BYTES, check=_check_page_type
    )
    return FetchedPage(
        url=answer.url,
        final_url=answer.final_url,
        status=answer.status,
        content_type=answer.content_type,
        charset=answer.charset,
        data=answer.data,
    )


def fetch_image(url: str, *, referer: str = "", timeout: float | None = None) -> FetchedImage:
    """Fetch the image at ``url`` with the same rules as :func:`fetch_page`.

    Args:
        referer: the page the image belongs to, sent as ``Referer`` (some image hosts
            refuse requests without one); ``""`` sends none.
        timeout: seconds for the whole fetch; default ``settings.IMPORT_FETCH_TIMEOUT``.

    Raises:
        ArticleImportError: as :func:`fetch_page`; the server declares a media type that is
            no image (``text/html``...), or it is larger than :data:`MAX_IMAGE_BYTES`. A
            file that only claims to be an image is found out later, when it is decoded.
    """
    answer = _fetch(
        url,
        timeout=timeout,
        accept=IMAGE_ACCEPT,
        limit=MAX_IMAGE_BYTES,
        check=_check_image_type,
        referer=referer,
    )
    return FetchedImage(url=answer.url, content_type=answer.content_type, data=answer.data)


# --- One fetch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    data: bytes


@dataclass(frozen=True)
class Target:
    """An address that passed :func:`check_url`: ``url`` (stripped), ``scheme``, ``host``
    (ASCII, IDNA-encoded, or an IP address without brackets), ``port`` and
    ``request_target`` (path and query, percent-encoded)."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP address, without brackets
    port: int
    request_target: str  # path and query, percent-encoded


def _fetch(url, *, timeout, accept, limit, check, referer="") -> _Answer:
    timeout = settings.IMPORT_FETCH_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Accept-Language": ACCEPT_LANGUAGE,
        "Accept-Encoding": "gzip, deflate",
    }
    if referer:
        headers["Referer"] = referer
    original = url.strip() if isinstance(url, str) else url
    current, seen = original, set()
    for hop in range(MAX_REDIRECTS + 1):
        try:
            target = check_url(current)
            seen.add(target.url)
            answer = _exchange(target, headers, deadline, timeout, limit, check)
        except ArticleImportError as exc:
            if hop == 0:
                raise
            raise ArticleImportError(
                _("%(url)s (redirected from %(original)s): %(error)s")
                % {"url": current, "original": original, "error": exc}
            ) from None
        if isinstance(answer, str):  # a redirect: the next hop is checked like the first
            current = urljoin(target.url, answer)
            if current in seen:
                raise ArticleImportError(
                    _("The server redirects in a loop (back to %(url)s).") % {"url": current}
                )
            continue
        return _Answer(original, target.url, *answer)
    raise ArticleImportError(
        _("Too many redirects (more than %(limit)d).") % {"limit": MAX_REDIRECTS}
    )


def check_url(url: str) -> Target:
    """Check that ``url`` is an absolute ``http(s)`` address the importer may fetch.

    Returns a :class:`Target`. Only the form is checked here (a form can use it before
    fetching); the host's addresses are checked when connecting.

    Raises:
        ArticleImportError: another scheme (``file:``, ``ftp:``, ``javascript:``...), no
            host, a user name or password, a bad port, control characters or a malformed
            address.
    """
    if not isinstance(url, str) or not url.strip():
        raise ArticleImportError(_("No address given."))
    url = url.strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        raise ArticleImportError(_("%(url)r is not a web address.") % {"url": url})
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname or ""
    except ValueError:  # a bad port or bracketed host
        raise ArticleImportError(_("%(url)r is not a web address.") % {"url": url}) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise ArticleImportError(
            _("Only http and https addresses can be fetched, not %(url)r.") % {"url": url}
        )
    if parts.username is not None or parts.password is not None:
        raise ArticleImportError(
            _("Addresses with a user name or password are not fetched (%(host)s).") % {"host": host}
        )
    try:
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        ascii_host = ""
    if not ascii_host:
        raise ArticleImportError(_("%(url)r has no valid host name.") % {"url": url})
    request_target = quote(parts.path or "/", safe=_SAFE_IN_TARGET)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_SAFE_IN_TARGET)
    return Target(
        url=url,
        scheme=scheme,
        host=ascii_host,
        port=port or (443 if scheme == "https" else 80),
        request_target=request_target,
    )


def _exchange(target, headers, deadline, timeout, limit, check):
    """One request and answer: a ``Location`` string for a redirect, else the tuple
    ``(status, content_type, charset, data)``."""
    addresses = _allowed_addresses(target.host, target.port)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTP
    connection = connection_class(target.host, target.port, addresses, deadline)
    watchdog, response = connection.watchdog, None
    try:
        connection.request("GET", target.request_target, headers=headers)
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES:
            location = response.getheader("Location", "").strip()
            if not location:
                raise ArticleImportError(
                    _("The server answered %(status)d without saying where to go.")
                    % {"status": response.status}
                )
            return location
        if not 200 <= response.status < 300:
            raise ArticleImportError(
                _("The server answered %(status)d (%(reason)s).")
                % {"status": response.status, "reason": response.reason}
            )
        content_type = response.headers.get_content_type() if _has_type(response) else ""
        check(content_type)
        data = _read(response, limit)
        if watchdog.expired:  # the shut-down socket looked like the end of the answer
            raise TimeoutError
        charset = (response.headers.get_content_charset() or "") if content_type else ""
        return response.status, content_type, charset, data
    except ArticleImportError:
        raise
    except Exception as exc:
        # Whatever the socket said, a passed deadline is the reason.
        if watchdog.expired or isinstance(exc, TimeoutError):
            raise ArticleImportError(
                _("The server did not answer completely within %(seconds)g seconds.")
                % {"seconds": timeout}
            ) from None
        raise ArticleImportError(_connection_error(target, exc)) from None
    finally:
        watchdog.cancel()
        if response is not None:  # it holds the socket open: the server must see us go
            response.close()
        connection.close()


def _has_type(response) -> bool:
    return bool(response.getheader("Content-Type", "").strip())


def _read(response, limit) -> bytes:
    """The body, at most ``limit`` bytes after decoding, reading no more than that."""
    declared = response.getheader("Content-Length", "")
    too_large = ArticleImportError(
        _("The answer is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
    )
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    encoding = response.getheader("Content-Encoding", "").strip().lower()
    decoder = None
    if encoding in {"gzip", "x-gzip", "deflate"}:
        # 32 + MAX_WBITS: zlib or gzip header, detected (deflate is sent both ways).
        decoder = zlib.decompressobj(32 + zlib.MAX_WBITS)
    elif encoding not in {"", "identity"}:
        raise ArticleImportError(
            _("The server sent the answer in an unsupported encoding (%(encoding)s).")
            % {"encoding": encoding}
        )
    parts, size = [], 0
    while chunk := response.read(CHUNK_BYTES):
        if decoder is not None:
            try:
                chunk = decoder.decompress(chunk, limit + 1 - size)
            except zlib.error:
                message = _("The server sent a corrupt compressed answer.")
                raise ArticleImportError(message) from None
        size += len(chunk)
        if size > limit:  # stop reading: the rest is never downloaded
            raise too_large
        parts.append(chunk)
    return b"".join(parts)


def _check_page_type(content_type):
    if content_type not in PAGE_TYPES:
        raise ArticleImportError(
            _("This is not a web page: the server says it is %(type)s.") % {"type": content_type}
        )


def _check_image_type(content_type):
    if not content_type.startswith("image/") and content_type not in GENERIC_IMAGE_TYPES:
        raise ArticleImportError(
            _("This is not an image: the server says it is %(type)s.") % {"type": content_type}
        )


def _connection_error(target, exc) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return _("The server %(host)s refused the connection.") % {"host": target.host}
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("The certificate of %(host)s is not valid (%(error)s).") % {
            "host": target.host,
            "error": exc.verify_message,
        }
    return _("The connection to %(host)s failed (%(error)s).") % {
        "host": target.host,
        "error": exc.__class__.__name__ + (f": {exc}" if str(exc) else ""),
    }


# --- Addresses and connections --------------------------------------------------------------


def _allowed_addresses(host, port) -> list[str]:
    """The addresses ``host`` resolves to, all checked; connecting uses these only.

    Raises:
        ArticleImportError: the host is unknown, any of its addresses is link-local (always:
            ``IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES`` opens intranet sources, not the cloud
            metadata service at 169.254.169.254), or (unless private addresses are allowed)
            any of its addresses is not public: a name that also points inside is refused.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ArticleImportError(_("The host %(host)s cannot be found.") % {"host": host}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES:
            if is_link_local_address(address):
                raise ArticleImportError(
                    _(
                        "%(host)s is a link-local address (%(address)s); the importer never "
                        "fetches from link-local addresses."
                    )
                    % {"host": host, "address": address}
                )
        elif not is_public_address(address):
            raise ArticleImportError(
                _(
                    "%(host)s is an internal address (%(address)s); the importer only "
                    "fetches from public addresses."
                )
                % {"host": host, "address": address}
            )
    return addresses


class _Watchdog:
    """Shuts the socket of ``connection`` down when ``deadline`` (``time.monotonic()``)
    passes, which ends any read, write or TLS handshake blocked on it; ``expired`` tells
    that this was the cause."""

    def __init__(self, deadline: float, connection):
        self.deadline = deadline
        self.expired = False
        self._connection = connection
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left; raises ``TimeoutError`` when none are."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError
        return remaining

    def _expire(self):
        self.expired = True
        # Not connection.sock: the connection lets go of its socket once the response
        # (which keeps reading from it) has been received.
        sock = self._connection.watched_socket
        if sock is not None:
            # socket.socket's own shutdown, also for an SSLSocket: no TLS close-notify
            # from this thread while another one reads.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self):
        self._timer.cancel()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to one of ``addresses`` (checked beforehand), watched by a
    :class:`_Watchdog` until ``deadline``.

    The host name is still the one the request names (``Host`` header, TLS server name and
    certificate check), but it is not resolved again.
    """

    def __init__(self, host: str, port: int, addresses: list[str], deadline: float):
        super().__init__(host, port)
        self.addresses = addresses
        self.watched_socket = None
        self.watchdog = _Watchdog(deadline, self)

    def connect(self):
        error = None
        for address in self.addresses:
            try:
                # The per-operation timeout only backs up the watchdog.
                self.sock = self.watched_socket = socket.create_connection(
                    (address, self.port), timeout=self.watchdog.remaining()
                )
                return
            except OSError as exc:
                error = exc
        raise error or OSError("no address")


class _PinnedHTTPSConnection(_PinnedHTTP):
    """:class:`_PinnedHTTP` with TLS, verified against the host name (system CAs)."""

    default_port = http.client.HTTPS_PORT

    def connect(self):
        super().connect()
        context = ssl.create_default_context()
        # Handshake after self.sock is the TLS socket, so that the watchdog can end it.
        self.sock = self.watched_socket = context.wrap_socket(
            self.sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.do_handshake()
