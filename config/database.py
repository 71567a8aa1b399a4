"""Per-process database options: a bounded pool for the web tier, asynchronous commits for the queue worker.

Web tier (gunicorn, many threads per process): Django's psycopg pool (OPTIONS["pool"], psycopg-pool). A request
borrows a connection when it first touches the database and returns it when it ends; min_size connections stay
open, at most max_size exist per process, and a request that waits `timeout` seconds for one raises PoolTimeout
(an OperationalError: 503 + Retry-After, config/errors.py).

Queue worker (`manage.py qcluster` and the processes it forks): `synchronous_commit = off` on every connection, so
the analyses' many small commits do not each wait for a WAL flush — and do not queue their flushes in front of a
webhook's. Webhook commits (web tier) stay synchronous: an accepted delivery is on disk before its 202.

Why an asynchronous worker commit loses nothing that is not re-done (django-q2 1.11's ORM broker):
* PostgreSQL writes commit records to the WAL in order and a crash loses at most the WAL's tail (the last
  ~3 × wal_writer_delay of asynchronous commits); it never loses a commit and keeps a later one. Any synchronous
  commit (a webhook's) flushes everything before it, the worker's commits included.
* A task's writes commit inside the task function, in the worker process, before the function returns; only then
  does the worker put the result on the result queue. The monitor process then saves the result (Task row) and
  acknowledges it (`ORM.acknowledge` = DELETE of the OrmQ row) in later transactions. So in the WAL the ack comes
  after the task's writes: if a crash loses the task's writes it also loses the ack, the OrmQ row's lock expires
  (Q_RETRY_S) and the task runs again. Every task is idempotent (at-least-once delivery), and analysis output is
  re-derivable from the stored transcript.
* Tasks a task enqueues (rows in OrmQ) are lost together with the parent's ack, so the parent re-enqueues them.
* What a re-run can repeat: work outside the database (a Claude request, an e-mail) whose record was in the lost
  tail — the same as when a worker is killed mid-task, which the at-least-once queue already allows for.
* The exceptions record what already happened outside the database and commit synchronously whatever the
  connection's default (core/durable.py): the cost ledger's rows of requests Anthropic may bill
  (analysis/services/ledger.py api_call_open / api_call_record) and the runs naming a created Message Batch
  (analysis/services/batch.py). A server crash cannot take a paid request out of the ledger or lose a billed
  batch (only $0 cache-hit markers may go).
Q_WORKER_SYNCHRONOUS_COMMIT=true turns it off.
"""

from __future__ import annotations

from config.env import WEB, WORKER


class DatabaseSettingsError(ValueError):
    """The pool bounds do not make sense."""


def database_role_options(role: str, *, pool: tuple[int, int, float], worker_synchronous_commit: bool) -> dict:
    """Extra OPTIONS for this process's DATABASES["default"] (empty for management commands and tests)."""
    min_size, max_size, timeout_s = pool
    if role == WEB and max_size > 0:
        if not 0 <= min_size <= max_size:
            raise DatabaseSettingsError(
                f"DB_POOL_MIN_SIZE={min_size} must be between 0 and DB_POOL_MAX_SIZE={max_size}"
            )
        if timeout_s <= 0:
            raise DatabaseSettingsError(f"DB_POOL_TIMEOUT_S={timeout_s} must be positive")
        return {"pool": {"min_size": min_size, "max_size": max_size, "timeout": timeout_s, "name": "callcoach-web"}}
    if role == WORKER and not worker_synchronous_commit:
        return {"options": "-c synchronous_commit=off"}
    return {}
