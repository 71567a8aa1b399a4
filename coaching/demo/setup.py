"""`manage.py demo`: everything a new user needs to see callcoach work, end to end, on one machine."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from core.partitions import partitions_maintain


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    email: str
    password: str


def _logins_file() -> Path:
    return Path(settings.DEMO_DIR) / "logins.json"


def _stored_passwords() -> dict[str, str]:
    if _logins_file().is_file():
        return json.loads(_logins_file().read_text())
    return {}


def demo_login_ensure(*, role: str, username: str, email: str, superuser: bool = False) -> Login:
    """Create (or keep) a demo login; its random password is generated once and kept in .demo/ (gitignored)."""
    passwords = _stored_passwords()
    password = passwords.get(username) or secrets.token_urlsafe(9)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.email = email
    user.is_staff = True
    user.is_superuser = superuser
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    passwords[username] = password
    _logins_file().parent.mkdir(parents=True, exist_ok=True)
    _logins_file().write_text(json.dumps(passwords, indent=2))
    _logins_file().chmod(0o600)
    return Login(role=role, username=username, email=email, password=password)


def table_counts() -> dict[str, int]:
    tables = [
        "gong_user", "gong_call", "gong_call_participant", "gong_transcript", "gong_webhook_event",
        "kb_rubric", "kb_rubric_version", "kb_document", "kb_document_version",
        "analysis_run", "analysis_api_call", "coaching_session", "coaching_dimension_score",
        "coaching_weekly_review",
    ]  # fmt: skip
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def demo_prepare() -> list[str]:
    """Schedules (config's `setup_schedules`, which owns the list) and partitions; returns one line per step for
    the summary."""
    schedules = io.StringIO()
    call_command("setup_schedules", stdout=schedules)
    report = partitions_maintain()
    return [
        schedules.getvalue().strip(),
        f"partitions: {len(report.created)} created, {len(report.dropped)} dropped",
        f"database: {settings.DATABASES['default']['NAME']} on {settings.DATABASES['default']['HOST'] or 'socket'}",
    ]


@dataclass(frozen=True)
class RepLine:
    name: str
    role: str
    calls: int
    means: dict[str, float | None]
    analyzers: str


def rep_scoreboard() -> list[RepLine]:
    """Per-rep mean score per dimension over current sessions (for the demo's closing summary)."""
    from django.db.models import Avg, Count

    from coaching.models import CoachingSession, DimensionScore
    from knowledgebase.dimensions import Dimension

    sessions = (
        CoachingSession.objects.filter(is_current=True)
        .values("speaker_name", "role")
        .annotate(calls=Count("call_id", distinct=True))
    )
    analyzers: dict[str, set[str]] = {}
    for name, analyzer in CoachingSession.objects.filter(is_current=True).values_list("speaker_name", "analyzer"):
        analyzers.setdefault(name, set()).add(analyzer)
    means: dict[tuple[str, str], float] = {}
    rows = (
        DimensionScore.objects.filter(session__is_current=True, score__isnull=False)
        .values("session__speaker_name", "dimension")
        .annotate(mean=Avg("score"))
    )
    for row in rows:
        means[(row["session__speaker_name"], row["dimension"])] = round(float(row["mean"]), 2)
    lines = []
    for row in sorted(sessions, key=lambda r: r["speaker_name"]):
        name = row["speaker_name"]
        per_dimension = {dimension.value: means.get((name, dimension.value)) for dimension in Dimension}
        lines.append(RepLine(name, row["role"], row["calls"], per_dimension, ",".join(sorted(analyzers[name]))))
    return lines


@contextmanager
def demo_mailbox() -> Iterator[Path]:
    """Deliver mail into .demo/mail/ (one file per message) instead of printing it, for the demo's duration."""
    mailbox = Path(settings.DEMO_DIR) / "mail"
    mailbox.mkdir(parents=True, exist_ok=True)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mailbox)
    ):
        yield mailbox
