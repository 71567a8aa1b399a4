import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Hand-written: coaching_session and coaching_dimension_score are PARTITION BY RANGE (call_started), quarterly,
# with DEFAULT partitions; `manage.py partitions_maintain` creates quarters ahead and drops those past the
# 5-year retention. Each primary key includes the partition column; PostgreSQL 15 has no identity columns on
# partitioned tables, hence the owned sequences. A foreign key *into* a partitioned table would have to name
# (id, call_started), so coaching_dimension_score.session_id is a plain indexed column (db_constraint=False).
SQL = """
CREATE SEQUENCE "coaching_session_id_seq" AS bigint;
CREATE TABLE "coaching_session" (
    "id" bigint NOT NULL DEFAULT nextval('coaching_session_id_seq'),
    "call_started" timestamp with time zone NOT NULL,
    "call_id" varchar(20) NOT NULL
        REFERENCES "gong_call" ("id") DEFERRABLE INITIALLY DEFERRED,
    "run_id" bigint NOT NULL
        REFERENCES "analysis_run" ("id") DEFERRABLE INITIALLY DEFERRED,
    "rep_id" varchar(20) NULL,
    "speaker_id" varchar(20) NOT NULL,
    "speaker_name" varchar(255) NOT NULL,
    "speaker_email" varchar(254) NOT NULL,
    "role" varchar(10) NOT NULL,
    "analyzer" varchar(10) NOT NULL,
    "is_current" boolean NOT NULL,
    "overall_score" numeric(3, 2) NULL,
    "summary" text NOT NULL,
    "strengths" jsonb NOT NULL,
    "improvements" jsonb NOT NULL,
    "key_moments" jsonb NOT NULL,
    "product_errors" jsonb NOT NULL,
    "interaction_stats" jsonb NOT NULL,
    "created_at" timestamp with time zone NOT NULL,
    PRIMARY KEY ("id", "call_started"),
    CONSTRAINT "coaching_session_overall_range"
        CHECK (("overall_score" IS NULL OR ("overall_score" >= 1 AND "overall_score" <= 5))),
    CONSTRAINT "coaching_session_run_speaker_uniq" UNIQUE ("run_id", "speaker_id", "call_started")
) PARTITION BY RANGE ("call_started");
ALTER SEQUENCE "coaching_session_id_seq" OWNED BY "coaching_session"."id";
CREATE TABLE "coaching_session_default" PARTITION OF "coaching_session" DEFAULT;
CREATE UNIQUE INDEX "coaching_session_current_uniq"
    ON "coaching_session" ("call_id", "speaker_id", "call_started") WHERE "is_current";
CREATE INDEX "coaching_session_rep_idx" ON "coaching_session" ("rep_id", "call_started");
CREATE INDEX "coaching_session_started_idx" ON "coaching_session" ("call_started");
CREATE INDEX "coaching_session_call_id_idx" ON "coaching_session" ("call_id");
CREATE INDEX "coaching_session_run_id_idx" ON "coaching_session" ("run_id");

CREATE SEQUENCE "coaching_dimension_score_id_seq" AS bigint;
CREATE TABLE "coaching_dimension_score" (
    "id" bigint NOT NULL DEFAULT nextval('coaching_dimension_score_id_seq'),
    "call_started" timestamp with time zone NOT NULL,
    "session_id" bigint NOT NULL,
    "rep_id" varchar(20) NULL,
    "dimension" varchar(30) NOT NULL,
    "score" smallint NULL CHECK ("score" >= 0),
    "rationale" text NOT NULL,
    "evidence" jsonb NOT NULL,
    "criteria_met" jsonb NOT NULL,
    "criteria_missed" jsonb NOT NULL,
    "rubric_version_id" bigint NULL
        REFERENCES "kb_rubric_version" ("id") DEFERRABLE INITIALLY DEFERRED,
    "manager_score" smallint NULL CHECK ("manager_score" >= 0),
    "manager_note" text NOT NULL,
    "reviewed_by_id" integer NULL
        REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED,
    "reviewed_at" timestamp with time zone NULL,
    "created_at" timestamp with time zone NOT NULL,
    PRIMARY KEY ("id", "call_started"),
    CONSTRAINT "coaching_score_range" CHECK (("score" IS NULL OR ("score" >= 1 AND "score" <= 5))),
    CONSTRAINT "coaching_manager_score_range"
        CHECK (("manager_score" IS NULL OR ("manager_score" >= 1 AND "manager_score" <= 5))),
    CONSTRAINT "coaching_score_session_dimension_uniq" UNIQUE ("session_id", "dimension", "call_started")
) PARTITION BY RANGE ("call_started");
ALTER SEQUENCE "coaching_dimension_score_id_seq" OWNED BY "coaching_dimension_score"."id";
CREATE TABLE "coaching_dimension_score_default" PARTITION OF "coaching_dimension_score" DEFAULT;
CREATE INDEX "coaching_score_rep_idx" ON "coaching_dimension_score" ("rep_id", "dimension", "call_started");
CREATE INDEX "coaching_score_started_idx" ON "coaching_dimension_score" ("call_started", "dimension");
CREATE INDEX "coaching_dimension_score_session_id_idx" ON "coaching_dimension_score" ("session_id");
CREATE INDEX "coaching_dimension_score_rubric_version_id_idx" ON "coaching_dimension_score" ("rubric_version_id");
CREATE INDEX "coaching_dimension_score_reviewed_by_id_idx" ON "coaching_dimension_score" ("reviewed_by_id");
"""

REVERSE_SQL = 'DROP TABLE "coaching_dimension_score" CASCADE; DROP TABLE "coaching_session" CASCADE;'


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_initial"),
        ("analysis", "0001_initial"),
        ("gong", "0001_initial"),
        ("knowledgebase", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CoachingSession",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("call_started", models.DateTimeField()),
                        ("speaker_id", models.CharField(max_length=20)),
                        ("speaker_name", models.CharField(blank=True, max_length=255)),
                        (
                            "speaker_email",
                            models.EmailField(blank=True, max_length=254),
                        ),
                        ("role", models.CharField(blank=True, max_length=10)),
                        ("analyzer", models.CharField(max_length=10)),
                        ("is_current", models.BooleanField(default=True)),
                        (
                            "overall_score",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=3, null=True
                            ),
                        ),
                        ("summary", models.TextField(blank=True)),
                        ("strengths", models.JSONField(blank=True, default=list)),
                        ("improvements", models.JSONField(blank=True, default=list)),
                        ("key_moments", models.JSONField(blank=True, default=list)),
                        ("product_errors", models.JSONField(blank=True, default=list)),
                        (
                            "interaction_stats",
                            models.JSONField(blank=True, default=dict),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coaching_sessions",
                                to="gong.call",
                            ),
                        ),
                        (
                            "rep",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="gong.gonguser",
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sessions",
                                to="analysis.analysisrun",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "coaching_session",
                        "ordering": ["-call_started"],
                    },
                ),
                migrations.CreateModel(
                    name="DimensionScore",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("call_started", models.DateTimeField()),
                        (
                            "dimension",
                            models.CharField(
                                choices=[
                                    ("product_knowledge", "Product knowledge"),
                                    ("discovery", "Discovery"),
                                    ("objection_handling", "Objection handling"),
                                    ("engagement", "Engagement"),
                                ],
                                max_length=30,
                            ),
                        ),
                        (
                            "score",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("rationale", models.TextField(blank=True)),
                        ("evidence", models.JSONField(blank=True, default=list)),
                        ("criteria_met", models.JSONField(blank=True, default=list)),
                        ("criteria_missed", models.JSONField(blank=True, default=list)),
                        (
                            "manager_score",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("manager_note", models.TextField(blank=True)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "rep",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="gong.gonguser",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "rubric_version",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="knowledgebase.rubricversion",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scores",
                                to="coaching.coachingsession",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "coaching_dimension_score",
                        "ordering": ["session", "dimension"],
                    },
                ),
                migrations.AddIndex(
                    model_name="coachingsession",
                    index=models.Index(
                        fields=["rep", "call_started"], name="coaching_session_rep_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="coachingsession",
                    index=models.Index(
                        fields=["call_started"], name="coaching_session_started_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="coachingsession",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("overall_score__isnull", True),
                            models.Q(
                                ("overall_score__gte", 1), ("overall_score__lte", 5)
                            ),
                            _connector="OR",
                        ),
                        name="coaching_session_overall_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="coachingsession",
                    constraint=models.UniqueConstraint(
                        fields=("run", "speaker_id", "call_started"),
                        name="coaching_session_run_speaker_uniq",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="coachingsession",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("is_current", True)),
                        fields=("call", "speaker_id", "call_started"),
                        name="coaching_session_current_uniq",
                    ),
                ),
                migrations.AddIndex(
                    model_name="dimensionscore",
                    index=models.Index(
                        fields=["rep", "dimension", "call_started"],
                        name="coaching_score_rep_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="dimensionscore",
                    index=models.Index(
                        fields=["call_started", "dimension"],
                        name="coaching_score_started_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="dimensionscore",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("score__isnull", True),
                            models.Q(("score__gte", 1), ("score__lte", 5)),
                            _connector="OR",
                        ),
                        name="coaching_score_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="dimensionscore",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("manager_score__isnull", True),
                            models.Q(
                                ("manager_score__gte", 1), ("manager_score__lte", 5)
                            ),
                            _connector="OR",
                        ),
                        name="coaching_manager_score_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="dimensionscore",
                    constraint=models.UniqueConstraint(
                        fields=("session", "dimension", "call_started"),
                        name="coaching_score_session_dimension_uniq",
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(sql=SQL, reverse_sql=REVERSE_SQL)],
        ),
    ]
