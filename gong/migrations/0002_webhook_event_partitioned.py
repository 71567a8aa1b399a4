from django.db import migrations, models

# Hand-written: gong_webhook_event is PARTITION BY RANGE (received_at), one partition per quarter plus a
# DEFAULT partition, so no insert is ever rejected. Quarterly partitions are created (and dropped past
# retention) by `manage.py partitions_maintain`. The primary key must include the partition column, and
# PostgreSQL 15 has no identity columns on partitioned tables, hence the owned sequence.
SQL = """
CREATE SEQUENCE "gong_webhook_event_id_seq" AS bigint;
CREATE TABLE "gong_webhook_event" (
    "id" bigint NOT NULL DEFAULT nextval('gong_webhook_event_id_seq'),
    "received_at" timestamp with time zone NOT NULL,
    "auth_method" varchar(10) NOT NULL,
    "body_sha256" varchar(64) NOT NULL,
    "raw_body" text NOT NULL,
    "call_id" varchar(20) NOT NULL,
    "is_test" boolean NOT NULL,
    "status" varchar(10) NOT NULL,
    "error" text NOT NULL,
    "trace_id" varchar(120) NOT NULL,
    "remote_addr" inet NULL,
    PRIMARY KEY ("id", "received_at")
) PARTITION BY RANGE ("received_at");
ALTER SEQUENCE "gong_webhook_event_id_seq" OWNED BY "gong_webhook_event"."id";
CREATE TABLE "gong_webhook_event_default" PARTITION OF "gong_webhook_event" DEFAULT;
CREATE INDEX "gong_webhook_event_call_idx" ON "gong_webhook_event" ("call_id");
CREATE INDEX "gong_webhook_event_sha_idx" ON "gong_webhook_event" ("body_sha256");
CREATE INDEX "gong_webhook_event_recv_idx" ON "gong_webhook_event" ("received_at");
"""

REVERSE_SQL = 'DROP TABLE "gong_webhook_event" CASCADE;'


class Migration(migrations.Migration):
    dependencies = [("gong", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WebhookEvent",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("received_at", models.DateTimeField()),
                        (
                            "auth_method",
                            models.CharField(
                                choices=[
                                    ("jwt", "Signed JWT header"),
                                    ("url_key", "URL includes key"),
                                    ("hmac", "HMAC signature"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("body_sha256", models.CharField(max_length=64)),
                        ("raw_body", models.TextField()),
                        ("call_id", models.CharField(max_length=20)),
                        ("is_test", models.BooleanField(default=False)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("accepted", "Accepted"),
                                    ("duplicate", "Duplicate"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("error", models.TextField(blank=True)),
                        ("trace_id", models.CharField(blank=True, max_length=120)),
                        (
                            "remote_addr",
                            models.GenericIPAddressField(blank=True, null=True),
                        ),
                    ],
                    options={
                        "db_table": "gong_webhook_event",
                        "ordering": ["-received_at"],
                        "indexes": [
                            models.Index(
                                fields=["call_id"], name="gong_webhook_event_call_idx"
                            ),
                            models.Index(
                                fields=["body_sha256"],
                                name="gong_webhook_event_sha_idx",
                            ),
                            models.Index(
                                fields=["received_at"],
                                name="gong_webhook_event_recv_idx",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunSQL(sql=SQL, reverse_sql=REVERSE_SQL)],
        ),
    ]
