"""Batch-analysis job handles: a signed token naming what was asked for, so progress can be re-read later.

The handle is signed (not encrypted) and bound to the user who started the job: another user's handle, or a
tampered or expired one, is "unknown" — the same answer as a handle that never existed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from core.errors import NotFound

SALT = "callcoach.mcp.batch-job"
MAX_AGE_S = 30 * 24 * 3600
UNKNOWN = "Unknown or expired job handle: start the batch again with call_ids or rep."


@dataclass(frozen=True)
class Job:
    user_id: int
    batch_id: str
    call_ids: tuple[str, ...]
    rep_id: str
    start: str
    end: str


def job_encode(job: Job) -> str:
    data = {"u": job.user_id, "b": job.batch_id, "c": ",".join(job.call_ids), "r": job.rep_id}
    data.update({"s": job.start, "e": job.end})
    return signing.dumps(data, salt=SALT, compress=True)


def job_decode(handle: str, *, user_id: int | None) -> Job:
    try:
        data = signing.loads(handle, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature as exc:
        raise NotFound(UNKNOWN) from exc
    if not isinstance(data, dict) or data.get("u") != user_id:
        raise NotFound(UNKNOWN)
    ids = tuple(filter(None, str(data.get("c", "")).split(",")))
    return Job(
        user_id, str(data.get("b", "")), ids, str(data.get("r", "")), str(data.get("s", "")), str(data.get("e", ""))
    )
