"""A review's metrics → the HTML report (email, admin, export) and its plain-text twin.

The HTML is built for mail clients: tables, inline CSS, bars as sized table cells (no images, scripts or
external URLs). The view model is computed here so templates only loop and print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string

from coaching.selectors.stats import stat_display, stat_target
from core.display import clock, date_display
from core.escaping import http_link

SCORE_MAX = 5.0
LEVEL_COLOURS = {"1": "#b3261e", "2": "#e8710a", "3": "#f9ab00", "4": "#7cb342", "5": "#1f7a44", "na": "#c4c7c5"}
STATUS_COLOURS = {"ok": "#1f7a44", "high": "#b3261e", "low": "#b3261e", None: "#6b7280"}


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    subject: str


def _signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}"


def _num(value: float | None, digits: int = 2) -> str:
    """Pre-formatted numbers: cheaper than template filters, and the same in HTML, text and Markdown."""
    return "–" if value is None else f"{value:.{digits}f}"


def _arrow(value: float | None) -> str:
    if value is None or abs(value) < 0.05:
        return "→"
    return "↑" if value > 0 else "↓"


def _pct(value: float | None) -> int:
    return 0 if value is None else max(0, min(100, round(value / SCORE_MAX * 100)))


def _dimension_rows(metrics: dict, trends: dict, gaps: set[str]) -> list[dict]:
    rows = []
    for key, block in metrics["dimensions"].items():
        trend = trends.get(key, {})
        weekly = trend.get("weekly", [])
        total = sum(block["distribution"].values()) or 1
        rows.append(
            {
                "key": key,
                "label": block["label"],
                "mean": "–" if block["mean"] is None else f"{block['mean']:.2f}",
                "bar_pct": str(_pct(block["mean"])),
                "scored": str(block["scored"]),
                "vs_previous": _signed(trend.get("change_vs_previous")),
                "vs_period": _signed(block["change_vs_previous_period"]),
                "counts": [str(count) for count in block["distribution"].values()],
                "vs_trailing": _signed(trend.get("change_vs_trailing")),
                "arrow": _arrow(trend.get("change_vs_trailing")),
                "slope": _signed(trend.get("slope"), 3),
                "direction": trend.get("direction", "unknown"),
                # 12 weekly bars, 2–24 px tall over the 1–5 scale (0 = no data that week).
                "spark": [str(0 if v is None else max(2, round((v - 1) / (SCORE_MAX - 1) * 24))) for v in weekly],
                "dist": [
                    {
                        "level": level,
                        "count": str(count),
                        "pct": str(round(count / total * 100)),
                        "colour": LEVEL_COLOURS[level],
                    }
                    for level, count in block["distribution"].items()
                    if count
                ],
                "is_gap": key in gaps,
            }
        )
    return rows


def _stat_rows(metrics: dict) -> list[dict]:
    """Stats in the portal's units (coaching.selectors.stats): % for shares, m:ss for durations."""
    return [
        {
            **stat,
            "median_text": stat_display(stat["name"], stat["median"]),
            "target": stat_target(stat["name"]) or "no published range",
            "colour": STATUS_COLOURS[stat["assessment"]],
        }
        for stat in metrics["stats"]
    ]


def review_context(*, metrics: dict, trends: dict, skill_gaps: list[dict], admin_url: str = "") -> dict:
    """Everything the report templates print, pre-formatted."""
    gap_keys = {gap["dimension"] for gap in skill_gaps}
    labels = {key: block["label"] for key, block in metrics["dimensions"].items()}
    overall = trends.get("overall", {})
    calls = [
        {
            **pick,
            "url": http_link(pick.get("url")),
            "at": clock((pick.get("moment") or {}).get("start_ms")),
            "score_text": _num(pick["score"]),
        }
        for pick in metrics["calls_to_review"]
    ]
    gaps = [
        {**gap, "label": labels.get(gap["dimension"], gap["dimension"]), "mean_text": _num(gap["mean"]),
         "slope_text": _num(gap["slope"], 3)}
        for gap in skill_gaps
    ]  # fmt: skip
    reps = [
        {
            **rep,
            "calls": str(rep["calls"]),
            "mean_text": _num(rep["mean"]),
            "change_text": _signed(rep["change_vs_trailing"]),
        }
        for rep in metrics.get("reps", [])
    ]
    return {
        "m": metrics,
        "period_text": f"{date_display(date.fromisoformat(metrics['period']['start']))} to "
        f"{date_display(date.fromisoformat(metrics['period']['end']))}",
        "is_team": metrics["scope"] == "team",
        "dimensions": _dimension_rows(metrics, trends, gap_keys),
        "overall": overall,
        "overall_mean": _num(metrics["overall_mean"]),
        "overall_trailing": _num(overall.get("trailing")),
        "overall_change": _num(overall.get("change_vs_trailing")),
        "overall_arrow": _arrow(overall.get("change_vs_trailing")),
        "stats": _stat_rows(metrics),
        "gaps": gaps,
        "calls": calls,
        "reps": reps,
        "offline": "offline" in metrics["analyzers"],
        "admin_url": admin_url,
    }


def review_render(*, metrics: dict, trends: dict, skill_gaps: list[dict], admin_url: str = "") -> Rendered:
    """HTML (email-safe) and plain text of one review, plus the email subject line."""
    context = review_context(metrics=metrics, trends=trends, skill_gaps=skill_gaps, admin_url=admin_url)
    who = metrics["subject"]["name"]
    scope = "Team" if context["is_team"] else "Rep"
    subject = f"{scope} coaching review {metrics['period']['label']}: {who}"
    context["title"] = subject
    return Rendered(
        html=render_to_string("coaching/email/weekly_review.html", context),
        text=render_to_string("coaching/email/weekly_review.txt", context),
        subject=subject,
    )


def report_render(*, metrics: dict, trends: dict, skill_gaps: list[dict], fmt: str) -> str:
    """A standalone report document: "html" (same body as the email) or "md" (Markdown)."""
    template = {"html": "coaching/report/report.html", "md": "coaching/report/report.md"}[fmt]
    context = review_context(metrics=metrics, trends=trends, skill_gaps=skill_gaps)
    scope = "Team" if context["is_team"] else "Rep"
    context["title"] = f"{scope} coaching report {metrics['period']['label']}: {metrics['subject']['name']}"
    return render_to_string(template, context)


def review_admin_url(*, review_id: int) -> str:
    return f"{settings.PUBLIC_BASE_URL}/admin/coaching/weeklyreview/{review_id}/report/"
