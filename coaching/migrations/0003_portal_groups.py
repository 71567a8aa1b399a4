"""Data migration: the four portal roles as Django groups with their model permissions (idempotent).

Visibility of rows is decided in coaching.access, not by these permissions; the permissions decide which admin
sections a role gets at all (a rep never gets the analysis runs, whose raw results hold everyone's scores).
"""

from django.db import migrations

GONG_VIEW = ["gong.view_call", "gong.view_gonguser", "gong.view_callparticipant", "gong.view_transcript"]
COACHING_VIEW = ["coaching.view_coachingsession", "coaching.view_dimensionscore", "coaching.view_weeklyreview"]
KB_MODELS = ["rubric", "rubricversion", "document", "documentversion"]
KB_VIEW = [f"knowledgebase.view_{model}" for model in KB_MODELS]
KB_EDIT = [f"knowledgebase.{action}_{model}" for model in KB_MODELS for action in ("add", "change")] + [
    "knowledgebase.edit_knowledgebase"
]
PIPELINE_VIEW = ["analysis.view_analysisrun", "analysis.view_apicall", "gong.view_webhookevent"]
REVIEW = ["coaching.change_dimensionscore"]

GROUPS = {
    "rep": GONG_VIEW + COACHING_VIEW + KB_VIEW,
    "manager": GONG_VIEW + COACHING_VIEW + KB_VIEW + REVIEW,
    "coaching ops": GONG_VIEW + COACHING_VIEW + KB_VIEW + KB_EDIT + PIPELINE_VIEW + REVIEW,
    "staff": GONG_VIEW + COACHING_VIEW + KB_VIEW + PIPELINE_VIEW,  # read-only (0008 removed REVIEW where it was given)
}


def groups_ensure(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create them now so a fresh
    # database gets complete groups in this same `migrate`.
    for label in ("gong", "knowledgebase", "analysis", "coaching"):
        app_config = apps.get_app_config(label)
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
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("coaching", "0002_sessions_scores_partitioned"),
        ("gong", "0002_webhook_event_partitioned"),
        ("knowledgebase", "0001_initial"),
        ("analysis", "0002_api_call_partitioned"),
    ]

    operations = [migrations.RunPython(groups_ensure, migrations.RunPython.noop)]
