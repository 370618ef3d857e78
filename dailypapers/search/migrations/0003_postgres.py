"""The PostgreSQL search indexes: a weighted tsvector with GIN, and pgvector with HNSW.

Does nothing on SQLite (its FTS5 index is migration 0001). Both new columns are generated
from columns Django already writes, so no Python code writes them and ``PaperVector.vector``
(float16 bytes) stays the one source of truth:

- ``papers_paper.search_vector``: title (weight A) > authors (B) > abstract (C), English
  stemming without stopwords (text search configuration ``dailypapers``), as
  ``search/keyword/tsvector.py`` queries it.
- ``search_papervector.embedding``: the float16 bytes decoded into a pgvector ``vector``, with
  an HNSW (cosine) index for the shipped model's 256 dimensions; ``search/vectors/pgvector_index.py``
  queries it. The index is partial on the dimension, so a model with another size still
  stores its rows (searched exactly until an index for its size is added).

pgvector must be installable on the server (``CREATE EXTENSION`` needs a superuser once, see
docs/deployment.md); ``IF NOT EXISTS`` lets an operator create it beforehand.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS vector",
    # English stemming without a stopword list, as FTS5's porter tokenizer: "the" is a word
    # like any other, so a query of common words still finds the papers that have them.
    """CREATE TEXT SEARCH DICTIONARY dailypapers_stem (TEMPLATE = snowball, LANGUAGE = english)""",
    "CREATE TEXT SEARCH CONFIGURATION dailypapers (COPY = english)",
    """ALTER TEXT SEARCH CONFIGURATION dailypapers ALTER MAPPING
        FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH dailypapers_stem""",
    """ALTER TABLE papers_paper ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('dailypapers'::regconfig, coalesce(title, '')), 'A')
        || setweight(jsonb_to_tsvector('dailypapers'::regconfig, author_names, '["string"]'), 'B')
        || setweight(to_tsvector('dailypapers'::regconfig, coalesce(abstract, '')), 'C')
    ) STORED""",
    "CREATE INDEX papers_paper_search_vector ON papers_paper USING gin (search_vector)",
    # IEEE half floats, little-endian: sign, 5 exponent bits (bias 15), 10 mantissa bits.
    # Exponent 0 is subnormal; 31 (inf/NaN) never occurs in unit vectors and reads as 0.
    """CREATE FUNCTION dailypapers_float16_vector(data bytea) RETURNS vector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT array_agg(
            CASE
                WHEN exponent = 0 THEN mantissa * 2 ^ -24
                WHEN exponent = 31 THEN 0
                ELSE (1024 + mantissa) * 2 ^ (exponent - 25)
            END * CASE WHEN sign = 1 THEN -1 ELSE 1 END
            ORDER BY position
        )::real[]::vector
        FROM (
            SELECT position, (half >> 15) & 1 AS sign, (half >> 10) & 31 AS exponent,
                half & 1023 AS mantissa
            FROM (
                SELECT position,
                    get_byte(data, 2 * position) | (get_byte(data, 2 * position + 1) << 8) AS half
                FROM generate_series(0, length(data) / 2 - 1) AS position
            ) AS halves
        ) AS parts
    $$""",
    """ALTER TABLE search_papervector ADD COLUMN embedding vector
        GENERATED ALWAYS AS (dailypapers_float16_vector(vector)) STORED""",
    """CREATE INDEX search_papervector_hnsw_256 ON search_papervector
        USING hnsw ((embedding::vector(256)) vector_cosine_ops)
        WHERE vector_dims(embedding) = 256""",
]
DROP = [
    "DROP INDEX IF EXISTS search_papervector_hnsw_256",
    "ALTER TABLE search_papervector DROP COLUMN IF EXISTS embedding",
    "DROP FUNCTION IF EXISTS dailypapers_float16_vector(bytea)",
    "DROP INDEX IF EXISTS papers_paper_search_vector",
    "ALTER TABLE papers_paper DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS dailypapers",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS dailypapers_stem",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0003_paper_comment_count_authorshipclaim"),
        ("search", "0002_paper_vectors"),
    ]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
