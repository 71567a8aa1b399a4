"""Erasure tombstones: the keyed digests that make an erasure stick (core_erasure_tombstone).

An erased call id, email or Gong user id is kept only as HMAC-SHA256(SECRET_KEY, "<kind>:<subject>"): whoever
already knows a subject can ask "was it erased?", nobody can read one out of the table. Every Gong ingest path
asks `erased_among` before storing anything and skips what matches — logging and counting only how many, never
which (the log would otherwise keep what the erasure removed). Digests made under a key listed in
SECRET_KEY_FALLBACKS still match, so rotating SECRET_KEY (with the old key as a fallback) keeps erasures in force.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

import structlog
from django.conf import settings

from core.metrics import ERASED_SKIPPED
from core.models import ErasureRecord, ErasureTombstone, TombstoneKind

logger = structlog.get_logger(__name__)


def subject_normalize(*, kind: str, subject: str) -> str:
    """Emails compare case-insensitively; ids as given (without surrounding spaces)."""
    subject = (subject or "").strip()
    return subject.lower() if kind == TombstoneKind.PERSON else subject


def subject_digest(*, kind: str, subject: str, key: str | None = None) -> str:
    """The keyed digest of one subject (under SECRET_KEY unless `key` is given)."""
    key = settings.SECRET_KEY if key is None else key
    message = f"{kind}:{subject_normalize(kind=kind, subject=subject)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def subject_digests(*, kind: str, subject: str) -> list[str]:
    """The subject's digest under SECRET_KEY and under every key in SECRET_KEY_FALLBACKS."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [subject_digest(kind=kind, subject=subject, key=key) for key in keys]


def _found(*, kind: str, subjects: Iterable[str]) -> dict[str, tuple[int | None, datetime]]:
    """{subject: (record, tombstoned at)} for the tombstoned subjects, in one query. A subject found only under a
    SECRET_KEY_FALLBACKS key is tombstoned under the current key too (same erasure): once a rotation's old key
    leaves the fallbacks — as Django's rotation advice has it — the subjects seen since still match."""
    by_digest = {d: s for s in {s for s in subjects if s} for d in subject_digests(kind=kind, subject=s)}
    if not by_digest:
        return {}
    rows = ErasureTombstone.objects.filter(subject_digest__in=list(by_digest))
    found: dict[str, tuple[int | None, datetime]] = {}
    current: set[str] = set()
    for digest, record, at in rows.values_list("subject_digest", "record_id", "created_at"):
        subject = by_digest[digest]
        found.setdefault(subject, (record, at))
        if digest == subject_digest(kind=kind, subject=subject):
            current.add(subject)
    stale = [
        ErasureTombstone(kind=kind, subject_digest=subject_digest(kind=kind, subject=subject), record_id=record)
        for subject, (record, _at) in found.items()
        if subject not in current
    ]
    if stale:
        ErasureTombstone.objects.bulk_create(stale, ignore_conflicts=True)
    return found


def erased_among(*, kind: str, subjects: Iterable[str]) -> set[str]:
    """The subjects (as given) that an erasure tombstoned; one query whatever their number."""
    return set(_found(kind=kind, subjects=subjects))


def erasure_holding(*, kind: str, subjects: Iterable[str]) -> dict[str, tuple[int | None, datetime]]:
    """{subject: (the erasure record holding its tombstone, when it was tombstoned)} for the subjects (as given)
    that are tombstoned."""
    return _found(kind=kind, subjects=subjects)


def tombstones_extend(*, record_id: int | None, kind: str, subjects: Iterable[str]) -> None:
    """Tombstone more subjects under an existing erasure (what it covers that turned up later); idempotent."""
    rows = [
        ErasureTombstone(kind=kind, subject_digest=subject_digest(kind=kind, subject=subject), record_id=record_id)
        for subject in {subject_normalize(kind=kind, subject=v) for v in subjects if v}
    ]
    ErasureTombstone.objects.bulk_create(rows, ignore_conflicts=True)


def erased_skip_note(*, path: str, kind: str, count: int) -> None:
    """Log and count records an ingest path did not store because they were erased (how many, never which)."""
    if count:
        ERASED_SKIPPED.labels(path=path, kind=kind).inc(count)
        logger.info("gong_erased_skipped", path=path, kind=kind, count=count)


def tombstones_add(*, record: ErasureRecord, subjects: dict[str, Iterable[str]]) -> int:
    """Tombstone every subject ({kind: subjects}) under the erasure's audit row; already tombstoned ones keep
    their first row (idempotent). Returns how many subjects were given."""
    rows = [
        ErasureTombstone(kind=kind, subject_digest=subject_digest(kind=kind, subject=subject), record=record)
        for kind, values in subjects.items()
        for subject in {subject_normalize(kind=kind, subject=v) for v in values if v}
    ]
    ErasureTombstone.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def tombstones_lift(*, kind: str, subject: str) -> int:
    """Delete the subject's tombstone and every other tombstone its own erasure left: for a person, their calls
    and Gong user ids; for a call, its copy under an older key (see `_found`). Returns how many were deleted (0:
    none on record)."""
    matches = ErasureTombstone.objects.filter(subject_digest__in=subject_digests(kind=kind, subject=subject))
    own = matches if kind == TombstoneKind.PERSON else matches.filter(record__kind=kind)
    record_ids = [r for r in own.values_list("record_id", flat=True) if r]
    deleted, _ = (matches | ErasureTombstone.objects.filter(record_id__in=record_ids)).delete()
    return deleted
