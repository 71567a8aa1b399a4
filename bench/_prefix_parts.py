"""What the prompt prefix is made of, in tokens by part (the fake's ⌈chars ÷ 4⌉, on the exact text sent).

The cached prefix is what the fake Messages API hashes and bills as the prompt-cache prefix: the request's
`output_config` (the answer's JSON schema, serialised as the fake does) plus the system blocks. Each rubric is
split by deletion: its text with and without calibration examples, level anchors, and N/A rule / error cap;
what remains is the header, criteria and indicators. The uncached header is the per-request user message minus
the transcript lines (call line, dimensions, speakers, stats, legend). Not a benchmark (underscore).
"""

from __future__ import annotations

import copy
import json
import math
from types import SimpleNamespace


def _t(text: str) -> int:
    return math.ceil(len(text) / 4)


def _variant(rubric, content: dict):
    return SimpleNamespace(
        dimension=rubric.dimension, name=rubric.name, number=rubric.number, content=content, key=rubric.key
    )


def rubric_parts(rubric) -> dict:
    from analysis import prompts

    content = rubric.content
    full = _t(prompts.rubric_text(rubric))
    no_examples = {**content, "examples": []}
    no_anchors = copy.deepcopy(content)
    for criterion in no_anchors.get("criteria", []):
        criterion["anchors"] = {}
    no_rules = {**content, "na_rule": "", "error_cap": None}
    examples = full - _t(prompts.rubric_text(_variant(rubric, no_examples)))
    anchors = full - _t(prompts.rubric_text(_variant(rubric, no_anchors)))
    rules = full - _t(prompts.rubric_text(_variant(rubric, no_rules)))
    return {
        "total": full,
        "criteria_and_indicators": full - examples - anchors - rules,
        "anchors": anchors,
        "na_rule_and_cap": rules,
        "calibration_examples": examples,
        "examples_count": len(content.get("examples") or []),
    }


def _schema_parts(output_config: dict) -> dict:
    text = json.dumps(output_config, sort_keys=True)

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "description"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    bare = json.dumps(strip(output_config), sort_keys=True)
    return {"total": _t(text), "descriptions": _t(text) - _t(bare)}


def prefix_composition(inp) -> dict:
    """Token counts by part for one analysis input (the 30K call's; the prefix is the same for every call)."""
    from analysis import prompts
    from analysis.render import lines_text
    from analysis.services.claude_run import requests_for
    from knowledgebase.dimensions import DIMENSIONS

    request = requests_for(inp, [SimpleNamespace(start=0, end=len(inp.lines))], ttl="5m")[0]
    schema = _schema_parts(request["output_config"])
    system = request["system"]
    rubrics = {d: rubric_parts(inp.snapshot.rubrics[d]) for d in DIMENSIONS if d in inp.snapshot.rubrics}
    docs = {doc.key: _t(doc.body.strip()) for doc in inp.documents}
    instructions = _t(prompts.instructions())
    system_tokens = [_t(block["text"]) for block in system]
    prefix = _t(json.dumps(request["output_config"], sort_keys=True) + "".join(b["text"] for b in system))
    user = request["messages"][0]["content"]
    transcript_lines = lines_text(inp.lines)
    header = _t(user) - _t(transcript_lines)
    rubric_total = sum(r["total"] for r in rubrics.values())
    doc_total = sum(docs.values())
    return {
        "cached_prefix_tokens": prefix,
        "schema": schema,
        "instructions": instructions,
        "rubrics_total": rubric_total,
        "rubrics": rubrics,
        "documents_total": doc_total,
        "documents": docs,
        "system_blocks": system_tokens,
        "framing_and_headings": sum(system_tokens) - instructions - rubric_total - doc_total,
        "uncached_header_tokens": header,
        "uncached_header_legend_tokens": _t(inp.legend),
        "rendered_transcript_tokens": _t(transcript_lines),
        "raw_transcript_tokens": inp.raw_tokens,
    }


def composition_table(parts: dict) -> str:
    """The composition as aligned text lines (printed by the bench)."""
    rows = [
        ("cached prefix (schema + system)", parts["cached_prefix_tokens"]),
        ("  output schema (JSON)", parts["schema"]["total"]),
        ("    of which field descriptions", parts["schema"]["descriptions"]),
        ("  instructions", parts["instructions"]),
        ("  rubrics", parts["rubrics_total"]),
    ]
    for dimension, r in parts["rubrics"].items():
        rows.append((f"    {dimension}", r["total"]))
        for key in ("criteria_and_indicators", "anchors", "na_rule_and_cap", "calibration_examples"):
            rows.append((f"      {key}", r[key]))
    rows.append(("  product documents", parts["documents_total"]))
    rows += [(f"    {key}", size) for key, size in parts["documents"].items()]
    rows.append(("  framing and headings", parts["framing_and_headings"]))
    rows.append(("uncached per-request header (incl. legend)", parts["uncached_header_tokens"]))
    rows.append(("  of which speaker legend", parts["uncached_header_legend_tokens"]))
    for name, tokens in (parts.get("levers_not_applied_tokens") or {}).items():
        rows.append((f"not applied: drop {name}", -tokens))
    return "\n".join(f"{label:<48}{value:>7}" for label, value in rows)


def _rubrics_tokens(rubrics, change) -> int:
    from analysis import prompts

    total = 0
    for rubric in rubrics:
        content = change(copy.deepcopy(rubric.content))
        total += _t(prompts.rubric_text(_variant(rubric, content)))
    return total


def _no_keywords(content: dict) -> dict:
    for criterion in content.get("criteria", []):
        for sign in ("positive_indicators", "negative_indicators"):
            for indicator in criterion.get(sign, []):
                indicator["keywords"] = []
    return content


def _stat_indicators_only(content: dict) -> dict:
    for criterion in content.get("criteria", []):
        for sign in ("positive_indicators", "negative_indicators"):
            criterion[sign] = [i for i in criterion.get(sign, []) if i.get("stat")]
    return content


def _one_example(content: dict) -> dict:
    content["examples"] = (content.get("examples") or [])[:1]
    return content


def prefix_levers(inp) -> dict:
    """Tokens the remaining content levers would take off the prefix (not applied: each drops rubric content the
    model sees, a scoring decision to validate with the real model first)."""
    from knowledgebase.dimensions import DIMENSIONS

    rubrics = [inp.snapshot.rubrics[d] for d in DIMENSIONS if d in inp.snapshot.rubrics]
    now = _rubrics_tokens(rubrics, lambda content: content)
    return {
        "indicator_keyword_examples": now - _rubrics_tokens(rubrics, _no_keywords),
        "indicators_without_a_stat": now - _rubrics_tokens(rubrics, _stat_indicators_only),
        "second_calibration_example": now - _rubrics_tokens(rubrics, _one_example),
    }


def levers_projected(levers: dict, results: dict) -> dict:
    """Each lever's effect on the figures, computed from the measured token counts (a projection, not a run):
    a prefix token saves 0.1 warm, 1.25 cold (5m write) input-token equivalents and $0.30/MTok on a warm read."""
    raw = results["call_30k_warm"]["raw_transcript_tokens"]
    warm = results["call_30k_warm"]["billed_input_equivalent"] / raw
    cold = results["call_30k_cold_5m"]["billed_input_equivalent"] / raw
    short = results["short_call_warm"]["input_side_usd_mean"]
    out = {}
    for name, tokens in levers.items():
        out[name] = {
            "prefix_tokens_saved": tokens,
            "call_30k_warm": round(warm - 0.1 * tokens / raw, 4),
            "call_30k_cold": round(cold - 1.25 * tokens / raw, 4),
            "short_call_warm_usd": round(short - 0.3e-6 * tokens, 5),
        }
    return out


def composition() -> dict:
    """The prefix by part (on the 30K call), the uncached header of a short call and the levers not applied."""
    from analysis.services.context import analysis_input_build
    from bench._ratio_calls import sales_call, short_call

    inp = analysis_input_build(call_id=sales_call(raw_tokens=30_000, seed=11).pk)
    parts = prefix_composition(inp)
    short = prefix_composition(analysis_input_build(call_id=short_call(seed=0).pk))
    parts["short_call_uncached_header_tokens"] = short["uncached_header_tokens"]
    parts["levers_not_applied_tokens"] = prefix_levers(inp)
    return parts
