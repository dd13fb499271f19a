"""The Moderators group: staff who review and decide notices, reports, counter-notices and
requests for review. Separate from editors: it may read articles but not edit them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("moderation", "view_notice"),
    ("moderation", "change_notice"),
    ("moderation", "view_report"),
    ("moderation", "change_report"),
    ("moderation", "view_counternotice"),
    ("moderation", "change_counternotice"),
    ("moderation", "view_reviewrequest"),
    ("moderation", "change_reviewrequest"),
    ("moderation", "view_event"),
    ("moderation", "view_evidence"),
    ("articles", "view_article"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("articles", "0003_article_takedown"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
