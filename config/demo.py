"""`manage.py demo`: everything a new user needs to see callcoach work, end to end, on one machine."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from config.env import BASE_DIR
from config.schedules import schedules_setup
from core.partitions import partitions_maintain

LOGINS_FILE = BASE_DIR / ".demo" / "logins.json"


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    email: str
    password: str


def _stored_passwords() -> dict[str, str]:
    if LOGINS_FILE.is_file():
        return json.loads(LOGINS_FILE.read_text())
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
    LOGINS_FILE.parent.mkdir(exist_ok=True)
    LOGINS_FILE.write_text(json.dumps(passwords, indent=2))
    LOGINS_FILE.chmod(0o600)
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
    """Schedules and partitions; returns one line per step for the summary."""
    created, updated = schedules_setup()
    report = partitions_maintain()
    return [
        f"schedules: {created} created, {updated} updated",
        f"partitions: {len(report.created)} created, {len(report.dropped)} dropped",
        f"database: {settings.DATABASES['default']['NAME']} on {settings.DATABASES['default']['HOST'] or 'socket'}",
    ]
