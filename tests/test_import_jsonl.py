"""``manage.py import_articles`` / ``export_articles``: bulk migration as JSON Lines.

The round trip exports a small portal (nested categories, tags, every status, a scheduled
article, a taken-down one, subtitles, Chinese text, a table), empties the database, imports
the file and compares every field read from the models; importing again adds nothing. The
other tests feed the importer bad lines, odd encodings and standard input.
"""

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles import services
from articles.importing.jsonl import MAX_CATEGORY_DEPTH, MAX_LINE_BYTES
from articles.models import Article, Category, Tag
from tests.factories import ArticleFactory, CategoryFactory, make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TABLE_BODY = (
    "<p>清河县人民法院召开新闻发布会，通报诉源治理工作情况。</p>"
    "<table><caption>收案数量</caption><thead><tr><th>年份</th><th>件数</th></tr></thead>"
    '<tbody><tr><td>2022</td><td>1,204</td></tr><tr><td colspan="2">合计 2,317</td></tr>'
    "</tbody></table><h2>以多元解纷为抓手</h2><p>把调解阵地前移到村社。</p>"
)
#: Article fields the format carries, read straight from the model.
CARRIED_FIELDS = (
    "title", "subtitle", "lead", "byline", "body", "source_name", "source_issue",
    "source_editor", "source_url", "original_published_at", "status", "published_at", "slug",
    "disclaimer", "view_count", "removed_at", "removal_reason", "removal_notice",
)  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    """Messages in English, so assertions do not depend on the zh-hans catalogue."""
    with translation.override("en"):
        yield


def run_import(*args, stdin=None, **options):
    """Run import_articles; return ``(exit status, stdout, stderr)``."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as exc:
        err.write(str(exc))
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def run_export(*args):
    """Run export_articles; return ``(stdout, stderr)``."""
    out, err = io.StringIO(), io.StringIO()
    call_command("export_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def line(**fields):
    """One line of the format: a minimal valid article overridden by ``fields``."""
    return json.dumps({"title": "测试标题", "body": "<p>正文。</p>", **fields}, ensure_ascii=False)


def write(tmp_path, *lines, name="articles.jsonl"):
    """A file of ``lines`` (str joined with "\\n", or one bytes object as is)."""
    path = tmp_path / name
    if len(lines) == 1 and isinstance(lines[0], bytes):
        path.write_bytes(lines[0])
    else:
        path.write_text("".join(f"{text}\n" for text in lines), encoding="utf-8")
    return path


def snapshot(article):
    """What the format should preserve of ``article``, read from the models."""
    article = Article.objects.get(pk=article.pk)
    fields = {name: getattr(article, name) for name in CARRIED_FIELDS}
    category = article.category
    fields["category"] = [node.name for node in category.ancestors(True)] if category else []
    fields["tags"] = sorted(article.tags.names())
    return fields


def empty_database():
    Article.objects.all().delete()
    while Category.objects.exists():  # PROTECT on parent: leaves first
        Category.objects.filter(children__isnull=True).delete()
    Tag.objects.all().delete()


@pytest.fixture
def portal():
    """A small portal: every status, nested categories, tags, a taken-down article.
    Returns the articles in id order; the last one is taken down."""
    industry = CategoryFactory(name="行业新闻", slug="hangye")
    hot = CategoryFactory(name="热点新闻", slug="redian", parent=industry)
    courts = CategoryFactory(name="法院动态", slug="fayuan")
    now = timezone.now()
    articles = [
        ArticleFactory(
            published=True,
            category=hot,
            title="院长视点 | 守好诉源治理“第一道关口”",
            subtitle="——记清河县人民法院的调解工作",
            lead="诉源治理是推进基层社会治理现代化的重要抓手。\n第二段导读。",
            byline="文 | 江南省清河县人民法院院长 林远舟",
            body=TABLE_BODY,
            source_name="法治周刊",
            source_issue="2024年第7期",
            source_editor="周晓",
            source_url="https://news.example.net/court/2024/0715/88.html",
            original_published_at=datetime(2024, 7, 15, 9, 30, tzinfo=SHANGHAI),
            slug="院长视点-第一道关口",
            disclaimer="本文经授权转载，转载请注明出处。",
            tags=["诉源治理", "Mediation", "调解"],
        ),
        ArticleFactory(scheduled=True, category=courts, tags=["调解"]),
        ArticleFactory(withdrawn=True, category=None, lead="", subtitle="副标题"),
        ArticleFactory(category=hot, title="草稿：尚未发布"),
        ArticleFactory(category=industry, published_at=now + timedelta(days=3)),  # planned
        ArticleFactory(published=True, category=hot, body="", tags=["♥"]),
    ]
    Article.objects.filter(pk=articles[0].pk).update(view_count=1234)
    down = ArticleFactory(published=True, category=courts, title="被删除的文章")
    services.take_down(down, Article.Removal.RIGHTS_NOTICE, public_notice="依权利人通知删除。")
    return [*articles, down]


# --- Round trip ------------------------------------------------------------------------------


def test_round_trip_gives_the_same_articles_and_a_second_run_imports_nothing(portal, tmp_path):
    before = [snapshot(article) for article in portal[:-1]]
    path = tmp_path / "export.jsonl"
    _, err = run_export("--output", path)
    exported = path.read_text(encoding="utf-8")
    assert "exported 6 article(s)" in err
    assert [json.loads(text)["title"] for text in exported.splitlines()] == [
        item["title"] for item in before
    ]  # ordered by id, the taken-down one left out
    assert "院长视点" in exported  # UTF-8, not \u escapes

    empty_database()
    code, out, err = run_import(path)

    assert (code, err) == (0, "")
    assert out.strip() == "imported 6, duplicates 0, failed 0"
    after = [snapshot(article) for article in Article.objects.order_by("pk")]
    for expected, got in zip(before, after, strict=True):
        assert got == expected
    assert run_export()[0] == exported
    assert Category.objects.get(name="热点新闻").parent.name == "行业新闻"
    assert Article.objects.get(title=before[0]["title"]).body.count("<td") == 3

    code, out, _ = run_import(path, verbosity=2)
    assert code == 0
    assert out.splitlines()[-1] == "imported 0, duplicates 6, failed 0"
    assert "line 1: already imported as article" in out
    assert Article.objects.count() == 6


def test_taken_down_articles_travel_only_when_asked_and_arrive_taken_down(portal, tmp_path):
    down = portal[-1]
    before = snapshot(down)
    default, _ = run_export()
    assert down.title not in default

    path = tmp_path / "all.jsonl"
    run_export("--output", path, "--include-taken-down")
    last = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert last["takedown"]["reason"] == "rights_notice"
    empty_database()
    assert run_import(path)[1].strip() == "imported 7, duplicates 0, failed 0"

    imported = Article.objects.get(title=down.title)
    assert snapshot(imported) == before
    assert imported.is_removed and not Article.objects.published().filter(pk=imported.pk)


def test_export_filters_by_status_and_writes_only_complete_files(portal, tmp_path):
    out, _ = run_export("--status", "draft", "--status", "withdrawn")
    statuses = [json.loads(text)["status"] for text in out.splitlines()]
    assert statuses == ["withdrawn", "draft", "draft"]
    path = tmp_path / "drafts.jsonl"
    run_export("-o", path, "--status", "draft")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    assert [item.name for item in tmp_path.iterdir()] == ["drafts.jsonl"]  # no .partial left
    with pytest.raises(CommandError, match="No such file"):
        run_export("-o", tmp_path / "missing" / "x.jsonl")


def test_export_query_count_does_not_grow_with_the_number_of_articles():
    def queries():
        with CaptureQueriesContext(connection) as context:
            out, _ = run_export()
        return len(out.splitlines()), len(context.captured_queries)

    ArticleFactory.create_batch(3, published=True, tags=["甲", "乙"])
    lines, few = queries()
    assert lines == 3
    ArticleFactory.create_batch(27, published=True, tags=["甲", "丙"])
    assert queries() == (30, few)
    assert few <= 3  # categories, articles, their tags


# --- Bad lines -------------------------------------------------------------------------------


def test_bad_lines_are_reported_with_their_number_and_skipped(tmp_path):
    path = write(
        tmp_path,
        line(title="第一篇", category=["新栏目"]),
        '{"title": "坏的 JSON", ',
        json.dumps({"body": "<p>没有标题</p>"}),
        line(title="没有时区", original_published_at="2024-05-07 09:30"),
        line(title="不是时间", published_at="昨天"),
        line(title="状态错误", status="archived"),
        line(title="题" * 256, category=["只为超长标题而建"]),
        "[1, 2]",
        line(title="标签不是列表", tags="甲,乙"),
        "",
        json.dumps({"title": "没有正文"}),
        line(title="年份不可信", original_published_at="0990-01-01T00:00:00+08:00"),
        line(title="副标题是数字", subtitle=3),
        line(title="坏的别名", slug="a b/c"),
        line(title="最后一篇", status="published"),
    )

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip() == "imported 2, duplicates 0, failed 12"
    reported = {int(text.split(":")[0].split()[1]): text for text in err.splitlines()[:-1]}
    assert sorted(reported) == [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    assert "not valid JSON" in reported[2]
    assert "title: required" in reported[3]
    assert "original_published_at" in reported[4] and "no UTC offset" in reported[4]
    assert "published_at" in reported[5] and "not an ISO 8601 time" in reported[5]
    assert "status" in reported[6] and '"archived"' in reported[6]
    assert "title: Ensure this value has at most 255 characters (it has 256)" in reported[7]
    assert "expected a JSON object" in reported[8]
    assert "tags: expected a list" in reported[9]
    assert "body: required" in reported[11]
    assert "original_published_at" in reported[12]
    assert "subtitle: expected a string, got number" in reported[13]
    assert "slug: " in reported[14]
    assert "line(s) not imported" in err.splitlines()[-1]
    assert list(Article.objects.order_by("pk").values_list("title", "status")) == [
        ("第一篇", "draft"),
        ("最后一篇", "published"),
    ]
    # The failed line's category was rolled back with it.
    assert list(Category.objects.values_list("name", flat=True)) == ["新栏目"]


def test_a_line_over_the_limit_is_skipped_without_stopping_the_file(tmp_path):
    huge = line(title="太长", body="<p>" + "x" * MAX_LINE_BYTES + "</p>")
    path = write(tmp_path, huge, line(title="之后的一篇"))
    code, out, err = run_import(path)
    assert code == 1
    assert f"line 1: longer than {MAX_LINE_BYTES} bytes" in err
    assert out.strip() == "imported 1, duplicates 0, failed 1"
    assert Article.objects.get().title == "之后的一篇"


def test_a_line_that_is_not_utf8_is_a_bad_line(tmp_path):
    gbk = '{"title": "公告", "body": ""}'.encode("gb18030")
    path = write(tmp_path, gbk + b"\n" + line(title="好的").encode() + b"\n")
    code, _, err = run_import(path)
    assert code == 1 and "line 1: not UTF-8" in err
    assert Article.objects.get().title == "好的"


def unparsable_lines():
    """Lines Python's JSON parser raises on (RecursionError, ValueError), between good ones."""
    deep = '{"title": "深", "body": "", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    digits = "9" * 5_000
    return (
        line(title="之前的一篇"),
        deep,
        '{"title": "忽略的键", "body": "", "other": ' + digits + "}",
        '{"title": "浏览次数", "body": "", "view_count": ' + digits + "}",
        line(title="之后的一篇"),
    )


def check_unparsable_run(code, out, err):
    assert code == 1
    assert out.strip() == "imported 2, duplicates 0, failed 3"
    assert "line 2: not valid JSON: nested too deeply" in err
    assert "line 3: not valid JSON: a number has more than 4300 digits" in err
    assert "line 4: not valid JSON: a number has more than 4300 digits" in err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["之前的一篇", "之后的一篇"]


def test_lines_the_json_parser_cannot_take_are_bad_lines(tmp_path):
    check_unparsable_run(*run_import(write(tmp_path, *unparsable_lines())))


def test_lines_the_json_parser_cannot_take_are_bad_lines_on_standard_input(monkeypatch):
    data = "".join(f"{text}\n" for text in unparsable_lines()).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    check_unparsable_run(*run_import("-"))


def test_category_paths_have_a_depth_limit_and_names_a_length_limit(tmp_path):
    deepest = [f"层{level}" for level in range(MAX_CATEGORY_DEPTH)]
    path = write(
        tmp_path,
        line(title="五层", category=deepest),
        line(title="六层", category=[*deepest, "再深一层"]),
        line(title="五百层", category=[f"深{level}" for level in range(500)]),
        line(title="长名", category=["名" * 101]),
    )
    code, out, err = run_import(path)
    assert code == 1
    assert out.strip() == "imported 1, duplicates 0, failed 3"
    assert f"line 2: category: at most {MAX_CATEGORY_DEPTH} levels, got 6" in err
    assert f"line 3: category: at most {MAX_CATEGORY_DEPTH} levels, got 500" in err
    assert "line 4: category: item 1 must have 1 to 100 characters" in err
    assert Category.objects.count() == MAX_CATEGORY_DEPTH
    assert Article.objects.get().category.name == deepest[-1]


def test_an_invalid_line_matching_an_existing_article_is_an_error_not_a_duplicate(tmp_path):
    url = "https://court.example.org/news/1.html"
    ArticleFactory(title="原有的文章", source_url=url)
    path = write(tmp_path, line(title="同一来源", source_url=url, byline="长" * 256))
    code, out, err = run_import(path)
    assert code == 1
    assert out.strip() == "imported 0, duplicates 0, failed 1"
    assert "line 1: byline: Ensure this value has at most 255 characters" in err


def test_tags_beyond_the_import_limit_are_dropped_with_a_warning(tmp_path):
    tags = [f"标签{number}" for number in range(services.MAX_IMPORTED_TAGS + 5)]
    code, out, err = run_import(write(tmp_path, line(title="很多标签", tags=tags)))
    assert (code, out.strip()) == (0, "imported 1, duplicates 0, failed 0")
    limit = services.MAX_IMPORTED_TAGS
    assert f"line 1: {limit + 5} tags; only the first {limit} were imported" in err
    assert sorted(Article.objects.get().tags.names()) == sorted(tags[:limit])


# --- Encodings, stdin, empty files --------------------------------------------------------------


def test_byte_order_mark_and_crlf_line_endings_are_accepted(tmp_path):
    data = (
        b"\xef\xbb\xbf"
        + line(title="第一行", lead="导读").encode()
        + b"\r\n"
        + line(title="第二行").encode()
        + b"\r\n"
    )
    code, out, _ = run_import(write(tmp_path, data))
    assert (code, out.strip()) == (0, "imported 2, duplicates 0, failed 0")
    assert list(Article.objects.order_by("pk").values_list("title", "lead")) == [
        ("第一行", "导读"),
        ("第二行", ""),
    ]


@pytest.mark.parametrize("data", [b"", b"\n\r\n   \n"], ids=["empty", "blank lines"])
def test_an_empty_file_imports_nothing_and_succeeds(tmp_path, data):
    code, out, err = run_import(write(tmp_path, data))
    assert (code, out.strip(), err) == (0, "imported 0, duplicates 0, failed 0", "")


def test_reads_standard_input(monkeypatch):
    data = f"{line(title='来自标准输入', tags=['甲'])}\n".encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run_import("-")
    assert (code, out.strip()) == (0, "imported 1, duplicates 0, failed 0")
    assert list(Article.objects.get().tags.names()) == ["甲"]


def test_a_missing_file_is_a_clear_error(tmp_path):
    code, _, err = run_import(tmp_path / "nope.jsonl")
    assert code == 1 and "nope.jsonl: No such file or directory." in err


# --- What a line becomes ----------------------------------------------------------------------


def test_unknown_category_paths_are_created_with_unique_unicode_slugs(tmp_path):
    CategoryFactory(name="热点新闻", slug="热点新闻")  # same name, at the root
    path = write(
        tmp_path,
        line(title="一", category=["行业新闻", "热点新闻"]),
        line(title="二", category=["行业新闻", "热点新闻"]),
        line(title="三", category=["行业新闻"]),
    )
    assert run_import(path)[0] == 0

    industry = Category.objects.get(name="行业新闻")
    nested = Category.objects.get(name="热点新闻", parent=industry)
    assert (industry.slug, industry.parent, nested.slug) == ("行业新闻", None, "热点新闻-2")
    assert Category.objects.count() == 3
    categories = dict(Article.objects.values_list("title", "category"))
    assert categories == {"一": nested.pk, "二": nested.pk, "三": industry.pk}


def test_statuses_go_through_the_services(tmp_path):
    past = datetime(2024, 5, 7, 9, 30, tzinfo=SHANGHAI)
    path = write(
        tmp_path,
        line(title="已发布", status="published", published_at="2024-05-07T01:30:00Z"),
        line(title="现在发布", status="published"),
        line(title="已撤回", status="withdrawn", published_at="2024-05-07T09:30:00+08:00"),
        line(title="默认草稿"),
    )
    assert run_import(path)[0] == 0

    articles = {article.title: article for article in Article.objects.all()}
    assert (articles["已发布"].status, articles["已发布"].published_at) == ("published", past)
    assert timezone.now() - articles["现在发布"].published_at < timedelta(minutes=1)
    assert (articles["已撤回"].status, articles["已撤回"].published_at) == ("withdrawn", past)
    assert (articles["默认草稿"].status, articles["默认草稿"].published_at) == ("draft", None)
    assert set(Article.objects.published().values_list("title", flat=True)) == {
        "已发布",
        "现在发布",
    }


def test_a_duplicate_changes_nothing(tmp_path):
    url = "https://court.example.org/news/1.html"
    assert run_import(write(tmp_path, line(title="原标题", source_url=url)))[0] == 0
    again = write(
        tmp_path,
        line(title="改过的标题", source_url=url, status="published", category=["新栏目"]),
        name="b.jsonl",
    )
    code, out, _ = run_import(again)
    assert (code, out.strip()) == (0, "imported 0, duplicates 1, failed 0")
    assert list(Article.objects.values_list("title", "status")) == [("原标题", "draft")]
    assert not Category.objects.exists()  # the duplicate's category was rolled back


def test_unknown_keys_warn_once_per_name_and_the_poster_ip_is_never_taken(tmp_path):
    extra = {"id": 7, "comments": [], "poster_ip": "124.223.189.17", "poster_nickname": "王五"}
    path = write(tmp_path, line(title="一", **extra), line(title="二", **extra))
    code, out, err = run_import(path)

    assert (code, out.strip()) == (0, "imported 2, duplicates 0, failed 0")
    assert err.count("comments") == 1 and "line 1: key comments is not part" in err
    assert err.count("poster_ip") == 1 and "personal data" in err
    assert err.count("line 2") == 0
    assert set(Article.objects.values_list("poster_ip", "poster_nickname")) == {(None, "importer")}


def test_poster_option(tmp_path):
    editor = make_user(role="editor", username="editor1")
    path = write(tmp_path, line())
    assert run_import(path, "--poster", "editor1")[0] == 0
    article = Article.objects.get()
    assert (article.poster, article.poster_nickname) == (editor, "editor1")

    code, _, err = run_import(path, "--poster", "nobody")
    assert code == 1 and "no user named 'nobody'" in err
    assert get_user_model().objects.filter(username="importer").exists() is False
