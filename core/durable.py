"""Transactions that must be on disk when they commit, whatever the connection's default.

The queue worker's connections commit asynchronously (config/database.py): a server crash may lose the last
fraction of a second of its commits, which an at-least-once queue re-does. A few rows are not re-doable because
they record something outside the database that already happened — a request Anthropic may bill, a Message Batch
created — and losing them means paying twice or a ledger that under-counts. Those commit inside durable_atomic().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def durable_atomic() -> Iterator[None]:
    """transaction.atomic() whose commit waits for the WAL flush (SET LOCAL synchronous_commit TO ON). Inside a
    caller's transaction it makes that transaction's commit synchronous too — the safe direction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO ON")
        yield
