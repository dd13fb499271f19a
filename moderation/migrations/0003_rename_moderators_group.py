"""The Moderators group becomes 审核员, in place: the same row, so its members and its
moderation permissions stay. It also gains read-only access to the whole article (its
images, category and tags), as ``articles.permissions.ROLE_PERMISSIONS["moderator"]``
says; the reverse takes those back and restores the old name."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OLD_NAME = "Moderators"
NEW_NAME = "审核员"
# view_article came with 0002 and stays on the way back.
ADDED_PERMISSIONS = [
    ("articles", "view_articleimage"),
    ("articles", "view_category"),
    ("articles", "view_tag"),
]


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in pairs
    ]


def _rename(Group, old, new):
    """Rename group ``old`` to ``new``; the group now called ``new``, or None when there was
    neither. When both exist (one made by hand), ``old``'s members and permissions are
    merged into ``new`` and ``old`` is deleted, so nobody loses a right."""
    source = Group.objects.filter(name=old).first()
    target = Group.objects.filter(name=new).first()
    if source is None:
        return target
    if target is None:
        source.name = new
        source.save(update_fields=["name"])
        return source
    target.permissions.add(*source.permissions.all())
    target.user_set.add(*source.user_set.all())
    source.delete()
    return target


def rename_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group = _rename(apps.get_model("auth", "Group"), OLD_NAME, NEW_NAME)
    if group is not None:  # a site owner who deleted the group does not get it back here
        group.permissions.add(*_permissions(apps, ADDED_PERMISSIONS))


def rename_group_back(apps, schema_editor):
    group = _rename(apps.get_model("auth", "Group"), NEW_NAME, OLD_NAME)
    if group is not None:
        group.permissions.remove(*_permissions(apps, ADDED_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_create_moderators_group"),
        ("articles", "0006_article_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(rename_group, rename_group_back)]
