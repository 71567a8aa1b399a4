"""A rubric draft edited as a form: the N/A rule, the error cap and one block per criterion (key, name, weight,
description, whether it caps the score, observable indicators, anchors 1–5). YAML stays as the advanced view.

Indicators are one per line: ``text | keywords: a, b | stat: talk_ratio 0.3..0.65`` (the keyword and stat parts
are optional). Content is validated by the same schema as YAML and saved through the rubric services.
"""

from __future__ import annotations

from django import forms

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
    key = forms.SlugField(label="Key", max_length=60, help_text="Stable id (letters, digits, _).")
    name = forms.CharField(label="Name", max_length=200)
    weight = forms.IntegerField(
        label="Weight (%)", min_value=1, max_value=100, widget=forms.NumberInput(attrs={"class": "kb-weight"})
    )
    description = forms.CharField(label="What it looks for", widget=TEXT)
    caps_score = forms.BooleanField(label="Caps the dimension's score at its level", required=False)
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
                "weight": criterion.get("weight"), "description": criterion.get("description", ""),
                "caps_score": bool(criterion.get("caps_score")),
                "positive": "\n".join(indicator_line(i) for i in criterion.get("positive_indicators", [])),
                "negative": "\n".join(indicator_line(i) for i in criterion.get("negative_indicators", [])),
                **{f"anchor_{level}": anchors.get(level, "") for level in LEVELS},
            }
        )  # fmt: skip
    return meta, criteria


def rubric_form_content(meta: RubricMetaForm, criteria: forms.BaseFormSet, *, keep: dict) -> dict:
    """The content the valid forms describe, validated by the rubric schema (pydantic.ValidationError when not).
    Calibration examples, which the form does not edit, are kept from `keep`."""
    content: dict = {
        "na_rule": meta.cleaned_data["na_rule"],
        "criteria": [
            {
                "key": form.cleaned_data["key"], "name": form.cleaned_data["name"],
                "weight": form.cleaned_data["weight"], "description": form.cleaned_data["description"],
                "positive_indicators": form.cleaned_data["positive"],
                "negative_indicators": form.cleaned_data["negative"],
                "anchors": {level: form.cleaned_data[f"anchor_{level}"] for level in LEVELS},
                **({"caps_score": True} if form.cleaned_data.get("caps_score") else {}),
            }
            for form in criteria.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ],
    }  # fmt: skip
    if meta.cleaned_data.get("error_cap"):
        content["error_cap"] = meta.cleaned_data["error_cap"]
    if keep.get("examples"):
        content["examples"] = keep["examples"]
    return rubric_content_parse(content).normalized()
