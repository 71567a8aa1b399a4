# Hand-written: coaching_session and coaching_dimension_score are partitioned (0002); ALTER TABLE … ADD COLUMN on
# the parent adds the column to every partition. Existing rows get contract 1 (a holistic score: history) and no
# criteria (Django sets the default for the ALTER and drops it after; every insert goes through the ORM).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0007_score_override_carried"),
    ]

    operations = [
        migrations.AddField(
            model_name="coachingsession",
            name="contract",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="dimensionscore",
            name="criteria",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="dimensionscore",
            name="cap_reason",
            field=models.CharField(blank=True, max_length=300, default=""),
            preserve_default=False,
        ),
    ]
