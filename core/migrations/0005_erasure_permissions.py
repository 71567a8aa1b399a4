"""Data migration: coaching ops and staff see the erasure audit (core_erasure_record) in the admin (idempotent)."""

from django.db import migrations

GROUPS = {"coaching ops": ["view_erasurerecord"], "staff": ["view_erasurerecord"]}


def groups_extend(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for codename in codenames:
            permission = Permission.objects.filter(content_type__app_label="core", codename=codename).first()
            if permission is None:
                raise RuntimeError(f"permission core.{codename} does not exist")
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_erasure_record"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(groups_extend, migrations.RunPython.noop)]
