"""Moving a whole instance between databases (SQLite <-> PostgreSQL): one file, verified.

``export_instance(path)`` writes every row the site owns (papers, authors, daily lists,
votes, vectors, users and their profiles and tokens, comments, collections, subscriptions and
deliveries, ingest checkpoints, admin history) as gzipped JSON lines: a manifest line first,
with each model's row count and checksum, then one line per row. ``import_instance(path)``
loads such a file into a freshly migrated, empty database in one transaction, resets the id
sequences, recomputes every count and checksum from what it stored, and rolls everything
back if any differs. Primary keys are kept, so links and ids stay the same.

Not moved: sessions (everyone logs in again), content types and permissions (``migrate``
makes them; references to them travel by natural key), and caches.

The checksum of a model is SHA-256 over its rows in primary-key order, each row as canonical
JSON (sorted keys, sorted many-to-many ids, full-precision datetimes), so it does not depend
on the engine that stored the rows. Search indexes follow the rows by themselves (SQLite's
change-log triggers, PostgreSQL's generated columns). On PostgreSQL the search indexes (the
HNSW vector indexes, the GIN keyword index) are dropped for the load and built again at its
end, in the same transaction: pgvector builds an HNSW index from its rows many times faster
than it inserts them one by one (170k vectors: hours one by one under load).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers import sort_dependencies
from django.db import connection, models, transaction

FORMAT = "dailypapers-instance"
VERSION = 1
CHUNK = 2000
# Made by migrate (or per visit) on the target, not moved; rate-limit counters are transient.
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "core.ratecounter"}
# Models that point at content types or permissions: their links travel by natural key, since
# the target's migrate numbered those rows itself.
NATURAL = {"auth.user", "auth.group", "admin.logentry"}
# PostgreSQL indexes built after the load rather than row by row (see the docstring).
BUILT_AFTER = ("search_papervector_hnsw_%", "papers_paper_search_vector")
# Memory for building them: an HNSW build is fast while its graph fits (the setting is the
# transaction's own, SET LOCAL).
BUILD_MEMORY = "512MB"


class InstanceError(Exception):
    """The file is not an instance export, the target is not empty, or a check failed."""


def instance_models() -> list[type[models.Model]]:
    """Every model whose rows make up the instance, each after the models it points to."""
    chosen = [m for m in apps.get_models() if m._meta.label_lower not in SKIPPED]
    by_app: dict[Any, list[type[models.Model]]] = {}
    for model in chosen:
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return sort_dependencies(list(by_app.items()), allow_cycles=True)


def _encode(value: Any) -> Any:
    # Full precision: Django's JSON encoder would cut datetimes to milliseconds.
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot store {type(value).__name__} in an instance export")


def _canonical(row: dict) -> str:
    fields = {
        name: sorted(value, key=json.dumps)
        if isinstance(value, list) and name in row["m2m"]
        else value
        for name, value in row["fields"].items()
    }
    return json.dumps(
        {"model": row["model"], "pk": row["pk"], "fields": fields},
        sort_keys=True,
        default=_encode,
        separators=(",", ":"),
    )


def _rows(model: type[models.Model]) -> Iterator[dict]:
    """The model's rows as the "python" serializer gives them, in primary-key order."""
    m2m = {f.name for f in model._meta.many_to_many}
    natural = model._meta.label_lower in NATURAL
    queryset = model._default_manager.order_by("pk")
    last = None
    while True:
        page = queryset.filter(pk__gt=last) if last is not None else queryset
        chunk = list(page[:CHUNK])
        if not chunk:
            return
        for row in serializers.serialize("python", chunk, use_natural_foreign_keys=natural):
            yield {**row, "m2m": m2m}
        last = chunk[-1].pk


def summary(rows: Iterable[dict]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(_canonical(row).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def stored_summary() -> dict[str, dict[str, Any]]:
    """Each model's row count and checksum, as they are stored in this database now."""
    result = {}
    for model in instance_models():
        count, checksum = summary(_rows(model))
        result[model._meta.label_lower] = {"count": count, "checksum": checksum}
    return result


def export_instance(path: Path, progress: Callable[[str, int], None] | None = None) -> dict:
    """Write the instance to ``path``; returns the manifest (counts and checksums).
    Stop the workers and the site first (or put it in maintenance) for a consistent copy."""
    body = path.with_name(path.name + ".part")
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "models": {}}
    with gzip.open(body, "wt", encoding="utf-8") as out:
        for model in instance_models():
            label = model._meta.label_lower
            digest, count = hashlib.sha256(), 0
            for row in _rows(model):
                canonical = _canonical(row)
                digest.update(canonical.encode() + b"\n")
                out.write(canonical + "\n")
                count += 1
            manifest["models"][label] = {"count": count, "checksum": digest.hexdigest()}
            if progress:
                progress(label, count)
    # The manifest goes first so an import can refuse a wrong file before loading anything.
    with gzip.open(path, "wt", encoding="utf-8") as final, gzip.open(body, "rt") as rows:
        final.write(json.dumps(manifest, sort_keys=True) + "\n")
        for line in rows:
            final.write(line)
    body.unlink()
    return manifest


def read_manifest(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        try:
            manifest = json.loads(lines.readline())
        except (ValueError, OSError) as error:
            raise InstanceError(f"{path} is not an instance export: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InstanceError(f"{path} is not an instance export")
    if manifest.get("version") != VERSION:
        raise InstanceError(f"{path}: export format version {manifest.get('version')} unknown")
    return manifest


def _check_lengths(obj: models.Model) -> None:
    """Refuse text longer than its column: SQLite stores it anyway, PostgreSQL does not."""
    for field in obj._meta.local_concrete_fields:
        value = getattr(obj, field.attname)
        if not isinstance(field, models.CharField) or not field.max_length or value is None:
            continue
        if len(value) > field.max_length:
            raise InstanceError(
                f"{obj._meta.label_lower} {obj.pk}: {field.name} has {len(value)} "
                f"characters, more than the {field.max_length} its column holds here. "
                "Shorten it in the source instance and export again. Nothing was imported."
            )


def _save(objects: list) -> None:
    plain = [o.object for o in objects if not o.m2m_data]
    if plain:
        model = type(plain[0])
        fields = model._meta.local_concrete_fields
        size = max(1, connection.ops.bulk_batch_size(fields, plain))
        for start in range(0, len(plain), size):
            # A raw insert, as loaddata's: stored as exported, no auto_now timestamps of today.
            model._base_manager._insert(plain[start : start + size], fields=fields, raw=True)
    for deserialized in objects:
        if deserialized.m2m_data:
            deserialized.save()


@contextmanager
def _search_indexes_built_after() -> Iterator[None]:
    """Inside a transaction: drop PostgreSQL's search indexes, let the caller load, then
    create them again from their own definitions. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        where = " OR ".join(["indexname LIKE %s"] * len(BUILT_AFTER))
        cursor.execute(f"SELECT indexname, indexdef FROM pg_indexes WHERE {where}", BUILT_AFTER)
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')  # a name PostgreSQL itself gave back
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        # Django's foreign keys are deferred, and CREATE INDEX refuses to run on a table with
        # checks pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in indexes:
            cursor.execute(definition)


def import_instance(path: Path, progress: Callable[[str, int], None] | None = None) -> dict:
    """Load an export into this (migrated, empty) database; returns the verified manifest."""
    manifest = read_manifest(path)
    known = {m._meta.label_lower: m for m in instance_models()}
    unknown = sorted(set(manifest["models"]) - set(known))
    if unknown:
        raise InstanceError(f"the export has models this version does not know: {unknown}")
    filled = [label for label, model in known.items() if model._default_manager.exists()]
    if filled:
        raise InstanceError(
            f"the database is not empty ({', '.join(filled)}): import into a freshly migrated one"
        )
    with (
        transaction.atomic(),
        gzip.open(path, "rt", encoding="utf-8") as lines,
        _search_indexes_built_after(),
    ):
        next(lines)  # the manifest
        batch: list = []
        loaded = 0
        for line in lines:
            row = json.loads(line)
            (deserialized,) = serializers.deserialize("python", [row])
            _check_lengths(deserialized.object)
            if batch and type(batch[0].object) is not type(deserialized.object):
                _save(batch)
                loaded += len(batch)
                batch = []
            batch.append(deserialized)
            if len(batch) >= CHUNK:
                _save(batch)
                loaded += len(batch)
                if progress:
                    progress(row["model"], loaded)
                batch = []
        _save(batch)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(known.values())):
                cursor.execute(statement)
        stored = stored_summary()
        for label, expected in manifest["models"].items():
            if stored[label] != expected:
                raise InstanceError(
                    f"{label}: {stored[label]['count']} rows stored, checksum "
                    f"{stored[label]['checksum'][:12]}; the export has {expected['count']}, "
                    f"{expected['checksum'][:12]}. Nothing was imported."
                )
    return manifest
