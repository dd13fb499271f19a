"""``manage.py import_article`` with URLs, folders, several sources and ``--dry-run``.

Pages are served by a real HTTP server on 127.0.0.1 (the ``http_server`` fixture); files are
real files in a temporary folder. The single-file behaviour is tested in test_import.py.
"""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from articles.models import Article, ArticleImage
from tests.factories import image_file, jpeg_bytes_with_gps, png_declaring

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TEXT_PAGE = FIXTURES / "court-forum.txt"
HTML_PAGE = FIXTURES / "court-forum.html"
TEXT_TITLE = "院长视点 | 守好诉源治理“第一道关口” 让矛盾纠纷化解在家门口"
PARAGRAPH = "清河县人民法院召开年中工作推进会,总结上半年审判执行工作,部署下半年重点任务。" * 3


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def article_page(title, images=()):
    """A news page without a canonical address, with ``images`` in its body."""
    figures = "".join(f'<p><img src="{src}" alt="配图"></p>' for src in images)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
        <meta property="og:title" content="{title}">
        <meta property="article:published_time" content="2024-07-01T09:30:00+08:00">
        </head><body><nav><a href="/">首页</a> <a href="/news/">新闻</a></nav>
        <article><h1>{title}</h1><p>{PARAGRAPH}</p>{figures}
        <p>会议要求,全院干警要坚定信心、真抓实干。</p></article></body></html>"""


def run(*args, stderr=None):
    """Run the command; return its standard output (and fill ``stderr`` when given)."""
    out = io.StringIO()
    call_command("import_article", *map(str, args), stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


# --- URLs -----------------------------------------------------------------------------------


def test_a_url_is_imported_with_its_final_address_as_source_url(http_server):
    http_server.add("/news/1.html", article_page("清河法院召开年中工作推进会"))
    http_server.redirect("/go/1", "/news/1.html")

    output = run(http_server.url("/go/1"))

    article = Article.objects.get()
    assert article.title == "清河法院召开年中工作推进会"
    assert article.source_url == http_server.url("/news/1.html")
    assert article.status == Article.Status.DRAFT
    assert "Imported article" in output

    assert "Already imported" in run(http_server.url("/news/1.html"))
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "answer", "message"),
    [
        ("/gone.html", {"status": 404}, r"/gone\.html: The server answered 404"),
        ("/broken.html", {"status": 500}, "answered 500"),
        ("/report.pdf", {"content_type": "application/pdf"}, "not a web page.*application/pdf"),
    ],
)
def test_a_url_that_fails_is_a_command_error(http_server, path, answer, message):
    http_server.add(path, b"%PDF-1.4", **answer)

    with pytest.raises(CommandError, match=message):
        run(http_server.url(path))
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a.html", "file:///etc/passwd", "javascript:x"])
def test_other_schemes_are_refused(url):
    with pytest.raises(CommandError, match="Only http and https"):
        run(url)


def test_internal_addresses_are_refused_by_default(http_server, settings):
    http_server.add("/news/1.html", article_page("内部页面"))
    settings.IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(CommandError, match="internal address"):
        run(http_server.url("/news/1.html"))
    assert http_server.requests == []


def test_the_images_of_a_fetched_page_go_to_the_gallery_and_failures_are_warnings(http_server):
    images = {
        "/img/a.png": (image_file().read(), "image/png"),
        "/img/photo.jpg": (jpeg_bytes_with_gps(), "image/jpeg"),
        "/img/bomb.png": (png_declaring(8_000, 8_000), "image/png"),
        "/img/fake.png": (b"<html>no image</html>", "image/png"),
    }
    for path, (data, content_type) in images.items():
        http_server.add(path, data, content_type=content_type)
    sources = ["../img/a.png", http_server.url("/img/photo.jpg"), "/img/bomb.png",
               "../img/fake.png", "/img/missing.png", "/img/a.png"]  # fmt: skip
    http_server.add("/news/1.html", article_page("带图片的文章", sources))
    errors = io.StringIO()

    output = run(http_server.url("/news/1.html"), stderr=errors)

    article = Article.objects.get()
    assert [image.width for image in article.images.all()] == [64, 320]
    assert "Gallery: 2 images downloaded." in output
    warnings = errors.getvalue()
    for path in ["/img/bomb.png", "/img/fake.png", "/img/missing.png"]:
        assert f"Image {http_server.url(path)}: " in warnings
    assert "answered 404" in warnings
    assert http_server.requested("/img/a.png") == 1


def test_no_images_and_dry_run_download_no_image(http_server):
    http_server.add("/img/a.png", image_file().read(), content_type="image/png")
    http_server.add("/news/1.html", article_page("带图片的文章", [http_server.url("/img/a.png")]))

    run(http_server.url("/news/1.html"), "--dry-run")
    assert not Article.objects.exists()
    run(http_server.url("/news/1.html"), "--no-images")

    assert Article.objects.count() == 1
    assert not ArticleImage.objects.exists()
    assert http_server.requested("/img/a.png") == 0


# --- Dry run --------------------------------------------------------------------------------


def test_dry_run_prints_the_recognised_fields_and_saves_nothing():
    output = run(TEXT_PAGE, "--dry-run")

    assert f"title: {TEXT_TITLE}\n" in output
    assert "byline: 江南省清河县人民法院院长 林远舟\n" in output
    assert "original_published_at: 2024-07-15T09:30+08:00\n" in output
    assert "source_name: 法治周刊\n" in output
    assert "source_url: (none)\n" in output
    assert "body_html" not in output and "<p>" not in output
    body = output.split("body (first 5 of ", 1)[1].splitlines()[1:]
    assert len(body) == 5
    assert body[0].startswith("    诉源治理是推进基层社会治理现代化的重要抓手。")
    assert not Article.objects.exists()


def test_dry_run_of_a_url_shows_the_address_as_source_url(http_server):
    http_server.add("/news/2.html", article_page("清河法院召开年中工作推进会"))

    output = run(http_server.url("/news/2.html"), "--dry-run")

    assert f"source_url: {http_server.url('/news/2.html')}\n" in output
    assert "title: 清河法院召开年中工作推进会\n" in output
    assert not Article.objects.exists()


# --- Batches --------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    """Saved pages: the fixture as text and as HTML (the same article), another article,
    an empty file, a file that is no page and a sub-folder (neither is read)."""
    folder = tmp_path / "saved"
    (folder / "court-forum_files").mkdir(parents=True)
    shutil.copy(TEXT_PAGE, folder / "a-court-forum.txt")
    shutil.copy(HTML_PAGE, folder / "b-court-forum.HTML")
    other = (
        TEXT_PAGE.read_text(encoding="utf-8")
        .replace(TEXT_TITLE, "另一篇文章的标题")
        .replace("连续三年下降", "连续四年下降")
    )
    (folder / "c-other.txt").write_text(other, encoding="utf-8")
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "notes.md").write_text("不是文章")
    shutil.copy(TEXT_PAGE, folder / "court-forum_files" / "frame.htm")
    return folder


def test_a_folder_imports_its_pages_reports_the_bad_one_and_exits_1(folder):
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 of 4 sources failed") as failure:
        run(folder, stderr=errors)

    assert failure.value.returncode == 1  # manage.py's exit status (see test_import.py)
    err = errors.getvalue()
    assert f"{folder / 'b-empty.txt'}: is empty." in err
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(
        [TEXT_TITLE, "另一篇文章的标题"]
    )


def test_a_folder_batch_prints_each_result_and_a_summary_line(folder):
    output = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_article", str(folder), stdout=output, stderr=io.StringIO())

    lines = output.getvalue().splitlines()
    assert lines[-1] == "imported 2, duplicates 1, failed 1"
    # In name order: the text first, so the same article as HTML is the duplicate.
    assert any(line.startswith(f"{folder / 'a-court-forum.txt'}: Imported") for line in lines)
    assert any(
        line.startswith(f"{folder / 'b-court-forum.HTML'}: Already imported") for line in lines
    )


def test_a_batch_of_files_and_urls_goes_on_after_a_failure(http_server):
    http_server.add("/news/1.html", article_page("清河法院召开年中工作推进会"))
    errors = io.StringIO()

    with pytest.raises(CommandError, match="1 of 3 sources failed"):
        run(http_server.url("/nowhere.html"), TEXT_PAGE, http_server.url("/news/1.html"),
            stderr=errors)  # fmt: skip

    assert Article.objects.count() == 2
    assert f"{http_server.url('/nowhere.html')}: The server answered 404" in errors.getvalue()
    assert "%|" not in errors.getvalue()  # no progress bar without a terminal


def test_a_batch_that_succeeds_exits_normally_with_a_summary(tmp_path):
    other = (
        TEXT_PAGE.read_text(encoding="utf-8")
        .replace(TEXT_TITLE, "另一篇文章的标题")
        .replace("连续三年下降", "连续四年下降")
    )
    (tmp_path / "other.txt").write_text(other, encoding="utf-8")

    output = run(TEXT_PAGE, tmp_path / "other.txt", TEXT_PAGE)

    assert output.splitlines()[-1] == "imported 2, duplicates 1, failed 0"


def test_a_batch_dry_run_saves_nothing_and_counts_what_it_checked(folder):
    output = io.StringIO()
    with pytest.raises(CommandError, match="1 of 4 sources failed"):
        call_command("import_article", str(folder), "--dry-run", stdout=output,
                     stderr=io.StringIO())  # fmt: skip

    assert output.getvalue().splitlines()[-1] == "checked 3, failed 1 (nothing saved)"
    assert output.getvalue().count("== ") == 3
    assert not Article.objects.exists()


def test_a_progress_bar_is_shown_on_a_terminal_only(tmp_path):
    terminal = Terminal()
    run(TEXT_PAGE, HTML_PAGE, stderr=terminal)

    assert "2/2" in terminal.getvalue()


def test_dry_run_says_when_the_page_is_already_imported():
    run(TEXT_PAGE)
    article = Article.objects.get()

    output = run(TEXT_PAGE, "--dry-run")

    assert f"(already imported as article {article.pk}:" in output


def test_the_images_of_a_saved_file_are_reported_not_lost_silently():
    errors = io.StringIO()

    run(HTML_PAGE, stderr=errors)

    assert "3 images of the page were not downloaded" in errors.getvalue()
    assert not Article.objects.get().images.exists()


# --- Odd sources ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["", "   "])
def test_an_empty_source_is_an_error_not_the_current_folder(tmp_path, monkeypatch, source):
    shutil.copy(TEXT_PAGE, tmp_path / "page.txt")
    monkeypatch.chdir(tmp_path)  # a folder with a page, which "" must not import

    with pytest.raises(CommandError, match="An empty source"):
        run(source)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 sources failed"):
        run(source, "page.txt", stderr=errors)
    assert "An empty source" in errors.getvalue()
    assert Article.objects.count() == 1  # page.txt, named on its own


def test_an_address_with_surrounding_spaces_is_an_address(http_server):
    http_server.add("/news/1.html", article_page("清河法院召开年中工作推进会"))

    output = run(f"  {http_server.url('/news/1.html')}\t")

    assert "Imported article" in output
    assert Article.objects.get().source_url == http_server.url("/news/1.html")
