"""The newsroom's roles (articles.permissions) through the real admin, the create_staff
command and the migrations that make the groups.

The matrix: anonymous / staff without a role / 编辑 / 主编 / 审核员 / superuser × the article
list, the add page, changing a draft, the publish and withdraw actions, setting a status or
publish time in the change form, the 导入文章 page; each with its status code and what it
did (or did not do) to the database.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from articles import permissions
from articles.models import Article
from articles.permissions import ROLE_GROUPS, ROLE_PERMISSIONS, Action, can
from moderation.services import MODERATORS_GROUP
from tests.factories import ArticleFactory, make_user, role_group

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "editor", "publisher", "moderator", "admin"]
CHANGELIST_URL = reverse("admin:articles_article_changelist")
ADD_URL = reverse("admin:articles_article_add")
IMPORT_URL = reverse("admin:articles_article_import")
REFUSAL = "主编"  # the refusal message names who may publish


def log_in(client, role):
    """Log ``client`` in as a new user of ``role`` (nobody for ``anonymous``)."""
    if role != "anonymous":
        client.force_login(make_user(role, username=f"{role}-user"))
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form(article, **overrides):
    """The change form of ``article`` as the admin posts it, with ``overrides``."""
    local = timezone.localtime(article.published_at) if article.published_at else None
    data = {
        "title": article.title,
        "subtitle": article.subtitle,
        "slug": article.slug,
        "category": article.category_id or "",
        "status": article.status,
        "published_at_0": local.strftime("%Y-%m-%d") if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
        "tags": "",
        "lead": article.lead,
        "byline": article.byline,
        "body": article.body,
        "source_name": "",
        "source_issue": "",
        "source_editor": "",
        "source_url": "",
        "original_published_at_0": "",
        "original_published_at_1": "",
        "poster_nickname": article.poster_nickname,
        "disclaimer": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def run_action(client, action, articles):
    return client.post(
        CHANGELIST_URL, {"action": action, "_selected_action": [a.pk for a in articles]}
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The rules, as data ----------------------------------------------------------------------

#: What each role may do, by action (the superuser may do everything).
MAY = {
    "staff": set(),
    "editor": {"view", "write", "edit", "upload_image", "import", "submit"},
    "publisher": {action.value for action in Action},
    "moderator": {"view"},
    "admin": {action.value for action in Action},
}


@pytest.mark.parametrize("role", MAY)
def test_can_answers_the_rule_of_each_role_and_action(role):
    user = make_user(role)
    assert {action.value for action in Action if can(user, action)} == MAY[role]


def test_can_refuses_anonymous_and_inactive_users_and_unknown_actions():
    from django.contrib.auth.models import AnonymousUser

    assert not can(AnonymousUser(), "view")
    publisher = make_user("publisher", is_active=False)
    assert not can(publisher, Action.PUBLISH)
    with pytest.raises(ValueError):
        can(make_user("admin"), "fly")


def test_publishing_is_a_django_permission():
    assert make_user("publisher").has_perm("articles.publish_article")
    assert not make_user("editor").has_perm("articles.publish_article")
    assert permissions.PUBLISH_PERMISSION == "articles.publish_article"


# --- The matrix through the admin ---------------------------------------------------------------

LIST = {"anonymous": 302, "staff": 403, "editor": 200, "publisher": 200, "moderator": 200}
ADD = {"anonymous": 302, "staff": 403, "editor": 200, "publisher": 200, "moderator": 403}


@pytest.mark.parametrize("role", ROLES)
def test_article_list(client, role):
    ArticleFactory(title="列表里的文章")
    response = log_in(client, role).get(CHANGELIST_URL)
    assert response.status_code == LIST.get(role, 200)
    if response.status_code == 200:
        assert "列表里的文章" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_add_page(client, role):
    assert log_in(client, role).get(ADD_URL).status_code == ADD.get(role, 200)


@pytest.mark.parametrize("role", ROLES)
def test_import_page_needs_the_add_permission(client, role):
    response = log_in(client, role).get(IMPORT_URL)
    assert response.status_code == ADD.get(role, 200)


CHANGE = {"anonymous": 302, "staff": 403, "editor": 302, "publisher": 302, "moderator": 403}


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_draft(client, role):
    draft = ArticleFactory(title="原来的标题")
    response = log_in(client, role).post(change_url(draft), change_form(draft, title="新标题"))
    assert response.status_code == CHANGE.get(role, 302)
    draft.refresh_from_db()
    changed = role in {"editor", "publisher", "admin"}
    assert draft.title == ("新标题" if changed else "原来的标题")
    assert draft.status == Article.Status.DRAFT


def test_a_moderator_sees_an_article_read_only(client):
    article = ArticleFactory(published=True)
    page = log_in(client, "moderator").get(change_url(article))
    assert page.status_code == 200
    html = page.content.decode()
    assert article.title in html
    assert 'name="title"' not in html and 'name="_save"' not in html


PUBLISHERS = {"publisher", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_publish_action(client, role):
    draft = ArticleFactory()
    response = run_action(log_in(client, role), "publish_selected", [draft])
    assert response.status_code == {"staff": 403}.get(role, 302)
    draft.refresh_from_db()
    assert draft.status == (Article.Status.PUBLISHED if role in PUBLISHERS else "draft")
    if role in {"editor", "moderator"}:
        assert any(REFUSAL in message for message in messages_of(response))


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_action(client, role):
    article = ArticleFactory(published=True)
    response = run_action(log_in(client, role), "withdraw_selected", [article])
    assert response.status_code == {"staff": 403}.get(role, 302)
    article.refresh_from_db()
    assert article.status == (Article.Status.WITHDRAWN if role in PUBLISHERS else "published")
    assert Article.objects.published().filter(pk=article.pk).exists() == (role not in PUBLISHERS)
    if role in {"editor", "moderator"}:
        assert any(REFUSAL in message for message in messages_of(response))


@pytest.mark.parametrize("role", ["editor", "moderator", "publisher"])
def test_publish_actions_are_offered_only_to_those_who_may_publish(client, role):
    ArticleFactory()
    html = log_in(client, role).get(CHANGELIST_URL).content.decode()
    assert ('value="publish_selected"' in html) == (role == "publisher")
    assert ('value="withdraw_selected"' in html) == (role == "publisher")


@pytest.mark.parametrize("role", ROLES)
def test_setting_status_published_in_the_change_form(client, role):
    draft = ArticleFactory()
    data = change_form(draft, status=Article.Status.PUBLISHED)
    response = log_in(client, role).post(change_url(draft), data)
    assert response.status_code == CHANGE.get(role, 302)
    draft.refresh_from_db()
    if role in PUBLISHERS:
        assert Article.objects.published().filter(pk=draft.pk).exists()
    else:  # the editor's save went through, without the status
        assert draft.status == Article.Status.DRAFT and draft.published_at is None


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_scheduling_in_the_change_form(client, role):
    draft = ArticleFactory()
    tomorrow = timezone.localtime() + timedelta(days=1)
    data = change_form(
        draft,
        status=Article.Status.PUBLISHED,
        published_at_0=tomorrow.strftime("%Y-%m-%d"),
        published_at_1=tomorrow.strftime("%H:%M:%S"),
    )
    assert log_in(client, role).post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    if role == "publisher":
        assert draft.status == Article.Status.PUBLISHED and draft.published_at > timezone.now()
    else:
        assert draft.status == Article.Status.DRAFT and draft.published_at is None


def test_an_editor_sees_status_and_publish_time_read_only(client):
    draft = ArticleFactory()
    html = log_in(client, "editor").get(change_url(draft)).content.decode()
    assert 'name="title"' in html
    assert 'name="status"' not in html and 'name="published_at_0"' not in html
    add_page = client.get(ADD_URL).content.decode()
    assert 'name="status"' not in add_page


def test_an_editor_saving_a_published_article_keeps_it_online(client):
    article = ArticleFactory(published=True)
    published_at = article.published_at
    data = change_form(article, title="编辑改过的标题", status=Article.Status.DRAFT)
    data.update(published_at_0="", published_at_1="")
    assert log_in(client, "editor").post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
    assert article.status == Article.Status.PUBLISHED and article.published_at == published_at
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_an_article_an_editor_adds_is_a_draft_even_if_the_form_says_published(client):
    draft = ArticleFactory.build(title="编辑新写的文章", slug="new")
    data = change_form(draft, status=Article.Status.PUBLISHED, category="")
    assert log_in(client, "editor").post(ADD_URL, data).status_code == 302
    article = Article.objects.get(title="编辑新写的文章")
    assert article.status == Article.Status.DRAFT and article.published_at is None


def test_an_editor_may_search_categories_for_the_article_form(client):
    from tests.factories import CategoryFactory

    CategoryFactory(name="热点新闻")
    url = reverse("admin:autocomplete")
    query = {"app_label": "articles", "model_name": "article", "field_name": "category"}
    response = log_in(client, "editor").get(url, {**query, "term": "热点"})
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["热点新闻"]


# --- The groups and the migrations ---------------------------------------------------------------


def group_permissions(group, app_label="articles"):
    return set(
        group.permissions.filter(content_type__app_label=app_label).values_list(
            "content_type__app_label", "codename"
        )
    )


def historical_apps(app_label, migration_name):
    """The app registry as it is just after ``app_label.migration_name``."""
    loader = MigrationLoader(connection)
    return loader.project_state((app_label, migration_name), at_end=True).apps


def test_the_groups_have_chinese_names_and_the_rules_permissions():
    assert MODERATORS_GROUP == ROLE_GROUPS["moderator"] == "审核员"
    assert (ROLE_GROUPS["editor"], ROLE_GROUPS["publisher"]) == ("编辑", "主编")
    from importlib import import_module

    created = import_module("articles.migrations.0007_create_editor_groups")
    # The migration's frozen lists are the module's rules.
    assert set(created.EDITOR_PERMISSIONS) == set(ROLE_PERMISSIONS["editor"])
    assert set(created.PUBLISHER_PERMISSIONS) == set(ROLE_PERMISSIONS["publisher"])
    Group.objects.filter(name__in=created.GROUPS).delete()
    created.create_groups(historical_apps("articles", "0007_create_editor_groups"), None)
    for role in ("editor", "publisher"):
        group = Group.objects.get(name=ROLE_GROUPS[role])
        assert group_permissions(group) == set(ROLE_PERMISSIONS[role])


def test_renaming_the_moderators_keeps_the_group_its_members_and_rights():
    from importlib import import_module

    renaming = import_module("moderation.migrations.0003_rename_moderators_group")
    apps = historical_apps("moderation", "0003_rename_moderators_group")
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    old = Group.objects.create(name="Moderators")
    old.permissions.add(Permission.objects.get(codename="change_notice"))
    old.permissions.add(Permission.objects.get(codename="view_article"))
    member = make_user("staff", username="old-moderator")
    member.groups.add(old)

    renaming.rename_group(apps, None)

    group = Group.objects.get(pk=old.pk)
    assert group.name == "审核员" and not Group.objects.filter(name="Moderators").exists()
    assert list(group.user_set.all()) == [member]
    assert group.permissions.filter(codename="change_notice").exists()
    assert group_permissions(group) == set(ROLE_PERMISSIONS["moderator"])
    assert can(get_user_model().objects.get(pk=member.pk), Action.VIEW)

    renaming.rename_group_back(apps, None)

    group = Group.objects.get(pk=old.pk)
    assert group.name == "Moderators" and list(group.user_set.all()) == [member]
    assert group_permissions(group) == {("articles", "view_article")}


def test_renaming_merges_into_a_group_of_the_new_name_made_by_hand():
    from importlib import import_module

    renaming = import_module("moderation.migrations.0003_rename_moderators_group")
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    by_hand = Group.objects.create(name="审核员")
    old = Group.objects.create(name="Moderators")
    old.permissions.add(Permission.objects.get(codename="change_notice"))
    member = make_user("staff", username="old-moderator")
    member.groups.add(old)

    renaming.rename_group(historical_apps("moderation", "0003_rename_moderators_group"), None)

    assert not Group.objects.filter(name="Moderators").exists()
    by_hand.refresh_from_db()
    assert list(by_hand.user_set.all()) == [member]
    assert by_hand.permissions.filter(codename="change_notice").exists()


# --- manage.py create_staff -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def role_groups():
    """The role groups as migrated (a test that committed for real may have emptied them)."""
    return {role: role_group(role) for role in ROLE_GROUPS}


def create_staff(*args, stdin=None):
    """Run the command; its standard output and error as strings."""
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("create_staff", *args, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("role", ["editor", "publisher", "moderator"])
def test_create_staff_makes_a_staff_user_in_the_role_with_a_one_time_password(client, role):
    out, _ = create_staff("zhangsan", "--role", role, "--email", "zhangsan@example.com")
    user = get_user_model().objects.get(username="zhangsan")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS[role]]
    assert user.email == "zhangsan@example.com"
    password = out.strip().splitlines()[-1]
    assert len(password) >= 20 and password not in {"zhangsan", ""}
    assert client.login(username="zhangsan", password=password)
    assert client.get(CHANGELIST_URL).status_code == 200
    assert can(user, Action.PUBLISH) == (role == "publisher")


def test_create_staff_gives_a_new_password_each_time():
    first, _ = create_staff("a1", "--role", "editor")
    second, _ = create_staff("a2", "--role", "editor")
    assert first.splitlines()[-1] != second.splitlines()[-1]


def test_create_staff_reads_the_password_from_standard_input(client):
    out, _ = create_staff(
        "lisi", "--role", "publisher", "--password-stdin", stdin="a long passphrase 2026\n"
    )
    assert "a long passphrase 2026" not in out
    assert client.login(username="lisi", password="a long passphrase 2026")


@pytest.mark.parametrize("stdin, reason", [("\n", "No password"), ("123\n", "Password refused")])
def test_create_staff_refuses_a_missing_or_weak_password(stdin, reason):
    with pytest.raises(CommandError, match=reason):
        create_staff("lisi", "--role", "editor", "--password-stdin", stdin=stdin)
    assert not get_user_model().objects.filter(username="lisi").exists()


def test_create_staff_refuses_a_bad_role():
    with pytest.raises(CommandError, match="invalid choice"):
        create_staff("wangwu", "--role", "boss")
    assert not get_user_model().objects.filter(username="wangwu").exists()


def test_create_staff_refuses_a_bad_username_or_email():
    with pytest.raises(CommandError, match="username"):
        create_staff("bad name!", "--role", "editor")
    with pytest.raises(CommandError, match="email"):
        create_staff("wangwu", "--role", "editor", "--email", "not-an-address")
    assert not get_user_model().objects.filter(username__in=["bad name!", "wangwu"]).exists()


def test_create_staff_refuses_an_existing_user_without_update(client):
    user = make_user("editor", username="zhaoliu")
    with pytest.raises(CommandError, match="--update"):
        create_staff("zhaoliu", "--role", "publisher")
    assert list(user.groups.values_list("name", flat=True)) == ["编辑"]


def test_create_staff_update_adds_the_role_and_keeps_the_password(client):
    user = make_user("editor", username="zhaoliu")
    out, _ = create_staff("zhaoliu", "--role", "publisher", "--update")
    assert "Added" in out and "not changed" in out
    assert set(user.groups.values_list("name", flat=True)) == {"编辑", "主编"}
    assert client.login(username="zhaoliu", password="correct horse battery staple")
    again, _ = create_staff("zhaoliu", "--role", "publisher", "--update")
    assert "already" in again
    assert user.groups.count() == 2


def test_create_staff_update_makes_a_reader_staff_and_gives_a_password_when_it_had_none():
    reader = make_user("reader", username="reader")
    reader.set_unusable_password()
    reader.save()
    out, _ = create_staff("reader", "--role", "moderator", "--update")
    reader.refresh_from_db()
    assert reader.is_staff and reader.check_password(out.strip().splitlines()[-1])
    assert reader.groups.get().name == MODERATORS_GROUP


def test_create_staff_says_when_the_group_is_missing():
    Group.objects.filter(name="编辑").delete()
    with pytest.raises(CommandError, match="migrate"):
        create_staff("zhangsan", "--role", "editor")
    assert not get_user_model().objects.filter(username="zhangsan").exists()
