"""Versioned rubrics and product documents. A published version never changes; edits make a new draft."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q

from knowledgebase.dimensions import Dimension


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Rubric(models.Model):
    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    dimension = models.CharField(max_length=30, choices=Dimension.choices)
    # Blank means "any": a role- or call-type-specific rubric wins over the generic one for its dimension.
    role = models.CharField(max_length=10, blank=True)
    call_type = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    active_version = models.ForeignKey(
        "RubricVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "kb_rubric"
        ordering = ["dimension", "role", "call_type"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "role", "call_type"], name="kb_rubric_scope_uniq"),
        ]
        permissions = [("edit_knowledgebase", "Can edit rubrics and product documents (coaching ops)")]

    def __str__(self) -> str:
        return self.name


class RubricVersion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    # {"criteria": [{"key", "name", "weight", "description", "positive_indicators": [...],
    #   "negative_indicators": [...], "anchors": {"1": ..., "5": ...}}], "na_rule": "..."}
    content = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64)
    change_note = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "kb_rubric_version"
        ordering = ["rubric", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="kb_rubric_version_number_uniq"),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT, published_at__isnull=True)
                | Q(status=VersionStatus.PUBLISHED, published_at__isnull=False),
                name="kb_rubric_version_published_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rubric} v{self.number}"


class DocumentKind(models.TextChoices):
    PRODUCT = "product", "Product facts"
    PRICING = "pricing", "Pricing"
    POSITIONING = "positioning", "Positioning"
    COMPETITOR = "competitor", "Competitor notes"
    OBJECTION_PLAYBOOK = "objection_playbook", "Objection playbook"
    OTHER = "other", "Other"


class Document(models.Model):
    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    product = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.PRODUCT)
    active_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "kb_document"
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    title = models.CharField(max_length=200)
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "body", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    change_note = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "kb_document_version"
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="kb_document_version_number_uniq"),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT, published_at__isnull=True)
                | Q(status=VersionStatus.PUBLISHED, published_at__isnull=False),
                name="kb_document_version_published_at",
            ),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="kb_document_version_fts_idx")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"
