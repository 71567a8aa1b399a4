"""One Claude analysis of one call: plan chunks, one structured request per chunk (one in total below the
chunk threshold), one repair attempt for an invalid answer, verify quotes, merge. Network only — the caller
writes the run row; every request is written to the ledger as it happens (outside any transaction)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from pydantic import ValidationError

from analysis import prompts
from analysis.chunking import Window, windows_plan
from analysis.claude import ClaudeError, ClaudeReply, message_create, message_request, tokens_count
from analysis.merge import results_merge
from analysis.models import ApiPurpose, RunMode
from analysis.pricing import TokenUsage
from analysis.quotes import PartIndex, TranscriptIndex
from analysis.render import lines_text
from analysis.results import Verification, answer_check, speakers_from_answer
from analysis.schemas import CallAnalysisResult, LlmAnalysis, answer_model
from analysis.scoring import SCORING_CONTRACT
from analysis.services.cache_ttl import NO_CACHE, prompt_cache_ttl
from analysis.services.ledger import api_call_open, api_call_record
from analysis.tokens import calibration


@dataclass
class Spend:
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost: Decimal | None = Decimal("0")
    requests: int = 0

    def add(self, usage: TokenUsage, cost: Decimal | None) -> None:
        self.usage = self.usage + usage
        self.cost = None if cost is None or self.cost is None else self.cost + cost
        self.requests += 1


@dataclass
class ClaudeOutcome:
    result: CallAnalysisResult | None
    spend: Spend
    latency_ms: int
    transcript_tokens: int
    chunk_count: int
    error: str = ""


# Purposes whose every request — token counts, chunks and repairs too — keeps the purpose, so the ledger shows
# them apart (a token count is a $0 row either way; reports group rows by purpose and count them as requests).
KEEP_PURPOSE = frozenset({ApiPurpose.RUBRIC_PREVIEW})


class AnswerInvalid(Exception):
    pass


def _count(inp, run_id: int | None, purpose: str = ApiPurpose.TOKEN_COUNT) -> int | None:
    """The count endpoint's figure for the rendered transcript (free; recorded in the ledger at zero cost, as
    token_count — or as the analysis' own purpose when that is kept for all its requests, KEEP_PURPOSE)."""
    started = time.monotonic()
    try:
        text = lines_text(inp.lines, legend=inp.legend)
        counted = tokens_count(system="", messages=[{"role": "user", "content": text}])
    except ClaudeError as exc:
        api_call_record(run_id=run_id, call_id=inp.call.pk, purpose=purpose, error=exc, redaction=inp.redaction)
        return None  # the estimate will do
    latency_ms = int((time.monotonic() - started) * 1000)
    reply = ClaudeReply("", TokenUsage(), "", latency_ms, 1, "", settings.CLAUDE_MODEL)
    api_call_record(run_id=run_id, call_id=inp.call.pk, purpose=purpose, reply=reply, redaction=inp.redaction)
    return counted


def windows_for(
    inp, *, count_with_api: bool, run_id: int | None = None, purpose: str = ApiPurpose.TOKEN_COUNT
) -> tuple[list[Window], int]:
    """Chunk windows and the rendered transcript's token count (calibrated by the count endpoint near the limit).

    ANALYSIS_CHUNK_TOKENS counts the transcript's own words (raw tokens): a call whose raw transcript fits is one
    request, however much the speaker tags add; a longer one gets windows of about that many raw tokens each,
    overlapping by whole turns."""
    rendered = sum(line.tokens for line in inp.lines)
    budget = settings.ANALYSIS_CHUNK_TOKENS
    factor = 1.0
    if count_with_api and rendered > budget // 2:
        counted = _count(inp, run_id, purpose)
        factor = calibration(estimated=rendered + len(inp.legend) // 4, counted=counted)
    sizes = [max(1, round(line.tokens * factor)) for line in inp.lines]
    overhead = max(1.0, rendered / inp.raw_tokens) if inp.raw_tokens else 1.0
    starts = [i == 0 or line.turn_index != inp.lines[i - 1].turn_index for i, line in enumerate(inp.lines)]
    windows = windows_plan(
        sizes, max_tokens=round(budget * overhead), overlap=settings.ANALYSIS_CHUNK_OVERLAP, turn_starts=starts
    )
    return windows, round(rendered * factor)


def answer_model_for(inp) -> type[LlmAnalysis]:
    """This call's answer model: criterion keys from its rubrics (the same for every call under that knowledge)."""
    criteria = {d: [c["key"] for c in r.content.get("criteria", [])] for d, r in inp.snapshot.rubrics.items()}
    return answer_model(criteria=criteria)


def requests_for(inp, windows: list[Window], *, ttl: str | None = None) -> list[dict]:
    """The Messages request body per window (same system prefix, so all but the first read it from cache). The
    prompt-cache TTL ("5m" | "1h" | "none") is chosen from the measured call rate and the number of requests unless
    given (services/cache_ttl.py)."""
    ttl = ttl or prompt_cache_ttl(requests=len(windows))
    system = prompts.system_blocks(snapshot=inp.snapshot, documents=inp.documents, ttl=ttl)
    bodies = []
    for number, window in enumerate(windows, start=1):
        text = prompts.user_text(
            call=inp.call,
            speakers=inp.internal,
            stats=inp.stats,
            transcript=lines_text(inp.lines[window.start : window.end], legend=inp.legend),
            part=(number, len(windows)) if len(windows) > 1 else None,
        )
        bodies.append(
            message_request(
                system=system,
                messages=[{"role": "user", "content": text}],
                output_model=answer_model_for(inp),
                max_tokens=settings.CLAUDE_MAX_OUTPUT_TOKENS,
            )
        )
    return bodies


def _invalid_detail(exc: Exception) -> str:
    """What was wrong, without the answer's own text: pydantic's message quotes the input (which can be transcript
    quotes), and this reason is stored, shown and logged."""
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_input=False, include_url=False)
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in errors[:3]]
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        return f"{len(errors)} validation error(s): " + "; ".join(parts) + more
    return str(exc)


def answer_parse(reply: ClaudeReply, *, speaker_ids: list[str], model: type[LlmAnalysis] = LlmAnalysis) -> LlmAnalysis:
    try:
        answer = model.model_validate_json(reply.text)
        answer_check(answer, speaker_ids=speaker_ids)
    except (ValidationError, ValueError) as exc:
        raise AnswerInvalid(
            _invalid_detail(exc)[:400] + (" (answer cut at max_tokens)" if reply.stop_reason == "max_tokens" else "")
        ) from exc
    return answer


def request_ttl(request: dict) -> str:
    """The prompt-cache TTL a request asks for ("none" when nothing in it is marked for the cache)."""
    for block in request.get("system") or []:
        if isinstance(block, dict) and block.get("cache_control"):
            return block["cache_control"].get("ttl", "5m")
    return NO_CACHE


def _send(request: dict, *, inp, run_id: int | None, purpose: str, spend: Spend) -> ClaudeReply:
    redaction, ttl = inp.redaction, request_ttl(request)
    opened = api_call_open(
        run_id=run_id, call_id=inp.call.pk, purpose=purpose, model=request["model"], redaction=redaction
    )
    try:
        reply = message_create(request=request)
    except ClaudeError as exc:
        api_call_record(
            run_id=run_id, call_id=inp.call.pk, purpose=purpose, error=exc, model=request["model"], opened=opened,
            redaction=redaction, cache_ttl=ttl,
        )  # fmt: skip
        raise
    usage, cost = api_call_record(
        run_id=run_id, call_id=inp.call.pk, purpose=purpose, reply=reply, opened=opened, redaction=redaction,
        cache_ttl=ttl,
    )  # fmt: skip
    spend.add(usage, cost)
    return reply


def answer_with_repair(
    request: dict,
    *,
    inp,
    run_id: int | None,
    purpose: str,
    spend: Spend,
    first: ClaudeReply | None = None,
    mode: str = RunMode.REALTIME,
) -> LlmAnalysis:
    """Send (unless `first` is a reply already received), validate; one repair turn on an invalid answer."""
    speaker_ids = [speaker.speaker_id for speaker in inp.internal]
    model = answer_model_for(inp)
    reply = first or _send(request, inp=inp, run_id=run_id, purpose=purpose, spend=spend)
    try:
        return answer_parse(reply, speaker_ids=speaker_ids, model=model)
    except AnswerInvalid as exc:
        repair = {
            **request,
            "messages": [
                *request["messages"],
                {"role": "assistant", "content": reply.text or "{}"},
                {"role": "user", "content": prompts.repair_text(error=str(exc))},
            ],
        }
        repair_purpose = purpose if purpose in KEEP_PURPOSE else ApiPurpose.REPAIR
        second = _send(repair, inp=inp, run_id=run_id, purpose=repair_purpose, spend=spend)
        try:
            return answer_parse(second, speaker_ids=speaker_ids, model=model)
        except AnswerInvalid as again:
            raise AnswerInvalid(f"invalid answer after one repair attempt: {again}") from again


def _part_indexes(inp, index: TranscriptIndex, windows: list[Window] | None, parts: int) -> list[PartIndex]:
    """Per answer, the index as its part sees it: a quote found several times prefers the part's occurrence."""
    if not windows or len(windows) != parts or parts == 1:
        return [PartIndex(index) for _ in range(parts)]
    return [
        PartIndex(index, number, (inp.lines[w.start].turn_index, inp.lines[w.end - 1].turn_index))
        for number, w in enumerate(windows, start=1)
    ]


def result_build(
    inp, answers: list[LlmAnalysis], *, rubric_versions: dict | None = None, windows: list[Window] | None = None
) -> CallAnalysisResult:
    """Verify every answer's quotes against the transcript and merge the chunks."""
    # Quotes come from the text Claude read: with PII redaction on, that is `prompt_turns` (same turns, speakers
    # and timestamps as the stored transcript, placeholders for the redacted spans) — see analysis/redaction.py.
    index, tally = TranscriptIndex(inp.prompt_turns or inp.turns), Verification()
    versions = rubric_versions if rubric_versions is not None else inp.rubric_versions
    chunks = [
        speakers_from_answer(answer, inp=inp, index=part, tally=tally, rubric_versions=versions)
        for answer, part in zip(answers, _part_indexes(inp, index, windows, len(answers)), strict=True)
    ]
    return CallAnalysisResult(
        call_id=inp.call.pk,
        contract=SCORING_CONTRACT,
        analyzer="claude",
        model=inp.model,
        prompt_version=inp.prompt_version,
        speakers=results_merge(chunks, snapshot=inp.snapshot),
        call_stats=inp.stats.get("call", {}),
        chunk_count=len(answers),
        quotes_verified=tally.verified,
        quotes_dropped=tally.dropped,
    )


def claude_analyze(*, inp, run_id: int | None, purpose: str = ApiPurpose.CALL_ANALYSIS) -> ClaudeOutcome:
    """Run the analysis; failures come back as `error` (the reason a person reads), never as an exception."""
    started, spend = time.monotonic(), Spend()
    windows, transcript_tokens = [], 0
    try:
        count_purpose = purpose if purpose in KEEP_PURPOSE else ApiPurpose.TOKEN_COUNT
        windows, transcript_tokens = windows_for(inp, count_with_api=True, run_id=run_id, purpose=count_purpose)
        requests = requests_for(inp, windows)
        chunk_purpose = purpose if len(requests) == 1 or purpose in KEEP_PURPOSE else ApiPurpose.CHUNK_ANALYSIS
        answers = [answer_with_repair(r, inp=inp, run_id=run_id, purpose=chunk_purpose, spend=spend) for r in requests]
        result = result_build(inp, answers, windows=windows)
        error = ""
    except ClaudeError as exc:
        result, error = None, f"Claude request failed after {exc.attempts} attempt(s): {exc}"
    except AnswerInvalid as exc:
        result, error = None, str(exc)
    latency_ms = int((time.monotonic() - started) * 1000)
    return ClaudeOutcome(result, spend, latency_ms, transcript_tokens, len(windows), error[:1000])
