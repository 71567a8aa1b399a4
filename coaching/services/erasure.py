"""Erasure ("forget me"): one call, or everything of one person (by email), with everything derived from it.

One transaction per erasure, and idempotent (a second run finds nothing and changes nothing). What goes:
- the calls (one, or every call the person took part in — as participant by email, as linked Gong user, or as
  primary user): participants, transcript, webhook deliveries, analysis runs (result JSON), coaching sessions,
  dimension scores with their evidence quotes and manager notes, rubric previews with Claude that chose them;
- for a person, also: sessions and scores under their name on any call, webhook deliveries naming their email,
  their email said on other calls (replaced in those transcripts and results), the Gong user (anonymised: the
  id stays for the hierarchy) and the linked Django login (anonymised and deactivated);
- weekly reviews: the person's own are deleted; every other review loses the rows naming an erased call or the
  person (picks, per-rep rows), has their names/email replaced, and is re-rendered from what is left;
- Django admin history entries about the erased objects.
The cost ledger keeps its rows (tokens, dollars) without the call id or run. The audit row (core_erasure_record)
says who, when, what kind and how many rows — never the subject itself, only a keyed digest of it.
Erasure sticks: every erased call id, the email and the person's Gong user ids are tombstoned (core.tombstones),
so no webhook, poll or sync stores them again until `erasure_lift` lifts the tombstones.
Exports are not stored (they are written where the caller asked): files already handed out are outside reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from analysis.services.erasure import analysis_erase, analysis_results_scrub
from coaching.models import CoachingSession, DimensionScore, ReferenceScore, RubricPreview, WeeklyReview
from coaching.weekly.render import review_admin_url, review_render
from core.errors import ApplicationError
from core.models import ErasureAction, ErasureKind, ErasureRecord, TombstoneKind
from core.scrub import ERASED, json_scrub, needles_pattern, text_scrub
from core.tombstones import subject_digest, tombstones_add, tombstones_lift
from gong.models import GONG_ID_REGEX, Call, GongUser, Transcript
from gong.services.erasure import (
    calls_erase,
    gong_users_anonymize,
    person_call_ids,
    person_gong_user_ids,
    person_names,
    transcripts_mentioning_scrub,
    webhook_events_mentioning_erase,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class ErasureOutcome:
    kind: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    record_id: int | None = None
    tombstoned: int = 0  # ids blocked from coming back (call ids, the email, Gong user ids)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        verb = "would erase" if self.dry_run else "erased"
        parts = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in self.counts.items() if value)
        blocked = f"; {self.tombstoned} id(s) blocked from being stored again" if self.tombstoned else ""
        return f"{verb}: {parts or 'nothing (already erased or never stored)'}{blocked}"


__all__ = ["ErasureOutcome", "erasure_lift", "erasure_run", "subject_digest"]


def _previews_naming(*, call_ids: set[str], score_ids: set[int]) -> list[int]:
    """Rubric previews with Claude (kept up to 30 days) whose chosen scores or answered calls are erased: their
    result names the call and the rep. Few rows, so read whole."""
    return [
        pk
        for pk, chosen, result in RubricPreview.objects.values_list("pk", "score_ids", "result")
        if score_ids.intersection(chosen or []) or call_ids.intersection((result or {}).get("answers") or {})
    ]


def _sessions_erase(*, call_ids: set[str], user_ids: list[str], email: str, dry_run: bool) -> dict[str, int]:
    """Sessions and scores (both partitioned: the DELETEs on the parents reach every partition), and the
    reference scores derived from Gong scorecards."""
    sessions = Q(call_id__in=call_ids) | Q(rep_id__in=user_ids)
    if email:
        sessions |= Q(speaker_email__iexact=email)
    session_ids = list(CoachingSession.objects.filter(sessions).values_list("pk", flat=True))
    scores = DimensionScore.objects.filter(Q(session_id__in=session_ids) | Q(rep_id__in=user_ids))
    references = ReferenceScore.objects.filter(Q(call_id__in=call_ids) | Q(rep_id__in=user_ids))
    previews = _previews_naming(call_ids=call_ids, score_ids=set(scores.values_list("pk", flat=True)))
    counts = {
        "coaching_sessions": len(session_ids),
        "dimension_scores": scores.count(),
        "reference_scores": references.count(),
        "rubric_previews": len(previews),
    }
    if not dry_run:
        RubricPreview.objects.filter(pk__in=previews).delete()
        references.delete()
        scores.delete()
        CoachingSession.objects.filter(pk__in=session_ids).delete()
    return counts


def _reviews_scrub(*, call_ids: set[str], user_ids: list[str], needles: set[str], dry_run: bool) -> dict[str, int]:
    """Delete the person's own reviews; scrub and re-render every other review naming them or an erased call."""
    own = WeeklyReview.objects.filter(subject_id__in=user_ids)
    deleted = own.count()
    mentions = Q()
    for call_id in call_ids:
        mentions |= Q(metrics__icontains=f'"{call_id}"')
    for user_id in user_ids:
        mentions |= Q(metrics__icontains=f'"{user_id}"')
    for needle in needles:
        mentions |= Q(report_text__icontains=needle) | Q(recipients__icontains=needle)
    rows = list(WeeklyReview.objects.exclude(subject_id__in=user_ids).filter(mentions)) if mentions else []
    pattern = needles_pattern(needles)

    def drop(obj: dict) -> bool:
        return str(obj.get("call_id", "")) in call_ids or str(obj.get("rep_id", "")) in user_ids

    if not dry_run:
        own.delete()
        for review in rows:
            review.metrics = json_scrub(review.metrics, pattern, drop=drop)
            review.trends = json_scrub(review.trends, pattern, drop=drop)
            review.skill_gaps = json_scrub(review.skill_gaps, pattern, drop=drop)
            review.recipients = [r for r in json_scrub(review.recipients, pattern) if r != ERASED]
            rendered = review_render(
                metrics=review.metrics, trends=review.trends, skill_gaps=review.skill_gaps,
                admin_url=review_admin_url(review_id=review.pk),
            )  # fmt: skip
            review.report_html, review.report_text = rendered.html, text_scrub(rendered.text, pattern)
            review.save()
    return {"weekly_reviews_deleted": deleted, "weekly_reviews_scrubbed": len(rows)}


def _admin_log_scrub(*, call_ids: set[str], user_ids: list[str], needles: set[str], dry_run: bool) -> int:
    """Admin history about erased objects: their entries go (object_repr and change messages name them)."""
    types = ContentType.objects.get_for_models(Call, Transcript, GongUser)
    about = Q(content_type=types[GongUser], object_id__in=user_ids)
    about |= Q(content_type__in=[types[Call], types[Transcript]], object_id__in=call_ids)
    for needle in needles:
        about |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    entries = LogEntry.objects.filter(about)
    count = entries.count()
    if count and not dry_run:
        entries.delete()
    return count


def _django_users_anonymize(*, user_ids: list[int], dry_run: bool) -> int:
    if dry_run or not user_ids:
        return len(user_ids)
    for user in get_user_model().objects.filter(pk__in=user_ids):
        user.username = f"erased-{user.pk}"
        user.email = user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return len(user_ids)


def _erase(*, call_ids: set[str], email: str, dry_run: bool) -> tuple[dict[str, int], set[str], list[str]]:
    """Counts by kind, and the call ids and Gong user ids the erasure covers (to tombstone)."""
    user_ids = person_gong_user_ids(email=email) if email else []
    if email:
        call_ids = call_ids | person_call_ids(email=email, user_ids=user_ids)
        call_ids |= set(CoachingSession.objects.filter(speaker_email__iexact=email).values_list("call_id", flat=True))
    # Erased calls leave reviews structurally (objects carrying their call_id are dropped), so their titles are no
    # needles: another call may have the same title. A person is found by their email and names.
    needles = {email} | person_names(email=email) if email else set()
    counts = _sessions_erase(call_ids=call_ids, user_ids=user_ids, email=email, dry_run=dry_run)
    counts |= _reviews_scrub(call_ids=call_ids, user_ids=user_ids, needles=needles, dry_run=dry_run)
    counts |= analysis_erase(call_ids=call_ids, dry_run=dry_run)
    counts["admin_log_entries"] = _admin_log_scrub(
        call_ids=call_ids, user_ids=user_ids, needles=needles, dry_run=dry_run
    )
    counts |= calls_erase(call_ids=call_ids, user_ids=user_ids, dry_run=dry_run)
    if email:
        email_pattern = needles_pattern({email})
        counts["webhook_events"] += webhook_events_mentioning_erase(email=email, call_ids=call_ids, dry_run=dry_run)
        counts["other_transcripts_scrubbed"] = transcripts_mentioning_scrub(
            email=email, pattern=email_pattern, dry_run=dry_run
        )
        counts["other_results_scrubbed"] = analysis_results_scrub(
            pattern=email_pattern, needles={email}, dry_run=dry_run
        )
        linked = gong_users_anonymize(user_ids=user_ids, dry_run=dry_run)
        counts["gong_users_anonymized"] = len(user_ids)
        counts["logins_anonymized"] = _django_users_anonymize(user_ids=linked, dry_run=dry_run)
    return counts, call_ids, user_ids


def _subject(*, call_id: str, email: str) -> tuple[str, str]:
    """(kind, subject) of a request naming exactly one valid call id or email; ApplicationError otherwise."""
    call_id, email = (call_id or "").strip(), (email or "").strip().lower()
    if bool(call_id) == bool(email):
        raise ApplicationError("give exactly one of a call id or an email")
    if call_id and not re.fullmatch(GONG_ID_REGEX, call_id):
        raise ApplicationError(f"not a Gong call id (up to 20 digits): {call_id[:40]!r}")
    if email and not _EMAIL.match(email):
        raise ApplicationError("not an email address")
    return (ErasureKind.CALL, call_id) if call_id else (ErasureKind.PERSON, email)


def erasure_run(
    *, call_id: str = "", email: str = "", dry_run: bool = False, actor: str, requested_by=None, via: str
) -> ErasureOutcome:
    """Erase one call (`call_id`) or one person (`email`) and tombstone them; see the module docstring. Raises
    ApplicationError on bad input. `dry_run` counts what would go and changes nothing (no audit row)."""
    kind, subject = _subject(call_id=call_id, email=email)
    email = subject if kind == ErasureKind.PERSON else ""
    with transaction.atomic():
        counts, call_ids, user_ids = _erase(
            call_ids={subject} if kind == ErasureKind.CALL else set(), email=email, dry_run=dry_run
        )
        outcome = ErasureOutcome(kind, dry_run, counts)
        if not dry_run:
            record = ErasureRecord.objects.create(
                kind=kind,
                subject_digest=subject_digest(kind=kind, subject=subject),
                requested_by=requested_by,
                actor=actor[:150],
                via=via,
                counts=counts,
            )
            tombstones = {TombstoneKind.CALL: call_ids, TombstoneKind.GONG_USER: user_ids}
            if email:
                tombstones[TombstoneKind.PERSON] = {email}
            outcome.tombstoned = tombstones_add(record=record, subjects=tombstones)
            outcome.record_id = record.pk
    return outcome


def erasure_lift(*, call_id: str = "", email: str = "", actor: str, requested_by=None, via: str) -> ErasureOutcome:
    """Undo a mistaken erasure's block (not its data: that is gone): delete the tombstone of the call or email
    — for a person, also those of the calls and Gong user ids their erasure covered — so the next webhook, poll or
    sync may store them again. Audited like an erasure; lifting nothing changes nothing and writes no audit row."""
    kind, subject = _subject(call_id=call_id, email=email)
    with transaction.atomic():
        lifted = tombstones_lift(kind=kind, subject=subject)
        outcome = ErasureOutcome(kind, False, {"tombstones_lifted": lifted})
        if lifted:
            record = ErasureRecord.objects.create(
                kind=kind,
                action=ErasureAction.LIFT,
                subject_digest=subject_digest(kind=kind, subject=subject),
                requested_by=requested_by,
                actor=actor[:150],
                via=via,
                counts=outcome.counts,
            )
            outcome.record_id = record.pk
    return outcome
