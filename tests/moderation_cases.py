"""Shared helpers of the moderation tests: complete notice, report and counter-notice data,
a statement of reasons, moderators, and cases submitted through ``moderation.services`` as
the public forms submit them."""

import re

from moderation import services
from moderation.models import CounterNotice, Notice, Report
from moderation.services import Reasons
from tests.factories import make_user, moderators_group

IP = "203.0.113.5"
REASONS = Reasons(
    facts="The article reproduces the whole of the work without a licence.",
    legal_ground="Regulation on the Protection of the Right to Network Dissemination, Art. 14",
)
CLAIMANT_EMAIL = "claimant@example.com"
CLAIMANT_PHONE = "+86 21 5555 0123"
CLAIMANT_ADDRESS = "上海市浦东新区世纪大道 100 号 12 楼"
STATUS_LINK = re.compile(r"https?://\S+/status/[A-Z]+-\d{4}-\d{6,}/[0-9a-f]{64}/")


def notice_data(**overrides) -> dict:
    """The fields of a complete takedown notice from an authorised agent."""
    return {
        "claimant_name": "张三",
        "organisation": "某某文化传媒有限公司",
        "capacity": Notice.Capacity.AGENT,
        "principal": "李四",
        "postal_address": CLAIMANT_ADDRESS,
        "email": CLAIMANT_EMAIL,
        "phone": CLAIMANT_PHONE,
        "work": "《某某案评析》，李四著，首发于某某杂志 2025 年第 3 期",
        "work_url": "https://magazine.example/2025/3/case.html",
        "right": Notice.Right.COPYRIGHT,
        "explanation": "文章全文转载了该作品，未经许可。",
        "good_faith": True,
        "accuracy": True,
        "signature": "张三",
        **overrides,
    }


def report_data(**overrides) -> dict:
    return {
        "category": Report.Category.RUMOUR,
        "explanation": "文章内容与法院公告不符。",
        "contact_name": "王五",
        "contact_email": "reporter@example.com",
        **overrides,
    }


def counter_data(**overrides) -> dict:
    return {
        "name": "发布人",
        "email": "poster@example.com",
        "phone": "13800000000",
        "postal_address": "北京市东城区某某路 1 号",
        "explanation": "该文是法院公开发布的裁判文书摘要，不构成侵权。",
        "good_faith": True,
        "signature": "发布人",
        **overrides,
    }


def make_moderator(username: str, **kwargs):
    """A staff user in the 审核员 group (created by a data migration)."""
    user = make_user("staff", username=username, **kwargs)
    user.groups.add(moderators_group())
    return user


def submit_notice(articles, **overrides) -> Notice:
    articles = articles if isinstance(articles, list) else [articles]
    return services.submit_notice(
        articles=articles, data=notice_data(**overrides), evidence=[], ip=IP
    ).case


def submit_report(article, **overrides) -> Report:
    return services.submit_report(article=article, data=report_data(**overrides), ip=IP).case


def submit_counter(notice, article, **overrides) -> CounterNotice:
    return services.submit_counter_notice(
        notice=notice, article=article, data=counter_data(**overrides), ip=IP
    ).case
