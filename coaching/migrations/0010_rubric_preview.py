"""The rubric draft preview with Claude runs as a queue task: one row per editor × draft content × chosen calls
(unique key, so a double submit reuses it), with its progress and the page's result JSON. Hand-written."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0009_staff_read_only"),
        ("knowledgebase", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RubricPreview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=64, unique=True)),
                ("score_ids", models.JSONField(default=list)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting for a worker"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("total", models.PositiveSmallIntegerField(help_text="calls to re-score")),
                ("done", models.PositiveSmallIntegerField(default=0)),
                ("result", models.JSONField(blank=True, default=dict)),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "editor",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="knowledgebase.rubricversion"
                    ),
                ),
            ],
            options={
                "db_table": "coaching_rubric_preview",
                "indexes": [
                    models.Index(
                        fields=["editor", "version", "-created_at"], name="coaching_rubric_preview_idx"
                    )
                ],
            },
        ),
    ]
