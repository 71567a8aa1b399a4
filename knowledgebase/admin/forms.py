"""Admin forms: rubric content is edited as YAML and validated with the same schema as every other edge."""

from __future__ import annotations

import yaml
from django import forms
from pydantic import ValidationError
from unfold.widgets import UnfoldAdminTextareaWidget

from knowledgebase.formats import rubric_content_yaml, yaml_load
from knowledgebase.models import DocumentVersion, RubricVersion
from knowledgebase.schemas import document_body_normalize, rubric_content_parse, validation_messages

CODE_ATTRS = {"rows": 36, "spellcheck": "false", "style": "font-family: ui-monospace, monospace; font-size: 13px;"}
RUBRIC_HELP = (
    "criteria: key, name, weight (all weights sum to 100), description, positive_indicators and "
    "negative_indicators (each: text, keywords, optional stat with stat_min/stat_max), anchors '1'–'5'; "
    "na_rule: when the dimension is scored N/A. Saving creates or updates a draft; publishing makes it active."
)


class RubricVersionForm(forms.ModelForm):
    content_yaml = forms.CharField(
        label="Content (YAML)", widget=UnfoldAdminTextareaWidget(attrs=CODE_ATTRS), help_text=RUBRIC_HELP
    )

    class Meta:
        model = RubricVersion
        fields = ["rubric", "change_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound and "content_yaml" in self.fields:
            self.initial["content_yaml"] = rubric_content_yaml(self.instance.content)

    def clean_content_yaml(self) -> dict:
        text = self.cleaned_data["content_yaml"]
        try:
            data = yaml_load(text)
        except yaml.YAMLError as exc:
            raise forms.ValidationError(f"Not valid YAML: {exc}") from exc
        try:
            return rubric_content_parse(data).normalized()
        except ValidationError as exc:
            raise forms.ValidationError(validation_messages(exc)) from exc


class DocumentVersionForm(forms.ModelForm):
    class Meta:
        model = DocumentVersion
        fields = ["document", "title", "body", "change_note"]
        widgets = {"body": UnfoldAdminTextareaWidget(attrs=CODE_ATTRS)}
        help_texts = {"body": "Markdown. Saving creates or updates a draft; publishing makes it active."}

    def clean_body(self) -> str:
        body = document_body_normalize(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("The body cannot be empty.")
        return body
