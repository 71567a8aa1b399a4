"""analyze_product_knowledge and update_knowledge_base."""

from __future__ import annotations

import json

import yaml

from knowledgebase.models import Document, Rubric, RubricVersion, VersionStatus
from tests.mcp.conftest import call_as, call_not_found, rep_not_found


def test_product_knowledge_for_a_rep_lists_errors_with_the_correct_fact_and_its_document(world):
    data = call_as(world.users["mia"], "analyze_product_knowledge", {"rep": "Ada Lovelace"}).data
    assert data["scope"]["rep_id"] == world.gong["ada"].pk
    assert data["calls"] == 6 and data["product_knowledge_mean"] == 3.0
    assert data["errors_total"] == 3
    error = data["errors"][0]
    assert error["said"] == "SSO is included free in the Starter plan"
    assert error["correct"] == "SSO is Enterprise only"
    assert (error["doc"], error["doc_title"]) == ("pricing-and-packaging", "Pricing and packaging")
    assert data["docs_to_study"][0] == {
        "key": "pricing-and-packaging", "title": "Pricing and packaging", "errors": 3, "why": "facts you got wrong"
    }  # fmt: skip
    assert data["statements"][0]["q"] == "How do you coach your forty reps today?"


def test_product_knowledge_for_one_call_pages_its_errors(world):
    data = call_as(world.users["ada"], "analyze_product_knowledge", {"call_id": world.calls["ada"][5]}).data
    assert data["calls"] == 1 and [e["call_id"] for e in data["errors"]] == [world.calls["ada"][5]]
    first = call_as(world.users["ada"], "analyze_product_knowledge", {"rep": "me", "limit": 2}).data
    rest = call_as(
        world.users["ada"], "analyze_product_knowledge", {"rep": "me", "limit": 2, "cursor": first["next_cursor"]}
    )
    ids = [e["call_id"] for e in first["errors"] + rest.data["errors"]]
    assert sorted(ids) == sorted(world.calls["ada"][3:]) and rest.data["next_cursor"] is None


def test_product_knowledge_of_an_invisible_call_or_rep_is_not_found(world):
    hidden = call_as(world.users["zed"], "analyze_product_knowledge", {"call_id": world.calls["ada"][5]})
    assert hidden.is_error and hidden.text == call_not_found(world.calls["ada"][5])
    rep = call_as(world.users["zed"], "analyze_product_knowledge", {"rep": "Ada Lovelace"})
    assert rep.is_error and rep.text == rep_not_found("'Ada Lovelace'")


def test_product_knowledge_needs_exactly_one_of_call_or_rep(world):
    both = call_as(world.users["ada"], "analyze_product_knowledge", {"rep": "me", "call_id": world.calls["ada"][5]})
    neither = call_as(world.users["ada"], "analyze_product_knowledge", {})
    for answer in (both, neither):
        assert answer.is_error
        assert answer.text == "Give exactly one of `call_id` (one call) or `rep` (a rep over a period)."


def _discovery_content(**changes) -> dict:
    content = Rubric.objects.select_related("active_version").get(key="discovery").active_version.content
    content = json.loads(json.dumps(content))
    content["criteria"][0]["description"] += " Ask for a recent example."
    content.update(changes)
    return content


def test_coaching_ops_create_a_draft_rubric_version_then_publish_it(world):
    ops, rubric = world.users["ops"], Rubric.objects.get(key="discovery")
    active_before, content = rubric.active_version_id, _discovery_content()
    args = {"kind": "rubric", "key": "discovery", "content": yaml.safe_dump(content), "change_note": "x"}
    draft = call_as(ops, "update_knowledge_base", args).data
    assert draft["status"] == "draft" and draft["unchanged"] is False and draft["criteria"] == 5
    version = RubricVersion.objects.get(pk=draft["version_id"])
    assert version.status == VersionStatus.DRAFT and version.author_id == ops.pk and version.change_note == "x"
    assert Rubric.objects.get(key="discovery").active_version_id == active_before  # a draft changes nothing yet
    published = call_as(ops, "update_knowledge_base", {**args, "publish": True}).data
    assert published["version_id"] == draft["version_id"] and published["status"] == "published"
    assert Rubric.objects.get(key="discovery").active_version_id == draft["version_id"]
    again = call_as(ops, "update_knowledge_base", {**args, "content": json.dumps(content)}).data
    assert again["unchanged"] is True  # identical to the active version: nothing new


def test_coaching_ops_can_add_a_product_document(world):
    args = {"kind": "document", "key": "battlecard-acme", "title": "Acme battlecard", "doc_kind": "competitor",
            "content": "# Acme\n\nAcme has no SOC 2 report.", "publish": True}  # fmt: skip
    data = call_as(world.users["ops"], "update_knowledge_base", args).data
    assert (data["kind"], data["version"], data["status"]) == ("document", 1, "published")
    document = Document.objects.select_related("active_version").get(key="battlecard-acme")
    assert document.kind == "competitor" and "no SOC 2" in document.active_version.body


def test_only_coaching_ops_may_change_the_knowledge_base(world):
    args = {"kind": "document", "key": "pricing-and-packaging", "content": "Everything is free."}
    for user in ("mia", "ada"):
        answer = call_as(world.users[user], "update_knowledge_base", args)
        assert answer.is_error
        assert answer.text == "Only coaching ops may change the knowledge base; ask someone in the coaching ops group."
    assert "Everything is free." not in Document.objects.get(key="pricing-and-packaging").active_version.body


def test_invalid_rubric_content_is_rejected_with_the_problem(world):
    ops = world.users["ops"]
    broken = call_as(ops, "update_knowledge_base", {"kind": "rubric", "key": "discovery", "content": "criteria: [a, b"})
    assert broken.is_error and broken.text.startswith("`content` is not valid YAML/JSON at line")
    weights = _discovery_content()
    weights["criteria"][0]["weight"] = 90
    bad = call_as(ops, "update_knowledge_base", {"kind": "rubric", "key": "discovery", "content": json.dumps(weights)})
    assert bad.is_error and "100" in bad.text and "\n" not in bad.text
    unknown = call_as(ops, "update_knowledge_base", {"kind": "rubric", "key": "closing", "content": "criteria: []"})
    assert unknown.is_error and unknown.text.startswith("No rubric with key 'closing'; known keys: ")


def test_an_invalid_first_draft_leaves_no_empty_document_behind(world):
    ops = world.users["ops"]
    args = {"kind": "document", "key": "brand-new-doc", "title": "Brand new", "content": "Body text."}
    answer = call_as(ops, "update_knowledge_base", {**args, "content": "   \n  "})
    assert answer.is_error and "non-empty body" in answer.text
    assert not Document.objects.filter(key="brand-new-doc").exists()
    created = call_as(ops, "update_knowledge_base", args).data
    assert created["version"] == 1 and Document.objects.get(key="brand-new-doc").versions.count() == 1


def test_extreme_dates_are_a_clear_tool_error(world):
    for arguments in ({"end": "0001-01-05"}, {"start": "9999-12-25", "end": "9999-12-31"}):
        answer = call_as(world.users["mia"], "get_rep_insights", arguments)
        assert answer.is_error and "out of range" in answer.text, answer.text
