"""An HNSW index for the shipped model's 512 dimensions on PostgreSQL.

The shipped model became 512-dimensional (two 256-dim static models joined, see
docs/search.md), and migration 0003 indexed only 256. Without this, the first
``dailypapers embed`` built the index itself, and several embed workers starting at once each
ran ``CREATE INDEX CONCURRENTLY``; two of those wait for each other's transactions, and
PostgreSQL ends one with "deadlock detected". Built here, at migrate time, before any worker
runs. ``ensure_index`` still builds the index of any other size, one process at a time.
Does nothing on SQLite (its vectors are searched through files, ``hnsw_build.py``).
"""

from django.db import migrations

CREATE = """CREATE INDEX IF NOT EXISTS search_papervector_hnsw_512 ON search_papervector
    USING hnsw ((embedding::vector(512)) vector_cosine_ops)
    WHERE vector_dims(embedding) = 512"""
DROP = "DROP INDEX IF EXISTS search_papervector_hnsw_512"


def run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0005_embedding_models")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
