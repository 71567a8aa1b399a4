"""Reads of Gong data. Other apps use these (never gong.models directly) so visibility and joins live once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from core.errors import NotFound
from gong.models import ApiQuota, Call, CallParticipant, CallStatus, GongUser, Transcript


def call_get(*, call_id: str) -> Call:
    """The call with this Gong id (primary user joined); NotFound when it is not stored."""
    call = Call.objects.select_related("primary_user").filter(pk=call_id).first()
    if call is None:
        raise NotFound(f"Call {call_id} not found")
    return call


def transcript_get(*, call_id: str) -> Transcript:
    """The normalized transcript of a call; NotFound when the call has none (yet)."""
    transcript = Transcript.objects.filter(call_id=call_id).first()
    if transcript is None:
        raise NotFound(f"Transcript for call {call_id} not found")
    return transcript


def transcript_token_count(*, call_id: str) -> int | None:
    """The transcript's raw token count (⌈sentence characters ÷ 4⌉) in one narrow query; None without one."""
    return Transcript.objects.filter(call_id=call_id).values_list("token_count", flat=True).first()


def call_participants(*, call_id: str) -> list[CallParticipant]:
    """Every party of a call with its linked Gong user, internal people first."""
    participants = CallParticipant.objects.select_related("user").filter(call_id=call_id)
    return sorted(participants, key=lambda p: (p.affiliation != "Internal", p.name, p.party_id))


def user_get(*, user_id: str) -> GongUser:
    """The Gong user with this id; NotFound otherwise."""
    user = GongUser.objects.select_related("manager", "django_user").filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"Gong user {user_id} not found")
    return user


def user_get_by_email(*, email: str) -> GongUser | None:
    """The Gong user with this email (case-insensitive), preferring active users; None when there is none."""
    if not email:
        return None
    return GongUser.objects.filter(email__iexact=email.strip()).order_by("-active", "id").first()


def user_reports(*, manager_id: str, recursive: bool = True) -> set[str]:
    """Gong ids of the people reporting to a manager (directly, or at any depth when recursive).

    Iterative breadth-first walk, one query per level; a `seen` set makes it safe against cycles in Gong's
    managerId data (a manager is never their own report).
    """
    seen: set[str] = {manager_id}
    frontier: set[str] = {manager_id}
    reports: set[str] = set()
    while frontier:
        level = set(GongUser.objects.filter(manager_id__in=frontier).values_list("id", flat=True)) - seen
        reports |= level
        seen |= level
        frontier = level if recursive else set()
    return reports


def user_for_django_user(*, user) -> GongUser | None:
    """The Gong user linked to a Django user, else the one whose email matches (not linked here: see
    gong.services.user_link_django_user, which does the write)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    linked = GongUser.objects.filter(django_user_id=user.pk).first()
    if linked is not None:
        return linked
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return None
    return GongUser.objects.filter(email__iexact=email, django_user__isnull=True).order_by("-active", "id").first()


def calls_awaiting_analysis(*, stale_after_s: float, limit: int) -> list[str]:
    """Ids of calls analysis may claim: transcribed, or analyzing with a claim older than stale_after_s."""
    stale_before = timezone.now() - timedelta(seconds=stale_after_s)
    condition = Q(status=CallStatus.TRANSCRIBED) | Q(status=CallStatus.ANALYZING, claimed_at__lt=stale_before)
    rows = Call.objects.filter(condition).order_by("transcribed_at", "id").values_list("id", flat=True)
    return list(rows[:limit])


def calls_held(*, limit: int) -> list[str]:
    """Ids of calls held back (e.g. over the analysis budget), oldest first."""
    rows = Call.objects.filter(status=CallStatus.HELD).order_by("updated_at", "id").values_list("id", flat=True)
    return list(rows[:limit])


def calls_for_analysis(*, since: datetime | None = None, force: bool = False, limit: int = 10_000) -> list[str]:
    """Call ids `analyze_calls` should work on: transcribed, held and stale-claimed calls (and, with force,
    analysed and failed ones too), optionally only those started since `since`, oldest first."""
    statuses = [CallStatus.TRANSCRIBED, CallStatus.HELD, CallStatus.ANALYZING]
    if force:
        statuses += [CallStatus.ANALYZED, CallStatus.FAILED]
    calls = Call.objects.filter(status__in=statuses)
    if since is not None:
        calls = calls.filter(started__gte=since)
    return list(calls.order_by("started", "id").values_list("id", flat=True)[:limit])


def call_key_facts_get(*, call_id: str) -> tuple[str, str, list[tuple[str, str, str, str, str]]]:
    """(transcript sha256, call type, participants as (speaker id, name, title, affiliation, role) sorted) in
    one narrow query — what an analysis cache key needs: a 30K-token transcript row is ~0.5 MB and a cache hit
    needs none of it. NotFound when the call has no transcript."""
    rows = list(
        Transcript.objects.filter(call_id=call_id).values_list(
            "sha256",
            "call__call_type",
            "call__participants__speaker_id",
            "call__participants__name",
            "call__participants__title",
            "call__participants__affiliation",
            "call__participants__user__role",
        )
    )
    if not rows:
        raise NotFound(f"Transcript for call {call_id} not found")
    people = sorted((r[2], r[3], r[4], r[5], r[6] or "") for r in rows if r[5] is not None)
    return rows[0][0], rows[0][1] or "", people


def call_status_counts() -> dict[str, int]:
    """Calls per status, for summaries and the demo."""
    counts = {status: 0 for status in CallStatus.values}
    for row in Call.objects.values("status").order_by().annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class QuotaUsage:
    day: date
    used: int
    budget: int


def gong_quota_usage(*, name: str = "gong") -> QuotaUsage:
    """Gong API requests made today (UTC) by every process through the shared limiter, and the daily budget."""
    today = timezone.now().astimezone(UTC).date()
    row = ApiQuota.objects.filter(pk=name).first()
    used = row.day_count if row is not None and row.day == today else 0
    return QuotaUsage(day=today, used=used, budget=int(settings.GONG_DAILY_BUDGET))
