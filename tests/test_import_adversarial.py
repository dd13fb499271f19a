"""The importer's recognition on hostile input: bounded time, and a clear error or a result,
never an exception of another kind (which would be a 500 on the admin page).

Each case is one that an attack review found to take seconds to minutes, or to raise; the
time limits are generous (the cases took 10–100 s before they were fixed) so that a slow CI
machine does not fail them, while a return of the quadratic or cubic behaviour would.
"""

import time

import pytest

from articles.importing import ArticleImportError, parse_bytes

BODY = "<h1>某某法院审结一起案件</h1><p>法院审理了一起合同纠纷案件，判决被告支付货款。</p>"
#: Seconds any of these pages may take; each took 10 s to minutes before its fix.
LIMIT_SECONDS = 3.0


def parse_within_limit(data: bytes):
    started = time.perf_counter()
    try:
        result = parse_bytes(data, name="hostile")
    except ArticleImportError as exc:
        result = exc
    assert time.perf_counter() - started < LIMIT_SECONDS
    return result


@pytest.mark.parametrize(
    ("case", "page"),
    [
        # a declared title of thousands of separated parts (was cubic)
        ("title", f"<html><head><title>{'a | ' * 4000}</title></head><body>{BODY}</body></html>"),
        # a long run of word characters in a line that looks like markup (was a ReDoS)
        ("markup", "某某法院审结一起案件\n法院审理了一起合同纠纷案件。\njavascript:" + "a" * 40000),
        ("closing", "某某法院审结一起案件\n法院审理了一起合同纠纷案件。\n" + "法a" * 20000 + "/>"),
        # tens of thousands of heading-like lines (was quadratic)
        ("headings", "某某法院审结一起案件\n<P>\n" + "小标题\n" * 40000),
        ("paragraphs", "<html><body>" + "<p>法</p>" * 20000 + "</body></html>"),
        # a JSON-LD array of 400,000 items (was quadratic)
        ("json-ld", '<html><head><script type="application/ld+json">['
         + ",".join(["0"] * 400_000) + f"]</script></head><body>{BODY}</body></html>"),
    ],
)  # fmt: skip
def test_hostile_pages_are_read_in_bounded_time(case, page):
    parse_within_limit(page.encode())


@pytest.mark.parametrize(
    "page",
    [
        f"<html><head><meta property='article:published_time' content='2024-05-07T09:30:00+99:00'>"
        f"</head><body>{BODY}</body></html>",
        "某某法院审结一起案件\n发布时间：2024-05-07 09:30+99:00\n法院审理了一起合同纠纷案件。\n",
        f"<html><body>{BODY}<table><tr><td colspan='²'>甲</td><td>乙</td></tr>"
        "<tr><td>丙</td><td>丁</td></tr></table></body></html>",
        f'<html><head><script type="application/ld+json">{"[" * 50000}</script></head>'
        f"<body>{BODY}</body></html>",
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        f'"keywords": [1, 2]}}</script></head><body>{BODY}</body></html>',
        f'<html><head><meta charset="undefined"></head><body>{BODY}</body></html>',
        f'<html><head><meta charset="utf-7"></head><body>{BODY}</body></html>',
    ],
    ids=["offset-meta", "offset-text", "colspan", "deep-json-ld", "keywords", "charset", "utf-7"],
)
def test_odd_values_are_ignored_and_the_page_still_imports(page):
    parsed = parse_within_limit(page.encode())

    assert not isinstance(parsed, ArticleImportError), parsed
    assert parsed.title == "某某法院审结一起案件"
    assert parsed.original_published_at is None


def test_utf8_bytes_are_read_as_utf8_whatever_the_page_declares():
    page = f'<html><head><meta charset="gbk"></head><body>{BODY}</body></html>'

    assert parse_bytes(page.encode("utf-8")).title == "某某法院审结一起案件"
