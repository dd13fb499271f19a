"""Who may do what with articles: the newsroom's roles and its permission rules, as data.

Three roles, each a staff group created by a data migration and assignable in the admin
(Users → a user → groups), or with ``manage.py create_staff``:

- **编辑** (``editor``) writes and edits articles, uploads images, imports, submits for
  review; cannot publish, schedule or withdraw.
- **主编** (``publisher``) does everything an editor does, and publishes, schedules and
  withdraws (the custom permission ``articles.publish_article``), deletes articles and keeps
  categories, tags and the site disclaimer.
- **审核员** (``moderator``) decides takedown notices and reports (the moderation app) and
  sees articles read-only.

Every rule is a Django permission, so :func:`can` is ``user.has_perm`` of the permission in
:data:`ACTION_PERMISSIONS`: a superuser may do everything, an inactive user nothing, and a
site owner who grants a permission to another group or user in the admin changes the rule
for them without code. The groups' permission lists are frozen in the migrations that
create them (``articles/migrations/0007_create_editor_groups.py``,
``moderation/migrations/0003_rename_moderators_group.py``); :data:`ROLE_PERMISSIONS` is the
same list read by code, and a test checks that a fresh database and this module agree.
"""

from enum import StrEnum

#: The custom permission of publishing, scheduling and withdrawing (``Article.Meta``).
PUBLISH_PERMISSION = "articles.publish_article"


class Action(StrEnum):
    """What a user may try to do with articles (the keys of :data:`ACTION_PERMISSIONS`)."""

    VIEW = "view"  # see articles in the admin (list and change page, read-only)
    WRITE = "write"  # create a new article (a draft)
    EDIT = "edit"  # change an article's text, attribution, category and tags
    UPLOAD_IMAGE = "upload_image"  # add images to an article's gallery
    IMPORT = "import"  # the 导入文章 page (it saves a new draft)
    SUBMIT = "submit"  # submit a draft for review
    PUBLISH = "publish"  # set an article's status to published, now
    SCHEDULE = "schedule"  # set a publish time in the future
    WITHDRAW = "withdraw"  # take a published article back from readers
    DELETE = "delete"  # delete an article for good


#: The permission (``app_label.codename``) each action needs. Submitting for review is part
#: of editing for now: there is no review state yet, so anyone who may edit may submit.
ACTION_PERMISSIONS = {
    Action.VIEW: "articles.view_article",
    Action.WRITE: "articles.add_article",
    Action.EDIT: "articles.change_article",
    Action.UPLOAD_IMAGE: "articles.add_articleimage",
    Action.IMPORT: "articles.add_article",
    Action.SUBMIT: "articles.change_article",
    Action.PUBLISH: PUBLISH_PERMISSION,
    Action.SCHEDULE: PUBLISH_PERMISSION,
    Action.WITHDRAW: PUBLISH_PERMISSION,
    Action.DELETE: "articles.delete_article",
}

#: The actions that change what readers see; an editor may not do them.
PUBLISHING_ACTIONS = frozenset({Action.PUBLISH, Action.SCHEDULE, Action.WITHDRAW})

#: Each role's group name. Group names are data (what the admin lists and what a site owner
#: may rename), so they are not translated.
ROLE_GROUPS = {
    "editor": "编辑",
    "publisher": "主编",
    "moderator": "审核员",
}

_EDITOR = (
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_articleimage"),
    ("articles", "change_articleimage"),
    ("articles", "delete_articleimage"),
    ("articles", "view_articleimage"),
    # The article form's category field is an autocomplete, which needs the view permission.
    ("articles", "view_category"),
    ("articles", "add_tag"),
    ("articles", "change_tag"),
    ("articles", "view_tag"),
)

#: The article permissions (``(app_label, codename)``) of each role's group, as the data
#: migrations create them. The moderators' own moderation permissions belong to the
#: moderation app (``moderation/migrations/0002_create_moderators_group.py``) and are not
#: listed here.
ROLE_PERMISSIONS = {
    "editor": _EDITOR,
    "publisher": (
        *_EDITOR,
        ("articles", "publish_article"),
        ("articles", "delete_article"),
        ("articles", "add_category"),
        ("articles", "change_category"),
        ("articles", "delete_category"),
        ("articles", "delete_tag"),
        ("articles", "view_sitedisclaimer"),
        ("articles", "change_sitedisclaimer"),
    ),
    "moderator": (
        ("articles", "view_article"),
        ("articles", "view_articleimage"),
        ("articles", "view_category"),
        ("articles", "view_tag"),
    ),
}


def can(user, action, article=None) -> bool:
    """Whether ``user`` may do ``action`` (an :class:`Action` or its value, e.g. ``"publish"``).

    ``article`` is the article concerned, or None for the action in general (a list
    action, the add page). No rule depends on the article yet; it is part of the signature
    so that callers already pass it when one does (an editor's edit of a published article
    becoming a pending revision is the next step of the roles work).

    Anonymous and inactive users may do nothing; superusers everything (``has_perm``).

    Raises:
        ValueError: ``action`` is not one of :class:`Action`.
    """
    permission = ACTION_PERMISSIONS[Action(action)]
    return bool(user.is_authenticated and user.is_staff and user.has_perm(permission))


def group_name(role: str) -> str:
    """The group name of ``role`` (``"editor"``, ``"publisher"`` or ``"moderator"``).

    Raises:
        KeyError: ``role`` is not one of :data:`ROLE_GROUPS`.
    """
    return ROLE_GROUPS[role]
