from django.db import migrations, models

# Hand-written like 0002: coaching_dimension_score is PARTITION BY RANGE; ADD COLUMN on the parent reaches every
# partition (DEFAULT included). The boolean gets its default in the database too, so rows written by an older
# process during a rolling deploy still satisfy NOT NULL.
SQL = """
ALTER TABLE "coaching_dimension_score" ADD COLUMN "override_carried_from" bigint NULL;
ALTER TABLE "coaching_dimension_score" ADD COLUMN "override_needs_confirmation" boolean NOT NULL DEFAULT false;
"""
REVERSE_SQL = """
ALTER TABLE "coaching_dimension_score" DROP COLUMN "override_needs_confirmation";
ALTER TABLE "coaching_dimension_score" DROP COLUMN "override_carried_from";
"""


class Migration(migrations.Migration):
    dependencies = [("coaching", "0006_calibration_permissions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="dimensionscore",
                    name="override_carried_from",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
                migrations.AddField(
                    model_name="dimensionscore",
                    name="override_needs_confirmation",
                    field=models.BooleanField(default=False),
                ),
            ],
            database_operations=[migrations.RunSQL(sql=SQL, reverse_sql=REVERSE_SQL)],
        )
    ]
