"""Create the single site-disclaimer row so staff find it in the admin, ready to edit."""

from django.db import migrations

# The text as of this migration (a migration must not import today's models).
DEFAULT_TEXT = (
    "本文由昵称为 {nickname} 的用户发布，仅代表发布者个人观点，本站未对其内容进行核实，"
    "请读者仅作参考。如文中内容涉及版权或其他权利问题，权利人可要求本站删除，"
    "我们将在 3 个工作日内处理；发现违法违规内容，欢迎举报。"
)


def create_disclaimer(apps, schema_editor):
    SiteDisclaimer = apps.get_model("articles", "SiteDisclaimer")
    if not SiteDisclaimer.objects.exists():
        SiteDisclaimer.objects.create(text=DEFAULT_TEXT)


def remove_disclaimer(apps, schema_editor):
    apps.get_model("articles", "SiteDisclaimer").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_disclaimer, remove_disclaimer)]
