import django.db.models.deletion
from django.db import migrations, models

# Hand-written: the cost ledger analysis_api_call is PARTITION BY RANGE (created_at), quarterly, with a DEFAULT
# partition; `manage.py partitions_maintain` creates quarters ahead and drops those past retention. The primary
# key includes the partition column; PostgreSQL 15 has no identity columns on partitioned tables, hence the
# owned sequence. `run_id` has no foreign key so ledger rows outlive the runs they paid for.
SQL = """
CREATE SEQUENCE "analysis_api_call_id_seq" AS bigint;
CREATE TABLE "analysis_api_call" (
    "id" bigint NOT NULL DEFAULT nextval('analysis_api_call_id_seq'),
    "created_at" timestamp with time zone NOT NULL,
    "call_id" varchar(20) NOT NULL,
    "purpose" varchar(20) NOT NULL,
    "model" varchar(80) NOT NULL,
    "mode" varchar(10) NOT NULL,
    "request_id" varchar(120) NOT NULL,
    "batch_id" varchar(120) NOT NULL,
    "status" varchar(8) NOT NULL,
    "http_status" smallint NULL CHECK ("http_status" >= 0),
    "error_type" varchar(80) NOT NULL,
    "input_tokens" bigint NOT NULL CHECK ("input_tokens" >= 0),
    "output_tokens" bigint NOT NULL CHECK ("output_tokens" >= 0),
    "cache_write_tokens" bigint NOT NULL CHECK ("cache_write_tokens" >= 0),
    "cache_read_tokens" bigint NOT NULL CHECK ("cache_read_tokens" >= 0),
    "cache_ttl" varchar(4) NOT NULL,
    "cost_usd" numeric(12, 6) NULL,
    "price_source" varchar(40) NOT NULL,
    "latency_ms" integer NULL CHECK ("latency_ms" >= 0),
    "attempt" smallint NOT NULL CHECK ("attempt" >= 0),
    "run_id" bigint NULL,
    PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");
ALTER SEQUENCE "analysis_api_call_id_seq" OWNED BY "analysis_api_call"."id";
CREATE TABLE "analysis_api_call_default" PARTITION OF "analysis_api_call" DEFAULT;
CREATE INDEX "analysis_api_call_created_idx" ON "analysis_api_call" ("created_at");
CREATE INDEX "analysis_api_call_call_idx" ON "analysis_api_call" ("call_id");
CREATE INDEX "analysis_api_call_run_id_idx" ON "analysis_api_call" ("run_id");
"""

REVERSE_SQL = 'DROP TABLE "analysis_api_call" CASCADE;'


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiCall",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("created_at", models.DateTimeField()),
                        ("call_id", models.CharField(blank=True, max_length=20)),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("call_analysis", "Call analysis"),
                                    ("chunk_analysis", "Chunk analysis"),
                                    ("chunk_merge", "Chunk merge"),
                                    ("repair", "Invalid-answer repair"),
                                    ("token_count", "Token count"),
                                    ("mcp", "On-demand (MCP)"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("model", models.CharField(max_length=80)),
                        (
                            "mode",
                            models.CharField(
                                choices=[("realtime", "Realtime"), ("batch", "Batch")],
                                default="realtime",
                                max_length=10,
                            ),
                        ),
                        ("request_id", models.CharField(blank=True, max_length=120)),
                        ("batch_id", models.CharField(blank=True, max_length=120)),
                        (
                            "status",
                            models.CharField(
                                choices=[("ok", "Ok"), ("error", "Error")], max_length=8
                            ),
                        ),
                        (
                            "http_status",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("error_type", models.CharField(blank=True, max_length=80)),
                        ("input_tokens", models.PositiveBigIntegerField(default=0)),
                        ("output_tokens", models.PositiveBigIntegerField(default=0)),
                        (
                            "cache_write_tokens",
                            models.PositiveBigIntegerField(default=0),
                        ),
                        (
                            "cache_read_tokens",
                            models.PositiveBigIntegerField(default=0),
                        ),
                        ("cache_ttl", models.CharField(blank=True, max_length=4)),
                        (
                            "cost_usd",
                            models.DecimalField(
                                blank=True, decimal_places=6, max_digits=12, null=True
                            ),
                        ),
                        ("price_source", models.CharField(blank=True, max_length=40)),
                        (
                            "latency_ms",
                            models.PositiveIntegerField(blank=True, null=True),
                        ),
                        ("attempt", models.PositiveSmallIntegerField(default=1)),
                        (
                            "run",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="api_calls",
                                to="analysis.analysisrun",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_api_call",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.AddIndex(
                    model_name="apicall",
                    index=models.Index(
                        fields=["created_at"], name="analysis_api_call_created_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="apicall",
                    index=models.Index(
                        fields=["call_id"], name="analysis_api_call_call_idx"
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(sql=SQL, reverse_sql=REVERSE_SQL)],
        ),
    ]
