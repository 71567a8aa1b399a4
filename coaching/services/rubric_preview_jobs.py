"""The rubric draft preview with Claude, run by a queue task instead of inside the web request (a few calls of
20–40 s each would outlast a proxy's timeout and hold a web thread).

One `RubricPreview` row per editor × draft content × chosen calls (`key`): a double submit or a reload finds the
same row and spends nothing again. The task claims the row with a conditional update, re-scores the calls one
after the other and rewrites the row's `result` (the page's JSON) after each one, so the page can show "N of M
calls done". A task delivered twice, or re-run after a worker died, skips the calls already answered. Every
request is in the ledger as purpose `rubric_preview`; no score, session or run is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from analysis.selectors import ledger_spend
from analysis.services import call_rescore_claude
from coaching.models import DimensionScore, PreviewStatus, RubricPreview
from coaching.services.rubric_preview_claude import (
    PURPOSE,
    PreviewCall,
    claude_unavailable,
    draft_of,
    preview_calls,
    rubric_preview_claude_plan,
)
from core.errors import ApplicationError
from knowledgebase.dimensions import DIMENSIONS, Dimension
from knowledgebase.selectors import rubric_version_get

logger = logging.getLogger(__name__)

KEEP_DAYS = 30  # previews older than this are deleted when a new one is asked for
TASK = "coaching.tasks.rubric_preview_run"
UNFINISHED = (PreviewStatus.QUEUED, PreviewStatus.RUNNING)


def preview_key(*, version, score_ids: list[int], editor_id: int) -> str:
    """The same draft content, calls and editor give the same key (so the same preview)."""
    content = json.dumps(version.content or {}, sort_keys=True, separators=(",", ":"), default=str)
    material = [version.pk, hashlib.sha256(content.encode()).hexdigest(), sorted(set(score_ids)), editor_id]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


def _stale_before() -> dt.datetime:
    """An unfinished row not touched for longer than a task may run (django-q kills it then) has lost its task."""
    return timezone.now() - dt.timedelta(seconds=settings.Q_CLUSTER["timeout"])


def _restartable(preview: RubricPreview) -> bool:
    return preview.status == PreviewStatus.FAILED or (
        preview.status in UNFINISHED and preview.updated_at < _stale_before()
    )


def _enqueue(preview_id: int) -> None:
    """Hand the preview to the queue (the row is committed already: get_or_create runs in autocommit)."""
    async_task(TASK, preview_id, task_name=f"rubric_preview:{preview_id}", group="rubric_preview")


def rubric_preview_claude_start(*, version_id: int, score_ids: list[int], editor_id: int) -> RubricPreview:
    """Ask for a Claude preview of the draft on the chosen calls, for this editor: the existing one when it was
    asked for already (queued, running or done — nothing is spent again), else a new row and a queue task. A
    failed one, or one whose task was lost, is queued again and resumes where it stopped. ApplicationError, in
    words, when it may not run (no key, no call chosen, too many, budget)."""
    version = rubric_version_get(version_id=version_id)
    score_ids = sorted(set(score_ids))
    key = preview_key(version=version, score_ids=score_ids, editor_id=editor_id)
    preview = RubricPreview.objects.filter(key=key).first()
    if preview is not None and not _restartable(preview):
        return preview
    plan = rubric_preview_claude_plan(version_id=version_id, score_ids=score_ids)
    if plan.refusal:
        raise ApplicationError(plan.refusal)
    RubricPreview.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=KEEP_DAYS)).delete()
    cost = plan.estimate.cost_realtime_usd
    preview, created = RubricPreview.objects.get_or_create(
        key=key,
        defaults={
            "version_id": version_id, "editor_id": editor_id, "score_ids": score_ids,
            "total": len({call.call_id for call in plan.calls}),
            "result": {"estimate_usd": None if cost is None else str(cost)},
        },
    )  # fmt: skip
    if not created:
        if not _restartable(preview):
            return preview  # the other submit of a double click created it a moment ago
        restarted = RubricPreview.objects.filter(pk=preview.pk, updated_at=preview.updated_at).update(
            status=PreviewStatus.QUEUED, error="", updated_at=timezone.now()
        )
        if not restarted:
            return RubricPreview.objects.get(pk=preview.pk)
    try:
        _enqueue(preview.pk)
    except Exception as exc:  # broker down: say so on the row, a new submit queues it again
        not_started = RubricPreview.objects.filter(pk=preview.pk, status=PreviewStatus.QUEUED).update(
            status=PreviewStatus.FAILED, error=f"It could not be queued ({type(exc).__name__}): try again."
        )
        if not_started:
            raise ApplicationError("The preview could not be queued: try again in a moment.") from exc
        # Q_CLUSTER sync (tests, debugging): the task ran here and failed; its row says how.
        logger.exception("rubric preview %s failed in a synchronous queue", preview.pk)
    preview.refresh_from_db()
    return preview


def _claim(preview_id: int) -> bool:
    """Queued → running, or take over a running row whose task died; False when another task has it or it is done."""
    unfinished = Q(status=PreviewStatus.QUEUED) | Q(status=PreviewStatus.RUNNING, updated_at__lt=_stale_before())
    claimed = RubricPreview.objects.filter(unfinished, pk=preview_id).update(
        status=PreviewStatus.RUNNING, updated_at=timezone.now()
    )
    return bool(claimed)


def _stored(session_ids: list[int]) -> dict[int, dict[str, int | None]]:
    out: dict[int, dict[str, int | None]] = {}
    for session_id, dimension, score in DimensionScore.objects.filter(session_id__in=session_ids).values_list(
        "session_id", "dimension", "score"
    ):
        out.setdefault(session_id, {})[dimension] = score
    return out


def _page(result: dict, *, draft_dimension: str, calls: list[PreviewCall], answers: dict) -> dict:
    """The page's JSON: per chosen call and dimension the stored score and the draft's (a call not answered yet is
    pending), the estimate and the cost so far from the ledger."""
    stored = _stored([call.session_id for call in calls])
    spend = ledger_spend(purpose=PURPOSE, call_ids=list(answers), since=dt.datetime.fromisoformat(result["ran_at"]))
    labels = dict(Dimension.choices)
    rows = []
    for call in calls:
        answer = answers.get(call.call_id)
        scores = answer.get(call.speaker_id, {}) if isinstance(answer, dict) else {}
        error = (
            answer
            if isinstance(answer, str)
            else ("" if scores or answer is None else "Claude did not score this rep.")
        )
        rows.append(
            {
                "title": call.title, "rep": call.rep, "started": call.started.isoformat(), "analyzer": call.analyzer,
                "pending": answer is None, "error": error,
                "dimensions": [
                    {
                        "label": labels[dimension], "is_draft": dimension == draft_dimension,
                        "now": stored.get(call.session_id, {}).get(dimension), "draft": scores.get(dimension),
                    }
                    for dimension in DIMENSIONS
                ],
            }
        )  # fmt: skip
    return {
        **result, "dimension": labels[draft_dimension], "answers": answers, "calls": rows,
        "cost_usd": str(spend.cost_usd), "requests": spend.requests, "failed": spend.failed, "unpriced": spend.unpriced,
    }  # fmt: skip


def _save(preview_id: int, **fields) -> None:
    RubricPreview.objects.filter(pk=preview_id).update(**fields, updated_at=timezone.now())


def _done(call_ids: list[str], answers: dict) -> int:
    return sum(1 for call_id in call_ids if call_id in answers)


def _fail(preview_id: int, error: str) -> str:
    _save(preview_id, status=PreviewStatus.FAILED, error=error)
    return f"rubric preview {preview_id}: failed: {error}"


def rubric_preview_claude_run(*, preview_id: int) -> str:
    """The task's work: re-score the preview's calls by Claude with the draft in place (realtime, one after the
    other; a failed call is recorded on that call), saving progress and the page's JSON after each call. Returns
    a one-line summary (django-q keeps it as the task result)."""
    if not _claim(preview_id):
        return f"rubric preview {preview_id}: nothing to do (done, gone, or another task has it)"
    preview = RubricPreview.objects.select_related("version__rubric").filter(pk=preview_id).first()
    if preview is None:  # the draft was deleted meanwhile (its previews with it)
        return f"rubric preview {preview_id}: gone"
    version = preview.version
    if preview_key(version=version, score_ids=preview.score_ids, editor_id=preview.editor_id) != preview.key:
        return _fail(preview_id, "The draft was edited after this preview was asked for: preview it again.")
    if reason := claude_unavailable():
        return _fail(preview_id, reason)
    try:
        draft = draft_of(version)
        calls = preview_calls(version_id=version.pk, score_ids=preview.score_ids)
        result = {**preview.result}
        result.setdefault("ran_at", timezone.now().isoformat())
        answers: dict = dict(result.get("answers") or {})
        call_ids = list(dict.fromkeys(call.call_id for call in calls))
        page = _page(result, draft_dimension=draft.dimension, calls=calls, answers=answers)
        _save(preview_id, total=len(call_ids), done=_done(call_ids, answers), result=page)
        for call_id in call_ids:
            if isinstance(answers.get(call_id), dict):
                continue  # answered before this task was re-run: not spent again (a failed call is tried again)
            try:
                answers[call_id] = call_rescore_claude(call_id=call_id, draft=draft)
            except ApplicationError as exc:
                answers[call_id] = exc.message
            page = _page(result, draft_dimension=draft.dimension, calls=calls, answers=answers)
            _save(preview_id, done=_done(call_ids, answers), result=page)
    except Exception as exc:
        _fail(preview_id, f"The preview stopped unexpectedly ({type(exc).__name__}); run it again to finish it.")
        raise
    _save(preview_id, status=PreviewStatus.DONE)
    failed = sum(1 for answer in answers.values() if isinstance(answer, str))
    return f"rubric preview {preview_id}: {len(answers)} of {len(call_ids)} calls re-scored by Claude, {failed} failed"
