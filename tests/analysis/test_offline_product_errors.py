"""The offline analyzer never makes up a "correct fact": a product error needs a document that states it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from analysis.models import AnalysisRun
from analysis.offline import documented_correction
from analysis.services import analysis_for_call
from knowledgebase.models import Document
from tests.factories.analysis import REP_SPEAKER, call_with_reps


@dataclass(frozen=True)
class Doc:
    key: str
    body: str


DOCS = (
    Doc(
        "pricing",
        '# Pricing\n- "Starter is 29 dollars" / "pay month to month" — wrong: Starter is $49, billed annually.',
    ),
    Doc("notes", "Starter is 29 dollars according to an old slide."),
)


def test_the_correction_is_the_documents_own_words_on_the_line_that_names_the_claim_wrong():
    assert documented_correction("starter is 29 dollars", DOCS) == ("pricing", "Starter is $49, billed annually.")
    assert documented_correction("pay month to month", DOCS) == ("pricing", "Starter is $49, billed annually.")


def test_no_document_states_a_correction_so_there_is_no_product_error():
    assert documented_correction("no seat minimum", DOCS) is None
    assert documented_correction("starter is 29 dollars", DOCS[1:]) is None  # mentioned, but not marked wrong
    assert documented_correction("", DOCS) is None


@pytest.mark.django_db
def test_every_offline_product_error_cites_a_document_that_states_its_correct_fact(kb, offline):
    call = call_with_reps(levels={REP_SPEAKER: 1})  # a low level says the wrong facts
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    errors = run.result["speakers"][0]["product_errors"]
    assert errors
    bodies = dict(Document.objects.values_list("key", "active_version__body"))
    for error in errors:
        assert error["correct"] in bodies[error["doc_key"]]
    product = next(d for d in run.result["speakers"][0]["dimensions"] if d["dimension"] == "product_knowledge")
    assert product["score"] is not None and product["score"] <= 2  # the rubric's error_cap
