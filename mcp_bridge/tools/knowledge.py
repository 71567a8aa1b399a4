"""Knowledge tools: analyze_product_knowledge (read), update_knowledge_base (coaching ops only)."""

from __future__ import annotations

from typing import Annotated, Literal

import yaml
from fastmcp.exceptions import ToolError
from fastmcp.tools import ToolResult
from pydantic import Field

from coaching.selectors.product_knowledge import product_knowledge_review
from coaching.selectors.reps import rep_resolve
from core.errors import NotFound
from core.selectors import user_get_active
from knowledgebase.selectors import rubric_get, rubric_list
from knowledgebase.services import (
    document_version_publish,
    document_version_submit,
    rubric_version_create_draft,
    rubric_version_publish,
)
from mcp_bridge.budget import clip
from mcp_bridge.paging import page_slice
from mcp_bridge.params import CallId, Cursor, EndDate, StartDate, period
from mcp_bridge.runtime import respond, tool_scope
from mcp_bridge.serializers import clock, num, said

KB_SLUG = r"^[a-z0-9][a-z0-9_-]{0,79}$"


def _error_item(error: dict) -> dict:
    return {
        "call_id": error["call_id"], "date": error["date"], "at": clock(error["start_ms"]),
        "said": clip(error["said"], 240), "correct": clip(error["correct"], 300),
        "doc": error["doc_key"] or None, "doc_title": error["doc_title"] or None,
    }  # fmt: skip


def _coverage(review) -> dict:
    """Say so when the review read only the most recent calls of a larger scope (never a silent cut)."""
    if review.sessions_in_scope <= review.sessions:
        return {}
    return {
        "calls_in_scope": review.sessions_in_scope,
        "covered": f"the {review.sessions} most recent calls of {review.sessions_in_scope}: "
        "narrow `start`/`end` to review older ones",
    }


def analyze_product_knowledge(
    call_id: Annotated[CallId | None, Field(description="One call to review (or give `rep` instead).")] = None,
    rep: Annotated[str | None, Field(max_length=254, description="A rep (email, name, id or 'me').")] = None,
    start: StartDate = None,
    end: EndDate = None,
    limit: Annotated[int, Field(ge=1, le=50, description="Errors per page, and statements shown (1–50).")] = 20,
    cursor: Cursor = None,
) -> ToolResult:
    """Product knowledge for one call, or for a rep over a period (default: the last 90 days): the product
    statements quoted as evidence with their product_knowledge score (weakest first), the wrong statements the
    analysis found — what was said, the correct fact and the knowledge-base document it comes from (`doc` key,
    `doc_title`) — and the documents to study, most needed first. `errors` is paged with `cursor`.
    Give exactly one of `call_id` or `rep`.
    """
    with tool_scope("analyze_product_knowledge") as viewer:
        if bool(call_id) == bool(rep):
            raise ToolError("Give exactly one of `call_id` (one call) or `rep` (a rep over a period).")
        rep_id, period_out = None, None
        if rep:
            start, end = period(start, end)
            rep_id = rep_resolve(viewer=viewer, ref=rep).pk
            period_out = {"start": start.isoformat(), "end": end.isoformat()}
        review = product_knowledge_review(viewer=viewer, call_id=call_id, rep_id=rep_id, start=start, end=end)
        page = page_slice(
            review.errors,
            cursor=cursor,
            limit=limit,
            query={"tool": "analyze_product_knowledge", "call": call_id, "rep": rep_id, "period": period_out},
            render=_error_item,
        )
        return respond(
            {
                "scope": {"call_id": call_id} if call_id else {"rep_id": rep_id, **(period_out or {})},
                "calls": review.sessions,
                **_coverage(review),
                "offline": review.offline_sessions,
                "product_knowledge_mean": num(review.mean_score),
                "errors_total": len(review.errors),
                "errors": page.items,
                "next_cursor": page.next_cursor,
                "statements": [
                    {"call_id": s["call_id"], "at": clock(s["start_ms"]), "s": s["score"], "q": said(s["quote"], 240)}
                    for s in review.statements[:limit]
                ],
                "docs_to_study": [
                    {"key": doc["key"], "title": doc["title"], "errors": doc["errors"], "why": doc["why"]}
                    for doc in review.docs[:10]
                ],
            }
        )


def _rubric_content(text: str) -> dict:
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ToolError(f"`content` is not valid YAML/JSON{where}; send the rubric criteria as YAML or JSON.") from None
    if isinstance(content, dict) and isinstance(content.get("content"), dict):
        content = content["content"]  # a whole exported rubric file: take its content
    if not isinstance(content, dict) or "criteria" not in content:
        raise ToolError("`content` must be a mapping with `criteria` (and `na_rule`), as the rubric files have.")
    return content


def _rubric_update(*, key: str, content: str, change_note: str, publish: bool, user) -> dict:
    try:
        rubric = rubric_get(key=key)
    except NotFound:
        keys = ", ".join(rubric_list().values_list("key", flat=True)[:20]) or "none yet"
        raise ToolError(f"No rubric with key {key!r}; known keys: {keys}.") from None
    active_before = rubric.active_version_id
    version = rubric_version_create_draft(
        rubric_id=rubric.pk, content=_rubric_content(content), author=user, change_note=change_note
    )
    if publish and version.status != "published":
        version = rubric_version_publish(version_id=version.pk, user=user)
    return {"kind": "rubric", "key": rubric.key, "version": version.number, "version_id": version.pk,
            "status": version.status, "unchanged": version.pk == active_before,
            "criteria": len((version.content or {}).get("criteria", []))}  # fmt: skip


def _document_update(*, key: str, content: str, title, doc_kind, change_note: str, publish: bool, user) -> dict:
    try:  # one transaction: an invalid draft never leaves a new, empty document behind
        document, version, active_before = document_version_submit(
            key=key, body=content, title=title, kind=doc_kind or "", author=user, change_note=change_note
        )
    except NotFound:
        raise ToolError(f"No document with key {key!r}; give `title` (and `doc_kind`) to create it.") from None
    if publish and version.status != "published":
        version = document_version_publish(version_id=version.pk, user=user)
    return {"kind": "document", "key": document.key, "version": version.number, "version_id": version.pk,
            "status": version.status, "unchanged": version.pk == active_before, "chars": len(version.body)}  # fmt: skip


def update_knowledge_base(
    kind: Annotated[Literal["rubric", "document"], Field(description="What to change.")],
    key: Annotated[str, Field(pattern=KB_SLUG, description="The rubric or document key, e.g. discovery, pricing.")],
    content: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200_000,
            description="Rubric: the full criteria as YAML or JSON (criteria, na_rule). Document: the Markdown body.",
        ),
    ],
    title: Annotated[str | None, Field(max_length=200, description="Document title (needed for a new one).")] = None,
    doc_kind: Annotated[
        Literal["product", "pricing", "positioning", "competitor", "objection_playbook", "other"] | None,
        Field(description="Kind of a new document (default product)."),
    ] = None,
    change_note: Annotated[str, Field(max_length=500, description="Why it changes (shown in the history).")] = "",
    publish: Annotated[bool, Field(description="Publish now (new analyses use it at once); default: draft.")] = False,
) -> ToolResult:
    """Create a new version of a scoring rubric or a product document — a draft by default, published (made
    active for new analyses) only when `publish` is true. Published versions never change; identical content
    creates nothing (`unchanged`: true). Only coaching ops may use this tool. Invalid rubric content is
    rejected with the problems listed (weights must sum to 100; anchors 1–5; positive and negative indicators).
    """
    with tool_scope("update_knowledge_base") as viewer:
        if not viewer.can_edit_kb:
            raise ToolError("Only coaching ops may change the knowledge base; ask someone in the coaching ops group.")
        user = user_get_active(user_id=viewer.user_id)
        if kind == "rubric":
            result = _rubric_update(key=key, content=content, change_note=change_note, publish=publish, user=user)
        else:
            result = _document_update(
                key=key, content=content, title=title, doc_kind=doc_kind, change_note=change_note,
                publish=publish, user=user,
            )  # fmt: skip
        return respond(result)
