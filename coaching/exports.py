"""A rep's or team's coaching report for any period, as Markdown, HTML, CSV or JSON — honouring visibility.

Used by `manage.py export_coaching_report`, the `export_coaching_report` MCP tool and the admin. The numbers
are the weekly review's (coaching.weekly.compute) over the requested period; a subject the viewer may not see
is NotFound, exactly like one that does not exist.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.conf import settings

from coaching import metrics
from coaching.access import Viewer
from coaching.weekly.compute import RepIndex, dimensions_for, review_compute
from coaching.weekly.render import report_render
from coaching.weekly.selectors import period_calls_unanalysed, review_data_load
from coaching.weekly.weeks import period_for_dates, week_for_date, week_starts_ending
from core.errors import ApplicationError, NotFound
from core.escaping import csv_cell
from gong.selectors import user_get, user_get_by_email, user_reports

Scope = Literal["rep", "team"]
Format = Literal["md", "html", "csv", "json"]
FORMATS: dict[str, tuple[str, str]] = {
    "md": ("md", "text/markdown; charset=utf-8"),
    "html": ("html", "text/html; charset=utf-8"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "json": ("json", "application/json"),
}
MAX_PERIOD_DAYS = 366
CSV_COLUMNS = [
    "scope", "subject_id", "subject_name", "period_start", "period_end", "rep_id", "rep_name", "dimension",
    "mean", "scored", "n1", "n2", "n3", "n4", "n5", "na", "previous_mean", "change_vs_previous_period",
]  # fmt: skip


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    body: str


def _subject_resolve(*, viewer: Viewer, subject: str):
    user = user_get_by_email(email=subject) if "@" in subject else None
    if user is None and "@" not in subject:
        try:
            user = user_get(user_id=subject.strip())
        except NotFound:
            user = None
    if user is None or not viewer.may_see_rep(user.pk):
        raise NotFound(f"No rep or manager {subject!r} is visible to you")
    return user


def _rep_ids(*, viewer: Viewer, scope: Scope, user) -> list[str]:
    if scope == "rep":
        return [user.pk]
    reports = user_reports(manager_id=user.pk, recursive=True)
    if not reports:
        raise ApplicationError(f"{user.name or user.email} has no team (no one reports to them)")
    return sorted(rep for rep in reports if viewer.may_see_rep(rep))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "subject"


def report_export(*, viewer: Viewer, scope: Scope, subject: str, start: date, end: date, fmt: Format) -> Export:
    """The report of `subject` (a Gong user id or email; the manager for a team) from `start` to `end`, inclusive.

    Raises NotFound when the subject does not exist or the viewer may not see it; ApplicationError for a bad
    scope, format or period.
    """
    if scope not in ("rep", "team"):
        raise ApplicationError(f"scope must be 'rep' or 'team', got {scope!r}")
    if fmt not in FORMATS:
        raise ApplicationError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    period = period_for_dates(start, end)
    if period.days > MAX_PERIOD_DAYS:
        raise ApplicationError(f"A report covers at most {MAX_PERIOD_DAYS} days; got {period.days}")
    user = _subject_resolve(viewer=viewer, subject=subject)
    rep_ids = _rep_ids(viewer=viewer, scope=scope, user=user)
    history_start = min(
        week_starts_ending(week_for_date(period.last_day).start, weeks=metrics.TREND_WEEKS)[0],
        week_for_date(period.start).start,
    )
    index = RepIndex(review_data_load(rep_ids=rep_ids, period=period, history_start=history_start, viewer=viewer))
    missing = [
        {"call_id": c["id"], "title": c["title"], "status": c["status"], "rep_id": c["primary_user_id"],
         "reason": c["status_reason"] or f"not analysed ({c['status']})"}
        for c in period_calls_unanalysed(period=period, rep_ids=rep_ids, viewer=viewer)
    ]  # fmt: skip
    content = review_compute(
        index=index, scope=scope, subject=user, rep_ids=rep_ids, threshold=settings.SKILL_GAP_THRESHOLD, missing=missing
    )
    extension, content_type = FORMATS[fmt]
    who = _slug(user.name or user.email or user.pk)
    filename = f"coaching-{scope}-{who}-{period.start}_{period.last_day}.{extension}"
    if fmt == "json":
        payload = {"metrics": content.metrics, "trends": content.trends, "skill_gaps": content.skill_gaps}
        body = json.dumps(payload, indent=2, sort_keys=True, default=str)
    elif fmt == "csv":
        body = _csv(index=index, content=content, rep_ids=rep_ids)
    else:
        body = report_render(metrics=content.metrics, trends=content.trends, skill_gaps=content.skill_gaps, fmt=fmt)
    return Export(filename=filename, content_type=content_type, body=body)


def _csv(*, index: RepIndex, content, rep_ids: list[str]) -> str:
    """One row per rep × dimension (and, for a team, the team's own rows with an empty rep_id first)."""
    m = content.metrics
    base = [m["scope"], m["subject"]["id"], m["subject"]["name"], m["period"]["start"], m["period"]["end"]]
    groups: list[tuple[str, str, dict]] = []
    if m["scope"] == "team":
        groups.append(("", "TEAM", m["dimensions"]))
    for rep_id in rep_ids:
        user = index.data.users.get(rep_id)
        name = (user.name or user.email) if user else rep_id
        groups.append((rep_id, name, m["dimensions"] if m["scope"] == "rep" else dimensions_for(index, [rep_id])))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rep_id, name, dims in groups:
        for dimension, block in dims.items():
            dist = block["distribution"]
            row = [*base, rep_id, name, dimension, block["mean"], block["scored"],
                   dist["1"], dist["2"], dist["3"], dist["4"], dist["5"], dist["na"],
                   block["previous_mean"], block["change_vs_previous_period"]]  # fmt: skip
            writer.writerow([csv_cell(value) for value in row])  # names come from Gong: never a formula
    return out.getvalue()
