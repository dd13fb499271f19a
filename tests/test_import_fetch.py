"""Fetching pages and images by URL for the importer, and downloading images into a gallery.

Everything is served by a real HTTP server on 127.0.0.1 (the ``http_server`` fixture), with
answers a real site gives: redirects and loops, error statuses, PDFs, huge and slow answers,
gzip, images good and bad. Nothing reaches the internet.
"""

import gzip
import socket
import sys
import time

import pytest
from django.utils import translation
from PIL import Image

from articles.importing import ArticleImportError, fetch
from articles.importing.addresses import is_link_local_address
from articles.importing.fetch import (
    MAX_PAGE_BYTES,
    MAX_REDIRECTS,
    fetch_image,
    fetch_page,
    is_public_address,
)
from articles.importing.images import import_images
from articles.models import ArticleImage
from tests.factories import ArticleFactory, image_file, jpeg_bytes_with_gps, png_declaring

PAGE = "<!DOCTYPE html><html><head><title>标题</title></head><body><p>正文。</p></body></html>"


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English (the zh-hans catalogue translates them)."""
    with translation.override("en"):
        yield


def png_bytes(size=(40, 30)):
    return image_file(size=size).read()


# --- Pages ----------------------------------------------------------------------------------


def test_a_page_is_fetched_with_its_type_and_charset_and_a_browser_user_agent(http_server):
    http_server.add("/news/1.html", PAGE.encode("gb18030"), content_type="text/html; charset=GBK")

    page = fetch_page(http_server.url("/news/1.html"))

    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.charset == "gbk"
    assert page.data == PAGE.encode("gb18030")
    assert page.url == page.final_url == http_server.url("/news/1.html")
    (_, headers), *_ = http_server.requests
    assert headers["User-Agent"].startswith("Mozilla/5.0")


def test_a_non_ascii_address_is_sent_percent_encoded(http_server):
    http_server.add("/%E6%96%B0%E9%97%BB.html", PAGE)

    page = fetch_page(http_server.url("/新闻.html"))

    assert page.data == PAGE.encode()


def test_redirects_are_followed_to_the_final_address(http_server):
    http_server.add("/final.html", PAGE)
    http_server.redirect("/old", "/middle", status=301)
    http_server.redirect("/middle", http_server.url("/final.html"), status=307)

    page = fetch_page(http_server.url("/old"))

    assert page.url == http_server.url("/old")
    assert page.final_url == http_server.url("/final.html")
    assert page.data == PAGE.encode()


def test_a_redirect_loop_and_too_many_redirects_are_errors(http_server):
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    for hop in range(MAX_REDIRECTS + 1):
        http_server.redirect(f"/chain/{hop}", f"/chain/{hop + 1}")
    http_server.add(f"/chain/{MAX_REDIRECTS + 1}", PAGE)

    with pytest.raises(ArticleImportError, match="redirects in a loop"):
        fetch_page(http_server.url("/a"))
    with pytest.raises(
        ArticleImportError, match=f"Too many redirects \\(more than {MAX_REDIRECTS}"
    ):
        fetch_page(http_server.url("/chain/0"))
    assert http_server.requested(f"/chain/{MAX_REDIRECTS}") == 1
    assert http_server.requested(f"/chain/{MAX_REDIRECTS + 1}") == 0


def test_every_redirect_is_checked_again(http_server):
    http_server.redirect("/to-file", "file:///etc/passwd")

    with pytest.raises(ArticleImportError, match=r"redirected from .*Only http and https"):
        fetch_page(http_server.url("/to-file"))


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server")])
def test_an_error_status_is_named(http_server, status, reason):
    http_server.add("/page", "<h1>error</h1>", status=status)

    with pytest.raises(ArticleImportError, match=f"(?i)the server answered {status} \\({reason}"):
        fetch_page(http_server.url("/page"))


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/zip"])
def test_a_page_that_is_not_html_or_text_is_refused(http_server, content_type):
    http_server.add("/file", b"%PDF-1.7 ...", content_type=content_type)

    with pytest.raises(ArticleImportError, match=f"not a web page.*{content_type}"):
        fetch_page(http_server.url("/file"))


def test_plain_text_is_accepted_as_a_page(http_server):
    http_server.add("/page.txt", "标题\n正文。", content_type="text/plain; charset=utf-8")

    assert fetch_page(http_server.url("/page.txt")).content_type == "text/plain"


@pytest.mark.parametrize("declared", [False, True], ids=["streamed", "content-length"])
def test_an_oversize_page_is_cut_off_at_the_limit(http_server, declared):
    total = 20 * MAX_PAGE_BYTES
    http_server.stream("/huge", total=total, length=declared)

    started = time.monotonic()
    with pytest.raises(ArticleImportError, match=r"larger than 5\.0\sMB"):
        fetch_page(http_server.url("/huge"))

    assert time.monotonic() - started < 2
    assert http_server.done["/huge"].wait(5)
    # The client stopped reading: the server could write only the limit and what the
    # kernel's socket buffers hold, not the 100 MB it offered.
    assert http_server.sent["/huge"] < total / 3


def test_a_compressed_page_is_decoded_within_the_limit(http_server):
    http_server.add("/page", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    http_server.add(
        "/bomb",
        gzip.compress(b" " * (MAX_PAGE_BYTES + 1)),  # 5 kB that unpack to more than 5 MB
        headers={"Content-Encoding": "gzip"},
    )

    assert fetch_page(http_server.url("/page")).data == PAGE.encode()
    with pytest.raises(ArticleImportError, match="larger than"):
        fetch_page(http_server.url("/bomb"))


def test_a_server_that_drips_bytes_times_out_at_the_deadline(http_server, settings):
    settings.IMPORT_FETCH_TIMEOUT = 0.5
    http_server.drip("/slow", interval=0.05)  # every read gets a byte: only a total deadline

    started = time.monotonic()
    with pytest.raises(ArticleImportError, match=r"within 0\.5 seconds"):
        fetch_page(http_server.url("/slow"))

    assert 0.4 < time.monotonic() - started < 1.5


def test_a_refused_connection_is_named(http_server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(ArticleImportError, match="refused the connection"):
        fetch_page(f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/article.html",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
        "127.0.0.1/page.html",
        "not an address",
    ],
)
def test_only_http_and_https_addresses_are_fetched(http_server, url):
    with pytest.raises(ArticleImportError, match="Only http and https"):
        fetch_page(url)
    assert http_server.requests == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://editor:secret@127.0.0.1:{port}/", "user name or password"),
        ("http://127.0.0.1:99999/", "not a web address"),
        ("http://[::1/", "not a web address"),
        ("http://bad\nheader/", "not a web address"),
        ("https:///path-only", "no valid host"),
    ],
)
def test_malformed_addresses_are_refused(http_server, url, message):
    port = http_server.url().split(":")[2].rstrip("/")
    with pytest.raises(ArticleImportError, match=message):
        fetch_page(url.format(port=port))
    assert http_server.requests == []


# --- Internal addresses (SSRF) --------------------------------------------------------------


def test_internal_addresses_are_refused_unless_allowed(http_server, settings):
    http_server.add("/admin", "<h1>internal</h1>")
    settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(ArticleImportError, match=r"internal address \(127\.0\.0\.1\)"):
        fetch_page(http_server.url("/admin"))
    assert http_server.requests == []  # refused before connecting

    settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    assert fetch_page(http_server.url("/admin")).status == 200


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "127.1.2.3",
        "[::1]",
        "10.0.0.8",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 (Linux connects it to the local host)
        "[::ffff:127.0.0.1]",
        "[fd00::1]",
        "[fe80::1]",
        "224.0.0.1",
        "240.0.0.1",
    ],
)
def test_every_kind_of_internal_address_is_refused(settings, host):
    settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(ArticleImportError, match="internal address"):
        fetch_page(f"http://{host}:9/")


def test_public_addresses_are_public():
    assert is_public_address("93.184.215.14")
    assert is_public_address("2606:4700::6810:84e5")
    assert not is_public_address("::ffff:10.0.0.1")


@pytest.mark.parametrize(
    "address",
    [
        "fec0::1",  # site-local, deprecated (RFC 3879) but routed inside some networks
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::c0a8:101",  # NAT64 of 192.168.1.1
    ],
)
def test_site_local_and_addresses_wrapping_internal_ones_are_not_public(address):
    assert not is_public_address(address)


def test_addresses_wrapping_public_ones_stay_public():
    assert is_public_address("2002:808:808::1")  # 6to4 of 8.8.8.8


def test_link_local_addresses_are_told_also_when_wrapped():
    for address in ["169.254.169.254", "fe80::1", "fe80::1%eth0", "::ffff:169.254.0.1",
                    "2002:a9fe:a9fe::", "64:ff9b::a9fe:a9fe"]:  # fmt: skip
        assert is_link_local_address(address), address
    for address in ["10.0.0.1", "127.0.0.1", "fd00::1", "93.184.215.14"]:
        assert not is_link_local_address(address), address


_guard = {"on": False, "connects": []}


def _no_traffic_beyond_loopback(event, args):
    """Audit hook: while the guard is on, record every socket connection and refuse (before
    any packet is sent) one to an address other than 127.0.0.1."""
    if event == "socket.connect" and _guard["on"]:
        address = args[1]
        _guard["connects"].append(address)
        if not (isinstance(address, tuple) and address[0] == "127.0.0.1"):
            raise ConnectionAbortedError(f"test guard: no connection to {address}")


@pytest.fixture
def connections():
    """The addresses sockets connect to during the test; a connection to anything but
    127.0.0.1 is refused by an audit hook (PEP 578) before it is made."""
    if not _guard.get("installed"):
        sys.addaudithook(_no_traffic_beyond_loopback)
        _guard["installed"] = True
    _guard["connects"] = []
    _guard["on"] = True
    yield _guard["connects"]
    _guard["on"] = False


def test_link_local_addresses_are_refused_even_when_private_ones_are_allowed(
    http_server, settings, connections
):
    assert settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES  # intranet sources are allowed
    http_server.redirect("/latest", "http://169.254.169.254/latest/meta-data/")

    with pytest.raises(ArticleImportError, match=r"link-local address \(169\.254\.169\.254\)"):
        fetch_page(http_server.url("/latest"))
    # The local server was asked; the metadata address was refused before any connection.
    assert [address[0] for address in connections] == ["127.0.0.1"]

    for url in ["http://[fe80::1]/", "http://[::ffff:169.254.169.254]/"]:
        with pytest.raises(ArticleImportError, match="link-local address"):
            fetch_image(url)
    assert len(connections) == 1


# --- Images ---------------------------------------------------------------------------------


def test_an_image_is_fetched_with_the_referer(http_server):
    http_server.add("/img/a.png", png_bytes(), content_type="image/png")

    image = fetch_image(http_server.url("/img/a.png"), referer="https://court.example/1.html")

    assert image.content_type == "image/png"
    assert image.data == png_bytes()
    (_, headers), *_ = http_server.requests
    assert headers["Referer"] == "https://court.example/1.html"


def test_an_answer_that_says_it_is_no_image_is_refused(http_server):
    http_server.add("/img/page", PAGE)

    with pytest.raises(ArticleImportError, match=r"not an image.*text/html"):
        fetch_image(http_server.url("/img/page"))


@pytest.mark.django_db
def test_images_go_to_the_gallery_and_bad_ones_are_reported(http_server):
    http_server.add("/img/good.png", png_bytes(), content_type="image/png")
    http_server.add("/img/photo.jpg", jpeg_bytes_with_gps(), content_type="image/jpeg")
    # Two bombs: more pixels than renditions.MAX_PIXELS, and than Pillow ever decodes.
    http_server.add("/img/bomb.png", png_declaring(8_000, 8_000), content_type="image/png")
    http_server.add("/img/huge.png", png_declaring(60_000, 60_000), content_type="image/png")
    http_server.add("/img/fake.png", "<html>not an image</html>", content_type="image/png")
    article = ArticleFactory()
    names = ["good.png", "bomb.png", "photo.jpg", "huge.png", "fake.png", "missing.png"]
    urls = [http_server.url(f"/img/{name}") for name in names]

    report = import_images(article, urls, referer=http_server.url("/news/1.html"))

    assert [image.pk for image in report.saved] == list(article.images.values_list("pk", flat=True))
    assert [(image.position, image.width, image.height) for image in article.images.all()] == [
        (0, 40, 30),
        (1, 320, 240),
    ]
    reasons = dict(report.failed)
    assert list(reasons) == urls[1:2] + urls[3:]
    assert "too many pixels (64000000; at most 40000000)" in reasons[urls[1]]
    assert "decompression bomb" in reasons[urls[3]]
    assert "cannot be read" in reasons[urls[4]]
    assert "answered 404" in reasons[urls[5]]


@pytest.mark.django_db
def test_a_downloaded_photo_is_published_without_its_gps_position(http_server):
    http_server.add("/img/photo.jpg", jpeg_bytes_with_gps(), content_type="image/jpeg")

    (image,) = import_images(ArticleFactory(), [http_server.url("/img/photo.jpg")]).saved

    with Image.open(image.image.path) as original:
        assert 0x8825 in original.getexif()  # the private original is as received
    with Image.open(image.rendition.path) as rendition:
        assert 0x8825 not in rendition.getexif()
        assert not rendition.getexif()


@pytest.mark.django_db
def test_a_repeated_image_is_downloaded_once_and_positions_follow_the_gallery(http_server):
    http_server.add("/img/a.png", png_bytes(), content_type="image/png")
    http_server.add("/img/b.png", png_bytes((20, 20)), content_type="image/png")
    article = ArticleFactory()
    ArticleImage.objects.create(article=article, image=image_file(), position=4)
    a, b = http_server.url("/img/a.png"), http_server.url("/img/b.png")

    report = import_images(article, [a, b, a])

    assert [image.position for image in report.saved] == [5, 6]
    assert report.failed == []
    assert http_server.requested("/img/a.png") == 1


@pytest.mark.django_db
def test_images_beyond_the_limits_are_reported_and_skipped(http_server, monkeypatch):
    from articles.importing import images

    monkeypatch.setattr(images, "MAX_IMAGES_PER_ARTICLE", 2)
    monkeypatch.setattr(fetch, "MAX_IMAGE_BYTES", 1000)
    http_server.add("/img/small.png", png_bytes(), content_type="image/png")
    http_server.add("/img/large.png", png_bytes((400, 400)) + b"\0" * 2000,
                    content_type="image/png")  # fmt: skip
    urls = [http_server.url(path) for path in ["/img/small.png", "/img/large.png", "/img/3.png"]]

    report = import_images(ArticleFactory(), urls)

    assert len(report.saved) == 1
    assert report.failed == [
        (urls[2], "more than 2 images; skipped"),
        (urls[1], "The answer is larger than 1000\xa0bytes."),
    ]
    assert http_server.requested("/img/3.png") == 0


@pytest.mark.django_db
def test_images_stop_when_the_time_budget_is_spent(http_server):
    http_server.add("/img/quick.png", png_bytes(), content_type="image/png")
    http_server.drip("/img/slow.png", content_type="image/png")
    http_server.add("/img/later.png", png_bytes(), content_type="image/png")
    urls = [http_server.url(path) for path in ["/img/quick.png", "/img/slow.png", "/img/later.png"]]

    started = time.monotonic()
    report = import_images(ArticleFactory(), urls, budget=0.4)

    # The slow image's own deadline was what was left of the budget, not the 5 s timeout.
    assert time.monotonic() - started < 1.5
    assert len(report.saved) == 1
    (slow, reason), (later, skipped) = report.failed
    assert slow == urls[1] and "did not answer completely within 0." in reason
    assert (later, skipped) == (urls[2], "time budget spent; skipped")
    assert http_server.requested("/img/later.png") == 0
    assert report.summary(5).startswith("1 image was added to its gallery. 2 images were not")


def test_an_image_report_names_a_few_failures_and_counts_the_rest():
    from articles.importing.images import ImageReport

    failed = [(f"http://img.example/{number}.png", "404") for number in range(500)]
    summary = ImageReport(failed=failed).summary(5)
    assert summary.startswith("500 images were not imported: http://img.example/0.png (404); ")
    assert summary.count("http://") == 5
    assert summary.endswith("… and 495 more.")
    assert ImageReport().summary(5) == ""
