"""The four coaching dimensions every rubric, score and report is keyed by."""

from django.db import models


class Dimension(models.TextChoices):
    PRODUCT_KNOWLEDGE = "product_knowledge", "Product knowledge"
    DISCOVERY = "discovery", "Discovery"
    OBJECTION_HANDLING = "objection_handling", "Objection handling"
    ENGAGEMENT = "engagement", "Engagement"


DIMENSIONS: tuple[str, ...] = tuple(Dimension.values)
