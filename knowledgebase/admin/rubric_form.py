"""A rubric draft edited as a form: the N/A rule, the error cap and one block per criterion (name, weight,
description, whether it caps the score, observable indicators, anchors 1–5). YAML stays as the advanced view.

A criterion's key is its stable id (stored scores and calibration examples name it): an existing criterion keeps
its key when renamed (a hidden field); a new one gets a key made from its name, which must not clash with another
criterion's. Keys are never shown on the page.

Indicators are one per line: ``text | keywords: a, b | stat: talk_ratio 0.3..0.65`` (the keyword and stat parts
are optional). Content is validated by the same schema as YAML and saved through the rubric services.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.text import slugify

from knowledgebase.schemas import rubric_content_parse

LEVELS = ("1", "2", "3", "4", "5")
TEXT = forms.Textarea(attrs={"rows": 2, "class": "kb-input"})
LINES = forms.Textarea(
    attrs={"rows": 3, "class": "kb-input", "placeholder": "text | keywords: a, b | stat: name min..max"}
)


class RubricMetaForm(forms.Form):
    na_rule = forms.CharField(label="When to score N/A", widget=forms.Textarea(attrs={"rows": 3, "class": "kb-input"}))
    error_cap = forms.IntegerField(
        label="Cap on a verified product error", min_value=1, max_value=5, required=False,
        help_text="A speaker who states a documented wrong fact scores at most this level (blank: no cap).",
    )  # fmt: skip
    change_note = forms.CharField(label="What changed", max_length=500, required=False)


class CriterionForm(forms.Form):
    key = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Name", max_length=200)
    weight = forms.IntegerField(
        label="Weight (%)", min_value=1, max_value=100, widget=forms.NumberInput(attrs={"class": "kb-weight"})
    )
    # The weight as the server last showed it: "Rebalance" keeps the weights the editor changed since then.
    weight_was = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="What it looks for", widget=TEXT)
    caps_score = forms.BooleanField(label="Caps the dimension's score at its level", required=False)
    once_is_enough = forms.BooleanField(
        label="Once in the call is enough", required=False,
        help_text="Tick for something the rep needs to do once (agree a next step, ask what drives the date); "
        "leave unticked for what is judged throughout the call (accuracy, listening).",
    )  # fmt: skip
    positive = forms.CharField(label="Positive indicators (one per line)", widget=LINES)
    negative = forms.CharField(label="Negative indicators (one per line)", widget=LINES)
    anchor_1 = forms.CharField(label="Level 1", widget=TEXT)
    anchor_2 = forms.CharField(label="Level 2", widget=TEXT)
    anchor_3 = forms.CharField(label="Level 3", widget=TEXT)
    anchor_4 = forms.CharField(label="Level 4", widget=TEXT)
    anchor_5 = forms.CharField(label="Level 5", widget=TEXT)

    def clean_positive(self) -> list[dict]:
        return indicators_parse(self.cleaned_data["positive"])

    def clean_negative(self) -> list[dict]:
        return indicators_parse(self.cleaned_data["negative"])


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, can_delete=True, min_num=1, validate_min=True)


def indicator_line(indicator: dict) -> str:
    """One indicator as an editable line."""
    parts = [indicator.get("text", "")]
    if indicator.get("keywords"):
        parts.append("keywords: " + ", ".join(indicator["keywords"]))
    if indicator.get("stat"):
        low = "" if indicator.get("stat_min") is None else f"{indicator['stat_min']:g}"
        high = "" if indicator.get("stat_max") is None else f"{indicator['stat_max']:g}"
        parts.append(f"stat: {indicator['stat']} {low}..{high}")
    return " | ".join(parts)


def indicators_parse(text: str) -> list[dict]:
    """Lines back into indicators; a clear error naming the line when a part cannot be read."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        text_part, *rest = [part.strip() for part in line.split("|")]
        indicator: dict = {"text": text_part, "keywords": []}
        for part in rest:
            label, _, value = part.partition(":")
            if label.strip() == "keywords":
                indicator["keywords"] = [word.strip() for word in value.split(",") if word.strip()]
            elif label.strip() == "stat":
                name, _, bounds = value.strip().partition(" ")
                low, _, high = bounds.strip().partition("..")
                try:
                    indicator.update(
                        stat=name, stat_min=float(low) if low.strip() else None,
                        stat_max=float(high) if high.strip() else None,
                    )  # fmt: skip
                except ValueError as exc:
                    raise forms.ValidationError(f"line {number}: stat bounds must be numbers, like 0.3..0.65") from exc
            else:
                raise forms.ValidationError(f"line {number}: unknown part {part!r}; use 'keywords: …' or 'stat: …'")
        out.append({key: value for key, value in indicator.items() if value is not None})
    if not out:
        raise forms.ValidationError("Give at least one indicator.")
    return out


def rubric_form_initial(content: dict) -> tuple[dict, list[dict]]:
    """(meta form initial, one criterion form initial per criterion) from stored content."""
    meta = {"na_rule": content.get("na_rule", ""), "error_cap": content.get("error_cap")}
    criteria = []
    for criterion in content.get("criteria", []):
        anchors = criterion.get("anchors", {})
        criteria.append(
            {
                "key": criterion.get("key", ""), "name": criterion.get("name", ""),
                "weight": criterion.get("weight"), "weight_was": criterion.get("weight"),
                "description": criterion.get("description", ""),
                "caps_score": bool(criterion.get("caps_score")),
                "once_is_enough": bool(criterion.get("once_is_enough")),
                "positive": "\n".join(indicator_line(i) for i in criterion.get("positive_indicators", [])),
                "negative": "\n".join(indicator_line(i) for i in criterion.get("negative_indicators", [])),
                **{f"anchor_{level}": anchors.get(level, "") for level in LEVELS},
            }
        )  # fmt: skip
    return meta, criteria


def criterion_key_from_name(name: str) -> str:
    """A new criterion's key: its name as a slug with underscores ("Next steps agreed" → "next_steps_agreed")."""
    return re.sub(r"_+", "_", slugify(name).replace("-", "_")).strip("_")[:60]


def _kept_forms(criteria: forms.BaseFormSet) -> list[forms.Form]:
    return [form for form in criteria.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def criteria_keys(criteria: forms.BaseFormSet) -> list[tuple[str, str]]:
    """(key, name) of each kept criterion: existing ones keep their key, new ones get one from their name.
    forms.ValidationError (plain words, names not keys) when a name gives no key or a key is taken."""
    kept = _kept_forms(criteria)
    existing = {form.cleaned_data["key"] for form in kept if form.cleaned_data.get("key")}
    out, seen, problems = [], {}, []
    for form in kept:
        name = form.cleaned_data["name"]
        key = form.cleaned_data.get("key") or criterion_key_from_name(name)
        if not key:
            problems.append(f"“{name}”: a name needs at least one letter or digit.")
        elif key in seen or (not form.cleaned_data.get("key") and key in existing):
            other = seen.get(key) or next(f.cleaned_data["name"] for f in kept if f.cleaned_data.get("key") == key)
            problems.append(f"“{name}” is too close to the name of “{other}”: give each criterion a distinct name.")
        seen.setdefault(key, name)
        out.append((key, name))
    if problems:
        raise forms.ValidationError(problems)
    return out


def weights_total(criteria: forms.BaseFormSet) -> int:
    return sum(form.cleaned_data.get("weight") or 0 for form in _kept_forms(criteria))


def rubric_form_content(meta: RubricMetaForm, criteria: forms.BaseFormSet, *, keep: dict) -> tuple[dict, list[str]]:
    """(content, notes): the content the valid forms describe, validated by the rubric schema
    (pydantic.ValidationError when not; forms.ValidationError for a name that gives no usable key).
    Calibration examples, which the form does not edit, are kept from `keep`, except those of a removed criterion
    (a note says which)."""
    keys = criteria_keys(criteria)
    content: dict = {
        "na_rule": meta.cleaned_data["na_rule"],
        "criteria": [
            {
                "key": key, "name": form.cleaned_data["name"],
                "weight": form.cleaned_data["weight"], "description": form.cleaned_data["description"],
                "positive_indicators": form.cleaned_data["positive"],
                "negative_indicators": form.cleaned_data["negative"],
                "anchors": {level: form.cleaned_data[f"anchor_{level}"] for level in LEVELS},
                **({"caps_score": True} if form.cleaned_data.get("caps_score") else {}),
                **({"once_is_enough": True} if form.cleaned_data.get("once_is_enough") else {}),
            }
            for (key, _name), form in zip(keys, _kept_forms(criteria), strict=True)
        ],
    }  # fmt: skip
    if meta.cleaned_data.get("error_cap"):
        content["error_cap"] = meta.cleaned_data["error_cap"]
    notes = []
    kept_keys = {key for key, _ in keys}
    examples = keep.get("examples") or []
    dropped = [example for example in examples if example.get("criterion") not in kept_keys]
    if dropped:
        names = {c["key"]: c["name"] for c in keep.get("criteria", [])}
        removed = sorted({names.get(e["criterion"], "a removed criterion") for e in dropped})
        notes.append(f"{len(dropped)} calibration example(s) of {', '.join(f'“{n}”' for n in removed)} went with it.")
    if len(dropped) < len(examples):
        content["examples"] = [example for example in examples if example.get("criterion") in kept_keys]
    return rubric_content_parse(content).normalized(), notes


_WHERE = re.compile(r"^criteria\[(\d+)\]")


def messages_in_names(messages: list[str], criteria: forms.BaseFormSet) -> list[str]:
    """Schema messages say where by position (``criteria[1].anchors: …``); say it by the criterion's name."""
    names = [form.cleaned_data.get("name", "") for form in _kept_forms(criteria)]

    def name_of(match: re.Match) -> str:
        index = int(match.group(1))
        return f"“{names[index]}”" if index < len(names) and names[index] else f"criterion {index + 1}"

    return [_WHERE.sub(name_of, message) for message in messages]
