"""The weekly review: analyse leftovers, compute every rep and team review, store them, mail the managers.

Idempotent: reviews are keyed (scope, subject, week) and updated in place; mail goes out once per review
(`sent_at`) unless `resend=True`. A dry run analyses nothing, stores nothing and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coaching import metrics
from coaching.calibration.outcomes import outcome_validity_block
from coaching.models import ReviewScope, WeeklyReview
from coaching.weekly.compute import RepIndex, ReviewContent, review_compute
from coaching.weekly.leftovers import week_leftovers_analyse
from coaching.weekly.mail import weekly_review_send
from coaching.weekly.render import review_admin_url, review_render
from coaching.weekly.selectors import period_calls_unanalysed, review_data_load, review_reps, review_teams
from coaching.weekly.weeks import Period, week_for_date, week_last_completed, week_parse, week_starts_ending

logger = structlog.get_logger(__name__)


@dataclass
class ReviewSummary:
    scope: str
    subject_id: str
    subject_name: str
    calls: int
    skill_gaps: list[str]
    recipients: list[str]
    review_id: int | None = None
    created: bool = False
    mail: str = "not_sent"  # sent | already_sent | no_recipients | failed | not_sent (dry run / rep review)


@dataclass
class WeeklyRunResult:
    week: str
    dry_run: bool
    analysed: list[str] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    batch_id: str | None = None
    reviews: list[ReviewSummary] = field(default_factory=list)

    def count(self, **match) -> int:
        return sum(all(getattr(r, key) == value for key, value in match.items()) for r in self.reviews)

    @property
    def summary(self) -> str:
        def n(count: int, noun: str) -> str:
            return f"{count} {noun}{'' if count == 1 else 's'}"

        return (
            f"week {self.week}: {n(self.count(scope='team'), 'team review')}, "
            f"{n(self.count(scope='rep'), 'rep review')}"
            f"{' (dry run: nothing stored or sent)' if self.dry_run else ''}; "
            f"{n(self.count(mail='sent'), 'email')} sent, {self.count(mail='already_sent')} already sent; "
            f"{n(len(self.analysed), 'call')} analysed now, {len(self.missing)} missing"
        )

    def links(self) -> list[str]:
        """One line per stored team review: who, and where to read it in the admin."""
        return [
            f"{r.subject_name}'s team ({r.calls} calls, mail {r.mail}): {review_admin_url(review_id=r.review_id)}"
            for r in self.reviews
            if r.scope == ReviewScope.TEAM and r.review_id is not None
        ]


def _store_all(*, week: Period, items: list[tuple[ReviewSummary, ReviewContent]]) -> None:
    """Upsert every review of the week in one statement, then store the rendered reports (one bulk update).

    Keyed on the unique (scope, subject, week): re-running updates in place; `sent_at` is never touched here.
    """
    existing = set(WeeklyReview.objects.filter(week=week.label).values_list("scope", "subject_id"))
    rows = [
        WeeklyReview(
            scope=summary.scope,
            subject_id=summary.subject_id,
            week=week.label,
            week_start=week.start,
            metrics=content.metrics,
            trends=content.trends,
            skill_gaps=content.skill_gaps,
            recipients=summary.recipients,
        )
        for summary, content in items
    ]
    with transaction.atomic():
        stored = WeeklyReview.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["scope", "subject", "week"],
            update_fields=["week_start", "metrics", "trends", "skill_gaps", "recipients", "updated_at"],
            batch_size=500,
        )
        for row, (summary, content) in zip(stored, items, strict=True):
            summary.review_id = row.pk
            summary.created = (summary.scope, summary.subject_id) not in existing
            rendered = review_render(
                metrics=content.metrics,
                trends=content.trends,
                skill_gaps=content.skill_gaps,
                admin_url=review_admin_url(review_id=row.pk),
            )
            row.report_html, row.report_text = rendered.html, rendered.text
        WeeklyReview.objects.bulk_update(stored, ["report_html", "report_text"], batch_size=200)


def _summary(scope, subject, content: ReviewContent, recipients) -> ReviewSummary:
    return ReviewSummary(
        scope=scope,
        subject_id=subject.pk,
        subject_name=content.metrics["subject"]["name"],
        calls=content.metrics["volume"]["calls"],
        skill_gaps=[gap["dimension"] for gap in content.skill_gaps],
        recipients=recipients,
    )


def weekly_review_run(
    *,
    week: str | None = None,
    team: str | None = None,
    dry_run: bool = False,
    resend: bool = False,
    wait_timeout_s: float | None = None,
    now: datetime | None = None,
) -> WeeklyRunResult:
    """Review one ISO week (default: the last completed one) for every team, or one manager's (`team`).

    Unanalysed calls of the week are analysed first (batch; offline analyzer without a key), waiting at most
    `wait_timeout_s` (default settings.WEEKLY_REVIEW_WAIT_TIMEOUT_S); what is still missing is listed in
    the reviews. Team reviews are mailed to their manager only; rep reviews are stored for the admin/exports.
    """
    period = week_parse(week) if week else week_last_completed(now=now or timezone.now())
    result = WeeklyRunResult(week=period.label, dry_run=dry_run)
    teams = review_teams(manager=team)
    rep_ids = review_reps(teams=teams, period=period, everyone=team is None)
    scope_ids = None if team is None else rep_ids
    if dry_run:
        missing_calls = period_calls_unanalysed(period=period, rep_ids=scope_ids)
        result.missing = [{"call_id": c["id"], "rep_id": c["primary_user_id"], "status": c["status"],
                           "title": c["title"], "reason": "not analysed (dry run analyses nothing)"}
                          for c in missing_calls]  # fmt: skip
    else:
        timeout = settings.WEEKLY_REVIEW_WAIT_TIMEOUT_S if wait_timeout_s is None else wait_timeout_s
        leftovers = week_leftovers_analyse(
            period=period,
            rep_ids=scope_ids,
            wait_timeout_s=timeout,
            poll_interval_s=settings.WEEKLY_REVIEW_POLL_INTERVAL_S,
        )
        result.analysed, result.missing, result.batch_id = leftovers.analysed, leftovers.missing, leftovers.batch_id
    history_start = week_starts_ending(week_for_date(period.start).start, weeks=metrics.TREND_WEEKS)[0]
    index = RepIndex(review_data_load(rep_ids=rep_ids, period=period, history_start=history_start))
    users = index.data.users
    threshold = settings.SKILL_GAP_THRESHOLD

    jobs = [(ReviewScope.REP, users[rep_id], [rep_id], []) for rep_id in rep_ids if rep_id in users]
    for t in teams:
        jobs.append((ReviewScope.TEAM, t.manager, list(t.rep_ids), [t.manager.email] if t.manager.email else []))
    items = []
    for scope, subject, members, recipients in jobs:
        member_set = set(members)
        missing = [m for m in result.missing if m["rep_id"] in member_set]
        content = review_compute(
            index=index, scope=scope, subject=subject, rep_ids=members, threshold=threshold, missing=missing
        )
        if scope == ReviewScope.TEAM:  # leadership's question: do the behaviours we coach predict wins?
            content.metrics["outcomes"] = outcome_validity_block(rep_ids=[*members, subject.pk])
        items.append((_summary(scope, subject, content, recipients), content))
    result.reviews = [summary for summary, _ in items]
    if not dry_run:
        _store_all(week=period, items=items)
    if not dry_run:
        _mail(result, resend=resend)
    logger.info("weekly_review_run", week=period.label, summary=result.summary)
    return result


def _mail(result: WeeklyRunResult, *, resend: bool) -> None:
    """Mail team reviews, after every review is stored (network I/O outside transactions)."""
    for summary in result.reviews:
        if summary.scope != ReviewScope.TEAM or summary.review_id is None:
            continue
        subject = f"Coaching review {result.week}: {summary.subject_name}'s team"
        summary.mail = weekly_review_send(review_id=summary.review_id, subject=subject, resend=resend)
