"""SQLite: the keyword index moves from FTS5 to tantivy (search/keyword/tantivy_index.py).

Drops the FTS5 table and its triggers, and adds the change log the tantivy index catches up
from: triggers note the id of every paper inserted, deleted, or changed in a column the index
holds. The index itself is a folder, built from the papers table on first use or by
``dailypapers reindex``. Does nothing on other databases.
"""

import importlib

from django.db import migrations

# The FTS5 statements, to drop them (and to create them again when migrating back), and
# its helper that runs statements on SQLite only.
fts5 = importlib.import_module("dailypapers.search.migrations.0001_fts5")

# Every column tantivy_index.document() reads.
INDEXED = (
    "title",
    "author_names",
    "abstract",
    "hidden",
    "published_at",
    "categories",
    "organization_id",
    "github_repo",
)
CHANGED = " OR ".join(f"old.{column} IS NOT new.{column}" for column in INDEXED)

CREATE = [
    # AUTOINCREMENT: numbers are never reused, so "every row up to N" means the same rows
    # before and after a deletion (tantivy_index.KeywordIndex._apply_some relies on it).
    """CREATE TABLE search_keyword_change (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        paper_id INTEGER NOT NULL
    )""",
    """CREATE TRIGGER keyword_change_insert AFTER INSERT ON papers_paper BEGIN
        INSERT INTO search_keyword_change(paper_id) VALUES (new.id);
    END""",
    """CREATE TRIGGER keyword_change_delete AFTER DELETE ON papers_paper BEGIN
        INSERT INTO search_keyword_change(paper_id) VALUES (old.id);
    END""",
    # Vote and comment counts change often and are not in the index: no row for them.
    f"""CREATE TRIGGER keyword_change_update AFTER UPDATE ON papers_paper
    WHEN {CHANGED} BEGIN
        INSERT INTO search_keyword_change(paper_id) VALUES (new.id);
    END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS keyword_change_update",
    "DROP TRIGGER IF EXISTS keyword_change_delete",
    "DROP TRIGGER IF EXISTS keyword_change_insert",
    "DROP TABLE IF EXISTS search_keyword_change",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres")]
    operations = [
        migrations.RunPython(fts5.run(fts5.DROP + CREATE), fts5.run(DROP + fts5.CREATE)),
    ]
