"""The rubric draft form page: save, add a criterion, rebalance the weights — all plain form submits, so it works
without JavaScript (a small script only keeps the weight total live). Saving goes through the rubric services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from pydantic import ValidationError

from core.errors import ApplicationError
from knowledgebase.admin.rubric_form import (
    CriterionFormSet,
    RubricMetaForm,
    messages_in_names,
    rubric_form_content,
    rubric_form_initial,
    weights_total,
)
from knowledgebase.admin.rubric_weights import TOTAL, RebalanceError, weights_rebalance
from knowledgebase.models import RubricVersion
from knowledgebase.schemas import validation_messages
from knowledgebase.services import rubric_version_update_draft

PREFIX = "criteria"


def _number(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _rows(data: QueryDict) -> list[int]:
    """Indexes of the posted criteria not marked for removal."""
    total = _number(data.get(f"{PREFIX}-TOTAL_FORMS")) or 0
    return [i for i in range(min(total, 1000)) if not data.get(f"{PREFIX}-{i}-DELETE")]


def _with_criterion_added(data: QueryDict) -> QueryDict:
    data = data.copy()
    data[f"{PREFIX}-TOTAL_FORMS"] = str((_number(data.get(f"{PREFIX}-TOTAL_FORMS")) or 0) + 1)
    return data


def _rebalanced(data: QueryDict) -> tuple[QueryDict, str]:
    """The posted data with the weights the editor did not change scaled to fill 100; (data, message)."""
    rows = _rows(data)
    weights = [_number(data.get(f"{PREFIX}-{i}-weight")) for i in rows]
    names = [data.get(f"{PREFIX}-{i}-name", "").strip() or "the new criterion" for i in rows]
    blank = [name for name, weight in zip(names, weights, strict=True) if weight is None or weight < 1]
    if blank:
        raise RebalanceError(f"Give every criterion a weight of at least 1 first (missing: {', '.join(blank)}).")
    fixed = {
        position
        for position, i in enumerate(rows)
        if _number(data.get(f"{PREFIX}-{i}-weight_was")) != weights[position]
    }
    new = weights_rebalance(weights, fixed=fixed)
    data = data.copy()
    for i, weight in zip(rows, new, strict=True):
        data[f"{PREFIX}-{i}-weight"] = data[f"{PREFIX}-{i}-weight_was"] = str(weight)
    kept = [names[p] for p in sorted(fixed)] if fixed and len(fixed) < len(rows) else []
    how = (
        f"kept {', '.join(kept)} as you set {'it' if len(kept) == 1 else 'them'}, scaled the others"
        if kept
        else ("scaled them all in proportion")
    )
    return data, f"Weights rebalanced to {TOTAL}: {how}. Not saved yet: check them, then save the draft."


def _save(request: HttpRequest, version: RubricVersion, meta, criteria) -> tuple[bool, list[str]]:
    """(saved, errors in plain words)."""
    if not (meta.is_valid() and criteria.is_valid()):
        return False, []
    total = weights_total(criteria)
    if total != TOTAL:
        return False, [
            f"The weights add up to {total}, not {TOTAL}. Change them, or press “Rebalance weights” to scale the "
            "ones you did not change."
        ]
    try:
        content, notes = rubric_form_content(meta, criteria, keep=version.content or {})
    except forms.ValidationError as exc:
        return False, list(exc.messages)
    except ValidationError as exc:
        return False, messages_in_names(validation_messages(exc), criteria)
    try:
        rubric_version_update_draft(
            version_id=version.pk, content=content, change_note=meta.cleaned_data["change_note"], author=request.user
        )
    except ApplicationError as exc:  # e.g. published meanwhile: say so, keep what was typed on the page
        return False, [exc.message]
    messages.success(request, " ".join([f"Saved {version.rubric.name} v{version.number} (draft).", *notes]))
    return True, []


def rubric_form_page(request: HttpRequest, admin_site, version: RubricVersion) -> HttpResponse:
    """GET: the draft as a form. POST: `add_criterion`, `rebalance`, or save."""
    errors: list[str] = []
    if request.method == "POST":
        data = request.POST
        if "add_criterion" in data:
            data = _with_criterion_added(data)
            messages.info(request, "A new criterion was added at the end: fill it in, then save the draft.")
        elif "rebalance" in data:
            try:
                data, note = _rebalanced(data)
                messages.info(request, note)
            except RebalanceError as exc:
                errors = [str(exc)]
        meta, criteria = RubricMetaForm(data), CriterionFormSet(data, prefix=PREFIX)
        if not ({"add_criterion", "rebalance"} & set(request.POST)):
            saved, errors = _save(request, version, meta, criteria)
            if saved:
                return HttpResponseRedirect(request.path)
        total = sum(_number(data.get(f"{PREFIX}-{i}-weight")) or 0 for i in _rows(data))
    else:
        meta_initial, criteria_initial = rubric_form_initial(version.content or {})
        meta_initial["change_note"] = version.change_note
        meta = RubricMetaForm(initial=meta_initial)
        criteria = CriterionFormSet(initial=criteria_initial, prefix=PREFIX)
        total = sum(item.get("weight") or 0 for item in criteria_initial)
    context = {
        **admin_site.each_context(request),
        "title": f"Edit {version.rubric.name} v{version.number} (draft)",
        "opts": RubricVersion._meta,
        "version": version,
        "meta": meta,
        "criteria": criteria,
        "errors": errors,
        "weight_total": total,
        "yaml_url": reverse("admin:knowledgebase_rubricversion_change", args=[version.pk]),
        "preview_url": reverse("admin:knowledgebase_rubricversion_rescore", args=[version.pk]),
    }
    return TemplateResponse(request, "admin/knowledgebase/rubric_form.html", context)
