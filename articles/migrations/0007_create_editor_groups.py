"""The newsroom's two article roles as staff groups: 编辑 (editors: write, edit, upload
images, import; no publishing) and 主编 (publishers: everything, publishing, scheduling and
withdrawing included). The lists are frozen here, as a migration must be; they equal
``articles.permissions.ROLE_PERMISSIONS`` (checked by tests/test_roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "编辑"
PUBLISHER_GROUP = "主编"

EDITOR_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_articleimage"),
    ("articles", "change_articleimage"),
    ("articles", "delete_articleimage"),
    ("articles", "view_articleimage"),
    ("articles", "view_category"),
    ("articles", "add_tag"),
    ("articles", "change_tag"),
    ("articles", "view_tag"),
]
PUBLISHER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("articles", "publish_article"),
    ("articles", "delete_article"),
    ("articles", "add_category"),
    ("articles", "change_category"),
    ("articles", "delete_category"),
    ("articles", "delete_tag"),
    ("articles", "view_sitedisclaimer"),
    ("articles", "change_sitedisclaimer"),
]
GROUPS = {EDITOR_GROUP: EDITOR_PERMISSIONS, PUBLISHER_GROUP: PUBLISHER_PERMISSIONS}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran (publish_article is new in
    # 0006); make sure they exist now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUPS.items():
        # A group of that name made by hand before keeps its members and gains these rights.
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
