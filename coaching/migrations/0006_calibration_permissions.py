"""Data migration: coaching ops map Gong scorecard questions (change the mapping); ops and staff see reference
scores (idempotent, as 0003)."""

from django.db import migrations

GROUPS = {
    "coaching ops": ["coaching.view_scorecardmapping", "coaching.change_scorecardmapping",
                     "coaching.view_referencescore"],
    "staff": ["coaching.view_scorecardmapping", "coaching.view_referencescore"],
}  # fmt: skip


def groups_extend(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("coaching")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise RuntimeError(f"permission {perm} does not exist")
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("coaching", "0005_scorecard_mapping_reference")]

    operations = [migrations.RunPython(groups_extend, migrations.RunPython.noop)]
