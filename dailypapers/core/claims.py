"""Row claiming for workers, whatever the database: the one place that knows how.

The database is the queue (docs/deployment.md): any number of workers take due rows from the
same table, and no row is taken by two at once.

- PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED``. A worker locks the first due row that
  no other worker holds, without waiting on the ones they do.
- SQLite: one writer at a time (transactions are ``BEGIN IMMEDIATE``, see settings.py), so a
  filtered UPDATE is the lock: only one worker's UPDATE still matches the row.

``claim_one`` takes a lease (the caller's UPDATE, e.g. ``claimed_until``) and commits it, for
work that outlives a transaction; ``claim_many`` does the same for up to N rows in one
transaction; ``claimed_batch`` holds its rows for the length of one transaction, for work done
inside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
# How many candidates a SQLite worker tries before it reports nothing due: another worker may
# win each one between the SELECT and the UPDATE.
CANDIDATES = 20


def claim_one(due: QuerySet[M], order_by: tuple[str, ...], **lease: Any) -> M | None:
    """Apply ``lease`` (field=value) to the first row of ``due`` that no other worker holds
    and return that row, or None when nothing is due. ``due`` must say what "due" means
    (including that an older lease has run out), since it is checked again under the lock."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            pk = (
                due.order_by(*order_by)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return None
            due.model._default_manager.filter(pk=pk).update(**lease)
        return due.model._default_manager.get(pk=pk)
    for pk in due.order_by(*order_by)[:CANDIDATES].values_list("pk", flat=True):
        if due.filter(pk=pk).update(**lease):
            return due.model._default_manager.get(pk=pk)
    return None


def claim_many(
    due: QuerySet[M],
    order_by: tuple[str, ...],
    limit: int,
    related: tuple[str, ...] = (),
    **lease: Any,
) -> list[M]:
    """``claim_one`` for up to ``limit`` rows at once, in ``order_by`` order: one transaction
    instead of one per row (the digests claim their subscriptions so, bench/digests.py).
    ``related``: the foreign keys to load with the rows (``select_related``)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            pks = list(
                due.order_by(*order_by)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:limit]
            )
        else:
            # The IMMEDIATE transaction holds SQLite's one write lock from its first
            # statement: no other worker claims between this SELECT and the UPDATE.
            pks = list(due.order_by(*order_by).values_list("pk", flat=True)[:limit])
        if not pks:
            return []
        # "due" again under the lock or the write lock: a row that stopped being due between
        # the two statements is left alone.
        due.filter(pk__in=pks).update(**lease)
        claimed = due.model._default_manager.filter(pk__in=pks, **lease)
        return list(claimed.select_related(*related).order_by(*order_by))


@contextlib.contextmanager
def claimed_batch(due: QuerySet[M], limit: int) -> Iterator[list[M]]:
    """Up to ``limit`` rows of ``due`` (in its order), held by this worker until the block
    ends; the block runs in one transaction, and other workers get other rows meanwhile."""
    with transaction.atomic():
        if connection.vendor != "postgresql":
            # The IMMEDIATE transaction already holds SQLite's one write lock: other workers
            # wait for it, then find these rows done.
            yield list(due[:limit])
            return
        rows = list(due.select_for_update(skip_locked=True, of=("self",))[:limit])
        # A row another worker finished just before we locked it still looked due to our
        # SELECT's snapshot when "done" lives in another table (a vector, not a column of the
        # row): ask again, now that we hold the locks, in a statement that sees its commit.
        still_due = set(due.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))
        yield [row for row in rows if row.pk in still_due]
