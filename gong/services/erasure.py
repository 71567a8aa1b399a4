"""Erasure of Gong data (called by coaching.services.erasure, inside its one transaction).

Calls are deleted with everything stored from Gong about them: participants and transcript (cascade) and every
webhook delivery naming them (gong_webhook_event is partitioned: a DELETE on the parent reaches every partition).
A Gong user is anonymised rather than deleted: the manager hierarchy and other rows refer to the id, which
carries nothing of the person once the name, email, title and raw payload are gone.
"""

from __future__ import annotations

import re

from django.db.models import Q

from core.scrub import json_scrub, text_scrub
from gong.models import AnsweredScorecard, Call, CallParticipant, GongUser, Transcript, WebhookEvent
from gong.services.transcripts import transcript_plain_text, transcript_sha256


def person_gong_user_ids(*, email: str) -> list[str]:
    """Gong users with this email (case-insensitive)."""
    return list(GongUser.objects.filter(email__iexact=email).values_list("pk", flat=True))


def person_names(*, email: str) -> set[str]:
    """Every name stored for this email: Gong user names and participant names."""
    names = {user.name for user in GongUser.objects.filter(email__iexact=email)}
    names |= set(CallParticipant.objects.filter(email__iexact=email).values_list("name", flat=True))
    return {name for name in names if name and len(name.strip()) >= 3}


def person_call_ids(*, email: str, user_ids: list[str]) -> set[str]:
    """Calls the person took part in: as a participant (by email or linked user) or as the call's primary user."""
    participant = Q(email__iexact=email) | Q(user_id__in=user_ids)
    ids = set(CallParticipant.objects.filter(participant).values_list("call_id", flat=True))
    ids |= set(Call.objects.filter(primary_user_id__in=user_ids).values_list("pk", flat=True))
    return ids


def calls_erase(*, call_ids: set[str], user_ids: list[str] = (), dry_run: bool = False) -> dict[str, int]:
    """Delete the calls, their participants, transcripts, webhook deliveries and Gong scorecards (and the person's
    scorecards on any call); counts by kind."""
    scorecards = AnsweredScorecard.objects.filter(Q(call_id__in=call_ids) | Q(reviewed_user_id__in=user_ids))
    counts = {
        "gong_scorecards": scorecards.count(),
        "calls": Call.objects.filter(pk__in=call_ids).count(),
        "participants": CallParticipant.objects.filter(call_id__in=call_ids).count(),
        "transcripts": Transcript.objects.filter(call_id__in=call_ids).count(),
        "webhook_events": WebhookEvent.objects.filter(call_id__in=call_ids).count(),
    }
    if not dry_run:
        scorecards.delete()  # answers cascade
        WebhookEvent.objects.filter(call_id__in=call_ids).delete()
        Call.objects.filter(pk__in=call_ids).delete()  # participants and transcript cascade
    return counts


def webhook_events_mentioning_erase(*, email: str, call_ids: set[str], dry_run: bool = False) -> int:
    """Deliveries whose raw body names the email, beyond those of the erased calls (e.g. a call not stored)."""
    events = WebhookEvent.objects.filter(raw_body__icontains=email).exclude(call_id__in=call_ids)
    count = events.count()
    if count and not dry_run:
        events.delete()
    return count


def transcripts_mentioning_scrub(*, email: str, pattern: re.Pattern, dry_run: bool = False) -> int:
    """Other calls' transcripts where the email was said: the email is replaced, the rest of the call kept."""
    rows = list(Transcript.objects.filter(text__icontains=email))
    for transcript in rows if not dry_run else []:
        turns = json_scrub(transcript.turns, pattern)
        transcript.turns = turns
        transcript.text = text_scrub(transcript_plain_text(turns=turns), pattern)
        transcript.sha256 = transcript_sha256(turns=turns)
        transcript.save(update_fields=["turns", "text", "sha256"])
    return len(rows)


def gong_users_anonymize(*, user_ids: list[str], dry_run: bool = False) -> list[int]:
    """Blank the Gong users' personal fields; returns the ids of their linked Django users (anonymised by the
    caller, which owns auth)."""
    users = list(GongUser.objects.filter(pk__in=user_ids))
    linked = [user.django_user_id for user in users if user.django_user_id]
    for user in users if not dry_run else []:
        user.email = f"erased-{user.pk}@erased.invalid"
        user.first_name = user.last_name = user.title = ""
        user.raw = {}
        user.active = False
        user.django_user = None
        user.save(update_fields=["email", "first_name", "last_name", "title", "raw", "active", "django_user"])
    return linked
