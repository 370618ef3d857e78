"""The one place that writes papers and daily entries from source records.

Every ingest path (arXiv, Hugging Face, snapshot, the bundled demo) ends here, so the rules hold
everywhere: a paper is keyed by its arXiv id without version; a value a source does not know
(``None`` or empty) never erases a known one; an older version never overwrites a newer one;
re-running the same records changes nothing. Each call is one transaction. Links (code
repository, project page) pass ``lib.links`` here, on every path at once: one that a page could
not print safely (``javascript:...``) is dropped as if the source had not sent it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from dailypapers.lib.links import code_link_or_none, web_link_or_none
from dailypapers.papers.found_links import find_links
from dailypapers.papers.models import (
    Author,
    Authorship,
    DailyEntry,
    Organization,
    Paper,
    PaperVersion,
)
from dailypapers.sources.records import DailyRecord, PaperRecord

# Paper fields copied from a record when the record knows them. Order matters only for reading.
TEXT_FIELDS = ("title", "abstract", "primary_category", "comment", "journal_ref", "doi")
LINK_FIELDS = ("github_repo", "project_page", "ai_summary")
# How each outbound link is checked before it is stored (None: not a link we print).
LINK_CHECKS = {"github_repo": code_link_or_none, "project_page": web_link_or_none}
COUNT_FIELDS = ("github_stars", "upstream_upvotes", "upstream_comment_count")
DATE_FIELDS = ("published_at", "updated_at", "withdrawn_at", "announced_on")
LIST_FIELDS = ("categories", "ai_keywords", "author_names")


@dataclass
class SaveCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: SaveCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def organizations_by_name(fullnames: Iterable[str]) -> dict[str, Organization]:
    """Find or create organizations by display name; the URL name is its slug."""
    wanted = {name.strip() for name in fullnames if name and name.strip()}
    found = {org.fullname: org for org in Organization.objects.filter(fullname__in=wanted)}
    for fullname in wanted - found.keys():
        slug = slugify(fullname)[:100] or "org"
        org, _ = Organization.objects.get_or_create(name=slug, defaults={"fullname": fullname})
        found[fullname] = org
    return found


def _known_values(record: PaperRecord) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in TEXT_FIELDS + LINK_FIELDS + COUNT_FIELDS + DATE_FIELDS:
        value = getattr(record, name)
        if name in LINK_CHECKS and value is not None:
            value = LINK_CHECKS[name](value)
        if value is not None and value != "":
            values[name] = value
    if record.categories:
        values["categories"] = list(record.categories)
        values.setdefault("primary_category", record.categories[0])
    if record.ai_keywords:
        values["ai_keywords"] = list(record.ai_keywords)
    if record.authors:
        values["author_names"] = list(record.authors)
    if record.modified_on is not None:
        values["upstream_modified_on"] = record.modified_on
    if version := _version(record):
        values["version"] = version
    return values


def _fill_found_links(values: dict[str, object], paper: Paper | None) -> None:
    """A code repository and project page found in the paper's abstract or comments, where no
    source gave one and none is stored: "Our code is at https://github.com/..." is the paper's
    own word. A link a source sends later replaces it (sources know better than a regex)."""
    wanted = [
        name
        for name in ("github_repo", "project_page")
        if name not in values and not (paper is not None and getattr(paper, name))
    ]
    if not wanted:
        return
    abstract = values.get("abstract", paper.abstract if paper else "")
    comment = values.get("comment", paper.comment if paper else "")
    found = find_links(str(abstract or ""), str(comment or ""))
    if "github_repo" in wanted and found.code:
        values["github_repo"] = found.code[0]
    if "project_page" in wanted and found.project:
        values["project_page"] = found.project[0]


def _is_stale_copy(record: PaperRecord, paper: Paper) -> bool:
    """The record is of the version we hold, but upstream changed that since this copy."""
    return (
        record.modified_on is not None
        and _version(record) > 0
        and paper.upstream_modified_on is not None
        and record.modified_on < paper.upstream_modified_on
        and _version(record) <= paper.version
    )


def _version(record: PaperRecord) -> int:
    """The newest version number a record knows of, 0 when it knows none."""
    return record.version or max((v.number for v in record.versions), default=0)


def save_papers(records: Iterable[PaperRecord]) -> SaveCounts:
    """Create or update papers from records; returns how many were created/updated/unchanged."""
    counts = SaveCounts()
    merged: dict[str, PaperRecord] = {}
    for record in records:
        merged[record.arxiv_id] = record  # the last record of an id in one batch wins
    if not merged:
        return counts
    with transaction.atomic():
        orgs = organizations_by_name(r.organization for r in merged.values() if r.organization)
        existing = Paper.objects.in_bulk(list(merged), field_name="arxiv_id")
        to_create: list[NewPaper] = []
        to_update: list[Paper] = []
        changed_fields: set[str] = set()
        authors_changed: list[Paper] = []
        for arxiv_id, record in merged.items():
            values = _known_values(record)
            org = orgs.get(record.organization or "")
            paper = existing.get(arxiv_id)
            _fill_found_links(values, paper)
            if paper is None:
                to_create.append(NewPaper(arxiv_id, values, org))
                continue
            if 0 < _version(record) < paper.version or _is_stale_copy(record, paper):
                # An older version of a paper we know: only upstream counts may still be news.
                values = {k: v for k, v in values.items() if k in COUNT_FIELDS}
            if paper.announced_on is not None:
                values.pop("announced_on", None)  # a replacement's announcement is not the first
            dirty = {k for k, v in values.items() if getattr(paper, k) != v}
            for name in dirty:
                setattr(paper, name, values[name])
            if org is not None and paper.organization_id != org.pk:
                paper.organization = org
                dirty.add("organization")
            if dirty:
                to_update.append(paper)
                changed_fields |= dirty
                if "author_names" in dirty:
                    authors_changed.append(paper)
            else:
                counts.unchanged += 1
        ids = {arxiv_id: paper.pk for arxiv_id, paper in existing.items()}
        # A paper's first and last version dates are also its published_at and updated_at:
        # one adaptation (make_naive, str) of each instant a batch, not three.
        adapt_datetime = lru_cache(maxsize=None)(connection.ops.adapt_datetimefield_value)
        ids.update(_insert_new_papers(to_create, adapt_datetime))
        if to_update:
            Paper.objects.bulk_update(to_update, [*changed_fields, "modified"], batch_size=500)
        _save_authorships(
            [(ids[new.arxiv_id], _authors_of(new)) for new in to_create]
            + [(paper.pk, paper.author_names) for paper in authors_changed],
            fresh={ids[new.arxiv_id] for new in to_create},
        )
        _save_versions(merged.values(), ids, adapt_datetime)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    return counts


# Authors, authorships and versions are written with plain multi-row SQL rather than model
# instances: a bulk import writes ~6 authorships a paper, and building 100k model objects a
# minute cost more than the database work itself. ON CONFLICT DO NOTHING reads the same on
# SQLite and PostgreSQL.
CHUNK = 900  # under SQLite's limit on bound variables per statement


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class NewPaper:
    """A paper to create: its field values by field name, as ``_known_values`` gives them."""

    arxiv_id: str
    values: dict[str, object]
    organization: Organization | None


def _authors_of(paper: NewPaper) -> list[str]:
    names = paper.values.get("author_names")
    return names if isinstance(names, list) else []


def _ids_of(column: str, table: str, keys: list[str], key_column: str) -> dict[str, int]:
    """``{key: id}`` of the rows whose ``key_column`` is one of ``keys``: plain SQL, as the
    ORM's query building cost a fifth of a bulk import's write path."""
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(keys):
            cursor.execute(
                f"SELECT {key_column}, {column} FROM {table} WHERE {key_column} IN "
                f"({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            ids.update(cursor.fetchall())
    return ids


def _insert_new_papers(
    papers: list[NewPaper], adapt_datetime: Callable[[Any], Any]
) -> dict[str, int]:
    """INSERT new papers; returns their ids by arXiv id. Rows are built straight from the
    values, with each field's default for the rest: model instances and ``bulk_create``'s
    per-value field calls cost more than the insert itself on a large import."""
    if not papers:
        return {}
    fields = [f for f in Paper._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    plan = column_plan(fields, adapt_datetime, _json_value)
    rows = []
    for paper in papers:
        values = {**paper.values, "arxiv_id": paper.arxiv_id}
        values["organization"] = paper.organization.pk if paper.organization else None
        rows.append([adapt(values.get(name, default)) for name, default, adapt in plan])
    columns = ", ".join(ops.quote_name(f.column or f.attname) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Paper._meta.db_table} ({columns}) VALUES ({placeholders})", rows
        )
    return _ids_of("id", Paper._meta.db_table, [paper.arxiv_id for paper in papers], "arxiv_id")


def column_plan(
    fields: list[models.Field],
    adapt_datetime: Callable[[Any], Any],
    adapt_json: Callable[..., Any],
) -> list[tuple[str, Any, Callable[[Any], Any]]]:
    """Per column of ``fields``: the value's name in a new paper's values, its default, and
    its adapter to what the database driver binds (JSON by ``adapt_json(value, encoder)``).
    Shared by this module's insert and the snapshot import's reader (``new_papers.py``)."""
    now = timezone.now()
    plan: list[tuple[str, Any, Callable[[Any], Any]]] = []
    for model_field in fields:
        adapt: Callable[[Any], Any] = _same
        if isinstance(model_field, models.JSONField):
            adapt = partial(adapt_json, encoder=model_field.encoder)
        elif isinstance(model_field, models.DateTimeField):
            adapt = adapt_datetime
        elif isinstance(model_field, models.DateField):
            adapt = connection.ops.adapt_datefield_value
        default = now if model_field.name in ("created", "modified") else model_field.get_default()
        plan.append((model_field.name, default, adapt))
    return plan


def _json_value(value: Any, encoder: Any) -> Any:
    # What JSONField.get_db_prep_save ends in, without its expression checks: the values
    # here are plain lists.
    return None if value is None else connection.ops.adapt_json_value(value, encoder)


def _same(value: Any) -> Any:
    return value


def _save_authorships(papers: list[tuple[int, list[str]]], fresh: set[int]) -> None:
    """Replace the authorships of ``papers`` (``(paper id, author names)`` pairs); ``fresh``
    holds the ids of papers just created, which have none to delete."""
    if not papers:
        return
    # An Author row holds at most max_length characters of a name (a few arXiv "names" are
    # whole collaboration lists); the paper's own author_names keep the full text.
    longest = Author._meta.get_field("name").max_length or 300

    def key(name: str) -> str:
        return name[:longest]

    names = list({key(name) for _, author_names in papers for name in author_names})
    author_table = Author._meta.db_table
    authorship_table = Authorship._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {author_table} (name) VALUES (%s) ON CONFLICT (name) DO NOTHING",
            [(name,) for name in names],
        )
        author_ids = _ids_of("id", author_table, names, "name")
        stale = [paper_id for paper_id, _ in papers if paper_id not in fresh]
        for chunk in _chunks(stale):
            Authorship.objects.filter(paper_id__in=chunk).delete()
        cursor.executemany(
            f"INSERT INTO {authorship_table} (paper_id, author_id, position) VALUES (%s, %s, %s)",
            [
                (paper_id, author_ids[name], position)
                for paper_id, author_names in papers
                for position, name in enumerate(dict.fromkeys(map(key, author_names)))
            ],
        )


def _save_versions(
    records: Iterable[PaperRecord], paper_ids: dict[str, int], adapt_datetime: Callable[[Any], Any]
) -> None:
    wanted = [(r.arxiv_id, v) for r in records for v in r.versions]
    if not wanted:
        return
    adapt = adapt_datetime
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {PaperVersion._meta.db_table} (paper_id, number, submitted_at) "
            "VALUES (%s, %s, %s) ON CONFLICT (paper_id, number) DO NOTHING",
            [(paper_ids[arxiv_id], v.number, adapt(v.submitted_at)) for arxiv_id, v in wanted],
        )


def save_daily_entries(records: Iterable[DailyRecord]) -> SaveCounts:
    """Put papers (which must already be saved) on their days; merging, never removing.

    A later import of the same day adds the entries it did not have and fills in a submitter
    or organization that was unknown; it never deletes an entry, so a partial list fetched
    early in the day cannot replace a complete one.
    """
    counts = SaveCounts()
    records = list({(r.arxiv_id, r.date): r for r in records}.values())
    if not records:
        return counts
    with transaction.atomic():
        orgs = organizations_by_name(r.organization for r in records if r.organization)
        paper_ids = dict(
            Paper.objects.filter(arxiv_id__in={r.arxiv_id for r in records}).values_list(
                "arxiv_id", "id"
            )
        )
        missing = {r.arxiv_id for r in records} - paper_ids.keys()
        if missing:
            raise ValueError(f"papers must be saved before their daily entries: {sorted(missing)}")
        existing = {
            (entry.paper_id, entry.date): entry
            for entry in DailyEntry.objects.filter(
                paper_id__in=paper_ids.values(), date__in={r.date for r in records}
            )
        }
        to_create, to_update = [], []
        for record in records:
            org = orgs.get(record.organization or "")
            entry = existing.get((paper_ids[record.arxiv_id], record.date))
            if entry is None:
                to_create.append(
                    DailyEntry(
                        paper_id=paper_ids[record.arxiv_id],
                        date=record.date,
                        submitted_at=record.submitted_at,
                        submitter_name=record.submitter_name or "",
                        organization=org,
                    )
                )
                continue
            dirty = False
            if record.submitter_name and not entry.submitter_name:
                entry.submitter_name, dirty = record.submitter_name, True
            if org is not None and entry.organization_id is None:
                entry.organization, dirty = org, True
            if dirty:
                to_update.append(entry)
            else:
                counts.unchanged += 1
        DailyEntry.objects.bulk_create(to_create, batch_size=500)
        DailyEntry.objects.bulk_update(to_update, ["submitter_name", "organization"])
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def set_github_stars(repository_url: str, stars: int) -> int:
    """Store a repository's star count on every paper that links to it; returns how many
    papers changed. GitHub spells owner and repository case-insensitively, so papers that
    wrote ``NEO`` and ``neo`` share one count."""
    return (
        Paper.objects.filter(github_repo__iexact=repository_url)
        .exclude(github_stars=stars)
        .update(github_stars=stars, modified=timezone.now())
    )
