"""The body sanitizer against hostile and dirty HTML, on every entry path."""

import pytest

from articles.models import Article
from articles.sanitize import sanitize_html
from tests.factories import ArticleFactory

HOSTILE = {
    "script tag": ("<p>a</p><script>alert(1)</script>", "alert"),
    "event handler": ('<img src="x.png" onerror="alert(1)">', "onerror"),
    "onload handler": ("<p onload=\"this.removeAttribute('width')\">t</p>", "onload"),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    "javascript link with entities": ('<a href="jav&#x09;ascript:alert(1)">x</a>', "ascript:"),
    "upper-case javascript": ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
    "svg script": ("<svg><script>alert(1)</script><circle r=5 /></svg>", "alert"),
    "svg onload": ('<svg onload="alert(1)"><g></g></svg>', "onload"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    "style tag": ("<style>body{display:none}</style><p>x</p>", "display"),
    "inline style": ('<p style="position:fixed;top:0">x</p>', "style"),
    "unclosed tag": ("<p>text<img src=x onerror=alert(1)//<b>", "onerror"),
    "unclosed script": ("<p>x</p><script>alert(1)", "alert"),
    "data url image": ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "data:"),
    "object embed": ('<object data="x.swf"></object><embed src="x.swf">', "swf"),
    "form": ('<form action="https://evil.example"><input name=p></form>', "form"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
    "comment": ("<!--[if IE]><script>alert(1)</script><![endif]--><p>x</p>", "alert"),
    "mathml": ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "onerror"),
    "noscript mutation": (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        "onerror",
    ),
    "cite url": ('<blockquote cite="javascript:alert(1)">q</blockquote>', "javascript"),
    "control characters": ("<p>a\x00b\x1bc</p>", "\x1b"),
}


@pytest.mark.parametrize("html, forbidden", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markup_is_neutralised(html, forbidden):
    cleaned = sanitize_html(html)
    assert forbidden.lower() not in cleaned.lower()
    assert "<script" not in cleaned.lower()


def test_structure_of_an_article_survives():
    html = (
        "<h2>以服务大局为使命</h2><h3>把主责主业谋在高处</h3>"
        "<p>第一段<strong>重点</strong><em>强调</em>。</p>"
        '<ul><li>一</li></ul><ol start="3"><li>三</li></ol>'
        '<table><thead><tr><th scope="col">年份</th></tr></thead>'
        '<tbody><tr><td colspan="2">2025</td></tr></tbody></table>'
        '<figure><img src="https://img.example/a.jpg" alt="图" width="600">'
        "<figcaption>说明</figcaption></figure>"
        '<p><a href="https://court.example/news/1">原文</a></p><blockquote>引文</blockquote>'
    )
    cleaned = sanitize_html(html)
    for fragment in [
        "<h2>以服务大局为使命</h2>",
        "<h3>把主责主业谋在高处</h3>",
        "<strong>重点</strong>",
        '<ol start="3">',
        '<th scope="col">',
        '<td colspan="2">',
        '<img src="https://img.example/a.jpg" alt="图" width="600">',
        "<figcaption>说明</figcaption>",
        'href="https://court.example/news/1"',
        "<blockquote>引文</blockquote>",
    ]:
        assert fragment in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_leftover_attribute_fragment_in_markup_cannot_become_a_handler():
    dirty = (
        '<img src="a.jpg" \nnload="this.removeAttribute(\'width\'); '
        'this.removeAttribute(\'onload\');" onload="x()" />'
    )
    cleaned = sanitize_html(dirty)
    assert "onload" not in cleaned
    assert "nload" not in cleaned
    assert '<img src="a.jpg">' in cleaned


def test_resaving_a_sanitized_body_changes_nothing():
    once = sanitize_html(HOSTILE["unclosed tag"][0] + "<h2>标题</h2><p>正文</p>")
    assert sanitize_html(once) == once


@pytest.mark.django_db
def test_every_write_path_sanitizes_the_body():
    hostile = '<p onclick="steal()">正文</p><script>alert(1)</script>'
    created = ArticleFactory(body=hostile)
    via_manager = Article.objects.create(title="经管理器创建", body=hostile)
    bulk = Article.objects.bulk_create([Article(title="批量创建", slug="bulk", body=hostile)])[0]
    Article.objects.filter(pk=created.pk).update(body=hostile)
    via_update = Article.objects.get(pk=created.pk)
    via_manager.body = hostile
    Article.objects.bulk_update([via_manager], ["body"])

    for article in [
        via_update,
        Article.objects.get(pk=via_manager.pk),
        Article.objects.get(pk=bulk.pk),
    ]:
        assert article.body == "<p>正文</p>", article.title


@pytest.mark.django_db
def test_fixtures_loaded_raw_are_cleaned_too(tmp_path):
    import json

    from django.core.management import call_command

    fixture = tmp_path / "articles.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "articles.article",
                    "pk": 900,
                    "fields": {
                        "title": "夹带\x00控制符的标题",
                        "slug": "fixture",
                        "body": "<p>正文</p><script>alert(1)</script><img src=x onerror=alert(1)>",
                        "status": "draft",
                        "created_at": "2025-01-01T00:00:00Z",
                        "updated_at": "2025-01-01T00:00:00Z",
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    article = Article.objects.get(pk=900)
    assert article.title == "夹带控制符的标题"
    assert article.body == '<p>正文</p><img src="x">'
    assert article.body_text == "正文"


@pytest.mark.django_db
def test_saving_only_the_body_keeps_the_search_text_in_step():
    article = ArticleFactory()
    article.body = "<p>斑马线</p>"
    article.save(update_fields=["body"])
    assert Article.objects.get(pk=article.pk).body_text == "斑马线"
    assert Article.objects.filter(body_text__contains="斑马线").exists()


@pytest.mark.django_db
def test_a_body_computed_in_the_database_is_refused():
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    article = ArticleFactory()
    with pytest.raises(TypeError):
        Article.objects.filter(pk=article.pk).update(
            body=Concat(Value("<img src=x onerror=alert(1)>"), F("lead"))
        )


def test_search_text_separates_blocks_but_not_inline_elements():
    from articles.sanitize import html_to_text

    assert html_to_text("<p>第一段</p><p>第二段</p>") == "第一段 第二段"
    assert html_to_text("<p>重<strong>点</strong>词 &amp; 符号</p>") == "重点词 & 符号"


def test_text_is_put_in_normal_form_c():
    from articles.sanitize import normalize_text

    assert normalize_text("Cafe\u0301") == "Café"
