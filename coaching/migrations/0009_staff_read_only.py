"""Data migration: staff read everything and change nothing (README) — the staff group loses the permission to
change dimension scores that 0003 gave it (manager overrides are for the rep's manager and coaching ops)."""

from django.db import migrations


def staff_read_only(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.filter(content_type__app_label="coaching", codename="change_dimensionscore")
    for group in Group.objects.filter(name="staff"):
        group.permissions.remove(*change)


def staff_may_review_again(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.filter(content_type__app_label="coaching", codename="change_dimensionscore")
    for group in Group.objects.filter(name="staff"):
        group.permissions.add(*change)


class Migration(migrations.Migration):
    dependencies = [("coaching", "0008_criterion_scoring")]

    operations = [migrations.RunPython(staff_read_only, staff_may_review_again)]
