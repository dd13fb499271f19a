"""The public transparency report (DSA Art. 15/24): the figures of a quarter, the page with
its SVG charts, the JSON and CSV downloads, and the Lumen-style export of decided notices.

Cases are made through ``moderation.services`` with ``now=`` placing them in 2025-Q4, a
past quarter whose working days are known: Monday 2025-11-03's notice is due at the end of
Thursday 2025-11-06; nothing in November 2025 is a public holiday.
"""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation import services, stats
from moderation.services import Reasons
from moderation.stats import Quarter
from moderation.workflow import NoticeStatus
from tests.factories import ArticleFactory, make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE_URL = reverse("moderation:transparency")
NOTICES_URL = reverse("moderation:transparency-notices")
REASONS = Reasons(
    facts="经核实，文章全文转载了该作品。", legal_ground="《信息网络传播权保护条例》第十五条"
)
Q4 = {"quarter": "2025-Q4"}

# What the public must never see of the senders below.
PERSONAL = [
    "张三",  # an individual claimant
    "王五",  # the person who signed for an organisation
    "zhangsan@example.com",
    "legal@publisher.example",
    "13800138000",
    "010-12345678",
    "北京市东城区",
    "上海市黄浦区",
    "203.0.113.7",
    "198.51.100.23",
]


def at(month, day, hour=10, minute=0, year=2025):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def data_url(fmt):
    return reverse("moderation:transparency-data", args=[fmt])


def notice_data(**overrides):
    data = {
        "claimant_name": "张三",
        "organisation": "",
        "capacity": "rights_holder",
        "principal": "",
        "postal_address": "北京市东城区某某街 1 号",
        "email": "zhangsan@example.com",
        "phone": "13800138000",
        "work": "某刊 2025 年第 1 期《某案评析》",
        "work_url": "https://journal.example/2025/1/review",
        "right": "copyright",
        "explanation": "文章未经许可全文转载。",
        "good_faith": True,
        "accuracy": True,
        "signature": "张三",
    }
    return {**data, **overrides}


def publisher_notice_data(**overrides):
    return notice_data(
        claimant_name="王五",
        organisation="某某出版社",
        capacity="agent",
        principal="某某出版集团",
        postal_address="上海市黄浦区某某路 2 号",
        email="legal@publisher.example",
        phone="010-12345678",
        signature="王五",
        **overrides,
    )


def report_data(category):
    return {
        "category": category,
        "explanation": "文章内容涉嫌违法。",
        "contact_name": "",
        "contact_email": "",
    }


def counter_data():
    return {
        "name": "赵六",
        "email": "poster@example.com",
        "phone": "",
        "postal_address": "",
        "explanation": "文章经原刊授权转载。",
        "good_faith": True,
        "signature": "赵六",
    }


def decide_report(report, moderator, *, take_action, when):
    return services.decide_report(report, moderator, REASONS, take_action=take_action, now=when)


@pytest.fixture
def moderator():
    return make_user("staff", username="moderator1")


@pytest.fixture
def q4(moderator):
    """2025-Q4: four notices (one accepted in time, one rejected late, one duplicate, one
    still open), three reports (two decided, one on an article already down), a
    counter-notice waiting for restoration and an upheld request for review."""
    a1, a2, a3, a4 = (ArticleFactory(published=True) for _ in range(4))
    n1 = services.submit_notice(
        articles=[a1], data=publisher_notice_data(), ip="203.0.113.7", now=at(11, 3, 10)
    ).case
    n3 = services.submit_notice(
        articles=[a1], data=publisher_notice_data(), ip="203.0.113.7", now=at(11, 3, 11)
    ).case
    n2 = services.submit_notice(
        articles=[a2],
        data=notice_data(right="reputation", work="文章中关于张三的不实描述"),
        ip="198.51.100.23",
        now=at(11, 3, 9),
    ).case
    services.accept_notice(n1, moderator, REASONS, now=at(11, 4, 12))  # 26 h, 1 working day
    services.reject_notice(n2, moderator, REASONS, now=at(11, 10, 9))  # 168 h, 5: late
    n4 = services.submit_notice(
        articles=[a3], data=notice_data(email="other@example.com"), now=at(12, 1, 9)
    ).case

    r1 = services.submit_report(article=a4, data=report_data("fraud"), now=at(10, 20, 9)).case
    decide_report(r1, moderator, take_action=True, when=at(10, 20, 15))  # 6 h, same day
    r2 = services.submit_report(article=a3, data=report_data("rumour"), now=at(11, 5, 9)).case
    decide_report(r2, moderator, take_action=False, when=at(11, 7, 9))  # 48 h, 2 days
    r3 = services.submit_report(article=a1, data=report_data("rumour"), now=at(11, 5, 10)).case

    counter = services.submit_counter_notice(
        notice=n1, article=a1, data=counter_data(), now=at(11, 6, 9)
    ).case
    services.accept_counter_notice(counter, moderator, REASONS, now=at(11, 7, 10))

    review = services.submit_review_request(
        case=n2, role="sender", explanation="请复核。", now=at(11, 12, 9)
    )
    other = make_user("staff", username="moderator2")
    services.decide_review(review, other, REASONS, reverse=False, now=at(11, 13, 9))

    for case in (n1, n2, n3, n4, r1, r2, r3, counter, review):
        case.refresh_from_db()
    assert n3.status == NoticeStatus.DUPLICATE
    assert r3.status == "already_removed"
    assert counter.status == "waiting"
    assert review.status == "upheld"
    return {"articles": (a1, a2, a3, a4), "notices": (n1, n2, n3, n4)}


# --- Quarters -------------------------------------------------------------------------------


def test_quarter_parses_and_knows_its_bounds_in_shanghai_time():
    quarter = Quarter.parse("2026-Q4")
    assert quarter == Quarter(2026, 4) == Quarter.parse(" 2026-q4 ")
    assert str(quarter) == "2026-Q4"
    assert quarter.start == datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert quarter.end == datetime(2027, 1, 1, tzinfo=SHANGHAI)
    assert quarter.months() == ["2026-10", "2026-11", "2026-12"]
    assert quarter.previous() == Quarter(2026, 3)
    assert quarter.next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == quarter
    assert at(12, 31, 23, 59, year=2026) in quarter
    assert at(1, 1, 0, year=2027) not in quarter
    # 2026-09-30 17:00 UTC is already 1 October in Shanghai.
    assert Quarter.current(datetime(2026, 9, 30, 17, tzinfo=ZoneInfo("UTC"))) == quarter


@pytest.mark.parametrize(
    "text", ["", "2026", "2026-Q0", "2026-Q5", "2026Q4", "Q4-2026", "26-Q4", "0001-Q1", "x"]
)
def test_quarter_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_quarters_with_data_lists_only_quarters_with_cases(q4):
    assert stats.quarters_with_data() == [Quarter(2025, 4)]


# --- Figures --------------------------------------------------------------------------------


def by_key(items):
    return {item["key"]: item for item in items}


def test_counts_received_by_category_with_duplicates_shown_apart(q4):
    report = stats.quarter_report(Quarter(2025, 4))
    notices, reports = report["notices"], report["reports"]

    assert notices["received"] == 4
    assert notices["closed_on_receipt"] == 1
    assert notices["closed_on_receipt_status"] == "duplicate"
    assert notices["open"] == 1
    assert notices["decided"] == 2
    rights = by_key(notices["categories"])
    assert (rights["copyright"]["received"], rights["copyright"]["decided"]) == (3, 1)
    assert (rights["reputation"]["received"], rights["reputation"]["decided"]) == (1, 1)
    assert rights["privacy"]["received"] == 0
    assert [m["received"] for m in rights["copyright"]["months"]] == [0, 2, 1]
    assert [m["decided"] for m in notices["months"]] == [0, 2, 0]

    assert (reports["received"], reports["closed_on_receipt"], reports["decided"]) == (3, 1, 2)
    categories = by_key(reports["categories"])
    assert (categories["fraud"]["received"], categories["fraud"]["decided"]) == (1, 1)
    assert (categories["rumour"]["received"], categories["rumour"]["decided"]) == (2, 1)
    assert [m["received"] for m in reports["months"]] == [1, 2, 0]

    assert report["notices_and_reports"]["received"] == 7
    assert report["notices_and_reports"]["closed_on_receipt"] == 2


def test_outcomes_use_the_workflow_statuses(q4):
    report = stats.quarter_report(Quarter(2025, 4))

    outcomes = {o["key"]: o["count"] for o in report["notices"]["outcomes"]}
    assert outcomes == {"accepted": 1, "rejected": 1, "restored": 0}
    assert by_key(report["notices"]["outcomes"])["accepted"]["label"] == str(
        NoticeStatus.ACCEPTED.label
    )
    outcomes = {o["key"]: o["count"] for o in report["reports"]["outcomes"]}
    assert outcomes == {"action_taken": 1, "no_action": 1, "restored": 0}
    counter = report["counter_notices"]
    assert (counter["received"], counter["decided"]) == (1, 1)
    assert {o["key"]: o["count"] for o in counter["outcomes"]}["waiting"] == 1
    reviews = report["reviews"]
    assert (reviews["received"], reviews["decided"]) == (1, 1)
    assert {o["key"]: o["count"] for o in reviews["outcomes"]} == {"upheld": 1, "reversed": 0}
    assert by_key(reviews["categories"])["notice"]["received"] == 1


def test_median_time_and_share_within_three_working_days(q4):
    report = stats.quarter_report(Quarter(2025, 4))

    notices = report["notices"]["timing"]  # 26 h in time, 168 h late
    assert notices["median_hours"] == 97.0
    assert notices["median_working_days"] == 3.0
    assert (notices["within_deadline"], notices["late"]) == (1, 1)
    assert notices["within_deadline_percent"] == 50.0
    assert {b["key"]: b["count"] for b in notices["distribution"]} == {
        "0": 0, "1": 1, "2": 0, "3": 0, "more": 1,
    }  # fmt: skip
    reports = report["reports"]["timing"]  # 6 h and 48 h
    assert (reports["median_hours"], reports["median_working_days"]) == (27.0, 1.0)
    assert reports["within_deadline_percent"] == 100.0
    both = report["notices_and_reports"]["timing"]  # 6, 26, 48, 168 h
    assert (both["median_hours"], both["median_working_days"]) == (37.0, 1.5)
    assert both["decided"] == 4
    assert (both["within_deadline"], both["within_deadline_percent"]) == (3, 75.0)


def test_a_quarter_without_cases_has_zeros_and_no_medians(q4):
    report = stats.quarter_report(Quarter(2025, 3))

    assert report["notices"]["received"] == report["notices_and_reports"]["decided"] == 0
    assert report["notices_and_reports"]["timing"]["median_hours"] is None
    assert report["notices_and_reports"]["timing"]["within_deadline_percent"] is None


def test_a_restored_notice_counts_its_first_decision_not_the_restoration(settings, moderator):
    # The services write the restoration's time over decided_at; the report reads the
    # first decision (acceptance) from the audit trail. Both happen at the wall clock here
    # because the audit trail is always stamped with it.
    settings.MODERATION_RESTORE_POLICY = "immediate"
    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_data()).case
    services.accept_notice(notice, moderator, REASONS)
    counter = services.submit_counter_notice(
        notice=notice, article=article, data=counter_data()
    ).case
    later = timezone.now() + timedelta(days=20)
    services.accept_counter_notice(counter, moderator, REASONS, now=later)
    notice.refresh_from_db()
    # decided_at keeps the first decision; the restoration is in the audit trail.
    assert notice.status == NoticeStatus.RESTORED and notice.decided_at < later
    assert notice.events().last().created_at == later

    report = stats.quarter_report(Quarter.current())
    timing = report["notices"]["timing"]
    assert report["notices"]["decided"] == 1
    assert {o["key"]: o["count"] for o in report["notices"]["outcomes"]}["restored"] == 1
    assert timing["within_deadline"] == 1
    assert timing["median_hours"] < 1

    [record] = stats.decided_notices(Quarter.current())
    assert record.first_decided_at < later
    assert record.restored_after_counter_notice


def test_a_decision_reversed_on_review_keeps_its_first_decision_time(moderator):
    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_data()).case
    services.reject_notice(notice, moderator, REASONS)
    review = services.submit_review_request(case=notice, role="sender", explanation="请复核。")
    later = timezone.now() + timedelta(days=20)
    other = make_user("staff", username="moderator2")
    services.decide_review(review, other, REASONS, reverse=True, now=later)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACCEPTED and notice.decided_at < later
    assert notice.events().last().created_at == later

    report = stats.quarter_report(Quarter.current())
    assert report["notices"]["decided"] == 1
    assert report["notices"]["timing"]["within_deadline"] == 1
    assert report["reviews"]["received"] == 1
    reversed_ = {o["key"]: o["count"] for o in report["reviews"]["outcomes"]}["reversed"]
    assert reversed_ == (1 if later in Quarter.current() else 0)


# --- The page -------------------------------------------------------------------------------


def text_of(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match[1]).strip()


def row_cells(html, table_id, attribute, key):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)[0]
    row = re.search(rf'<tr {attribute}="{key}">(.*?)</tr>', table, re.S)[1]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_page_shows_the_figures_to_anonymous_readers(client, q4):
    response = client.get(PAGE_URL, Q4)

    assert response.status_code == 200
    html = response.content.decode()
    assert "2025 年第 4 季度" in html
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)[0]
    assert "首页" in crumbs and '<span aria-current="page">透明度报告</span>' in crumbs
    assert text_of(html, "figure-notices-received") == "4"
    assert text_of(html, "figure-reports-received") == "3"
    assert text_of(html, "figure-decided") == "4"
    assert text_of(html, "figure-median-hours") == "37.0 小时"
    assert text_of(html, "figure-median-working-days") == "1.5 个工作日"
    assert text_of(html, "figure-within-deadline") == "75.0%"
    assert text_of(html, "notices-closed") == "1"
    # Oct, Nov, Dec (received, decided), then the quarter.
    assert row_cells(html, "notices-by-category", "data-category", "copyright") == [
        "0", "0", "2", "1", "1", "0", "3", "1",
    ]  # fmt: skip
    assert row_cells(html, "reports-by-category", "data-category", "fraud")[:2] == ["1", "1"]
    assert row_cells(html, "notices-outcomes", "data-status", "rejected") == ["1"]
    assert row_cells(html, "time-to-decision", "data-bucket", "more") == ["1", "0"]
    assert row_cells(html, "reviews-outcomes", "data-status", "upheld") == ["1"]
    assert f"{data_url('csv')}?quarter=2025-Q4" in html
    assert f"{NOTICES_URL}?quarter=2025-Q4" in html


def test_page_charts_are_inline_svg_without_inline_styles_or_scripts(client, q4):
    response = client.get(PAGE_URL, Q4)

    html = response.content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 3  # notices and reports per month, time to decision
    for svg in svgs:
        assert "style=" not in svg
        assert 'role="img"' in svg
        assert "<title" in svg and "<desc" in svg
        assert "<pattern" in svg and "url(#" in svg  # series differ by fill pattern
    time_chart = next(svg for svg in svgs if "chart-time-to-decision" in svg)
    assert re.search(r'class="chart__value"[^>]*>1</text>', time_chart)
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "style-src 'self'" in response["Content-Security-Policy"]


def test_page_of_an_empty_quarter_has_tables_but_no_charts(client, q4):
    response = client.get(PAGE_URL, {"quarter": "2025-Q3"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" not in html
    assert text_of(html, "figure-notices-received") == "0"
    assert text_of(html, "figure-median-hours") == "—"


def test_page_defaults_to_the_current_quarter(client):
    current = Quarter.current()
    for query in ({}, {"quarter": ""}):
        response = client.get(PAGE_URL, query)
        assert response.status_code == 200
        assert response.context["quarter"] == current
    assert f"{current.year} 年第 {current.number} 季度" in response.content.decode()


@pytest.mark.parametrize(
    "value", ["2025-Q5", "abc", "2025-Q4<script>", "9999-Q1", "２０２５-Q4", "future"]
)
def test_bad_or_future_quarters_answer_400_everywhere(client, value):
    if value == "future":
        value = str(Quarter.current().next())
    response = client.get(PAGE_URL, {"quarter": value})

    assert response.status_code == 400
    html = response.content.decode()
    assert "可以查看的季度" in html
    assert str(Quarter.current()) in html  # a link to a quarter that works
    assert "<script>" not in html
    for url in (data_url("json"), data_url("csv"), NOTICES_URL):
        assert client.get(url, {"quarter": value}).status_code == 400
    assert "error" in client.get(data_url("json"), {"quarter": value}).json()


def test_page_query_count_does_not_grow_with_the_cases(client, q4, moderator):
    with CaptureQueriesContext(connection) as first:
        assert client.get(PAGE_URL, Q4).status_code == 200
    article = ArticleFactory(published=True)
    for day in (17, 18, 19):
        notice = services.submit_notice(
            articles=[article], data=notice_data(email=f"s{day}@example.com"), now=at(11, day)
        ).case
        services.reject_notice(notice, moderator, REASONS, now=at(11, day, 15))

    with CaptureQueriesContext(connection) as second:
        assert client.get(PAGE_URL, Q4).status_code == 200

    assert len(second) == len(first) <= 10


# --- Downloads ------------------------------------------------------------------------------


def test_json_and_csv_carry_the_figures_of_the_page(client, q4):
    page = client.get(PAGE_URL, Q4).content.decode()
    response = client.get(data_url("json"), Q4)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="newsroom-transparency-2025-Q4.json"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert "\\u" not in response.content.decode()  # Chinese labels are not escaped
    assert data["quarter"] == "2025-Q4"
    assert str(data["notices"]["received"]) == text_of(page, "figure-notices-received")
    assert str(data["reports"]["received"]) == text_of(page, "figure-reports-received")
    combined = data["notices_and_reports"]
    assert f"{combined['timing']['median_hours']} 小时" == text_of(page, "figure-median-hours")
    percent = text_of(page, "figure-within-deadline")
    assert f"{combined['timing']['within_deadline_percent']}%" == percent

    response = client.get(data_url("csv"), Q4)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="newsroom-transparency-2025-Q4.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["quarter", "section", "category", "measure", "value"]
    figures = {tuple(row[1:4]): row[4] for row in rows[1:]}
    assert all(row[0] == "2025-Q4" for row in rows[1:])
    assert figures["notices", "all", "received"] == text_of(page, "figure-notices-received")
    assert figures["notices", "all", "closed_on_receipt:duplicate"] == "1"
    assert figures["notices", "copyright", "received"] == "3"
    assert figures["notices", "copyright", "received:2025-11"] == "2"
    assert figures["notices", "all", "outcome:rejected"] == "1"
    assert figures["reports", "rumour", "decided"] == "1"
    assert figures["notices_and_reports", "all", "median_hours"] + " 小时" == text_of(
        page, "figure-median-hours"
    )
    assert figures["notices_and_reports", "all", "within_deadline_percent"] + "%" == percent
    assert figures["notices", "all", "time_to_decision:more"] == "1"
    # Every figure of the JSON is in the CSV, and nothing else.
    expected = [[str(value) for value in row] for row in stats.long_rows(data)]
    assert rows[1:] == expected


def test_csv_of_an_empty_quarter_leaves_medians_blank(client):
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(data_url("csv"), {"quarter": "2025-Q3"}).content.decode("utf-8-sig")
            )
        )
    )
    figures = {tuple(row[1:4]): row[4] for row in rows[1:]}
    assert figures["notices", "all", "received"] == "0"
    assert figures["notices", "all", "median_hours"] == ""


@pytest.mark.parametrize("fmt", ["xml", "JSON", "xlsx", "json.csv"])
def test_unknown_download_format_is_404(client, fmt):
    assert client.get(data_url(fmt), Q4).status_code == 404


# --- The Lumen-style export -----------------------------------------------------------------


def keys_of(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


def test_notice_export_lists_decided_notices_without_personal_data(client, settings, q4):
    settings.SITE_URL = "https://news.example"
    a1, a2, *_ = q4["articles"]
    n1, n2, *_ = q4["notices"]

    response = client.get(NOTICES_URL, Q4)

    assert response.status_code == 200
    assert (
        'filename="newsroom-transparency-notices-2025-Q4.json"' in (response["Content-Disposition"])
    )
    body = response.content.decode()
    for personal in PERSONAL:
        assert personal not in body
    keys = set(keys_of(response.json()))
    assert not keys & {"email", "phone", "postal_address", "address", "signature", "ip"}
    assert not keys & {"claimant_name", "submitter_ip", "explanation"}

    published, individual = response.json()["notices"]  # oldest decision first
    assert published["id"] == n1.tracking_number
    assert published["sender"] == "某某出版社"
    # An agent's principal may be a private person: withheld.
    assert published["principal"] == "withheld"
    assert "某某出版集团" not in body
    assert published["capacity"] == "agent"
    assert published["right_claimed"] == "copyright"
    assert published["works"] == [
        {
            "description": "某刊 2025 年第 1 期《某案评析》",
            "url": "https://journal.example/2025/1/review",
        }
    ]
    assert published["infringing_urls"] == ["https://news.example" + a1.get_absolute_url()]
    assert published["action"] == "taken_down"
    assert published["counter_notice_filed"] is True
    assert published["date_received"] == "2025-11-03T10:00:00+08:00"
    assert published["date_decided"] == "2025-11-04T12:00:00+08:00"

    assert individual["id"] == n2.tracking_number
    assert individual["sender"] == individual["principal"] == "individual"
    assert individual["works"] == [{"description": "withheld", "url": ""}]  # a person's right
    # A person's right: the short URL, as the slug (the title) may be what was removed.
    assert individual["infringing_urls"] == [f"https://news.example/articles/{a2.pk}/"]
    assert individual["action"] == "rejected"
    assert individual["counter_notice_filed"] is False


def test_notice_export_uses_the_request_host_without_site_url(client, settings, q4):
    settings.SITE_URL = ""
    a1 = q4["articles"][0]

    notices = client.get(NOTICES_URL, Q4).json()["notices"]

    assert notices[0]["infringing_urls"] == ["http://testserver" + a1.get_absolute_url()]
