"""The SQLite FTS5 keyword index over papers, kept in step by triggers.

Other databases get their own index in their own migration; this one does nothing there.
"""

from django.db import migrations

CREATE = [
    """CREATE VIRTUAL TABLE paper_fts USING fts5(
        title, author_names, abstract,
        content='papers_paper', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER paper_fts_insert AFTER INSERT ON papers_paper BEGIN
        INSERT INTO paper_fts(rowid, title, author_names, abstract)
        VALUES (new.id, new.title, new.author_names, new.abstract);
    END""",
    """CREATE TRIGGER paper_fts_delete AFTER DELETE ON papers_paper BEGIN
        INSERT INTO paper_fts(paper_fts, rowid, title, author_names, abstract)
        VALUES ('delete', old.id, old.title, old.author_names, old.abstract);
    END""",
    # Only a change of the indexed text touches the index, not every vote count update.
    """CREATE TRIGGER paper_fts_update AFTER UPDATE OF title, author_names, abstract
    ON papers_paper BEGIN
        INSERT INTO paper_fts(paper_fts, rowid, title, author_names, abstract)
        VALUES ('delete', old.id, old.title, old.author_names, old.abstract);
        INSERT INTO paper_fts(rowid, title, author_names, abstract)
        VALUES (new.id, new.title, new.author_names, new.abstract);
    END""",
    "INSERT INTO paper_fts(paper_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS paper_fts_update",
    "DROP TRIGGER IF EXISTS paper_fts_delete",
    "DROP TRIGGER IF EXISTS paper_fts_insert",
    "DROP TABLE IF EXISTS paper_fts",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("papers", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
