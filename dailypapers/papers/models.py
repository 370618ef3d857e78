"""Papers and their daily lists: Paper, Author, Organization, DailyEntry, Upvote; and the
bookkeeping of ingestion: HarvestCheckpoint (where a harvest stands), UpstreamPace (when the
next request to an upstream may start, shared by every process).

Papers are created and updated through ``dailypapers.papers.writing`` (ingestion, the demo
loader, the API's index endpoint), with three narrow exceptions: ``api/writing.py`` sets a
paper's links, ``discussions/posting.py`` keeps ``comment_count`` and ``core/instance.py``
imports a whole instance as it was exported. Upvotes imported from an upstream (Hugging Face)
are kept in ``Paper.upstream_upvotes``, apart from our own users' ``Upvote`` rows; a paper shows
their sum.
Reading helpers (which papers are on a day, trending) live on the QuerySets in ``queries.py``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from dailypapers.lib.links import code_link_or_none, web_link_or_none
from dailypapers.papers.queries import DailyEntryQuerySet, PaperQuerySet


class Organization(models.Model):
    """A lab or company that papers are attached to ("DeepSeek", "Stanford NLP")."""

    name = models.SlugField(max_length=100, unique=True, help_text="Short name used in URLs.")
    fullname = models.CharField(max_length=200)
    avatar_url = models.URLField(blank=True)

    class Meta:
        ordering = ["fullname"]

    def __str__(self) -> str:
        return self.fullname

    @property
    def avatar_link(self) -> str:
        """The avatar's URL if it is one a page may load (see ``Paper.code_link``)."""
        return web_link_or_none(self.avatar_url) or "" if self.avatar_url else ""


class Author(models.Model):
    """An author name as it appears on papers; one row per distinct spelling."""

    name = models.CharField(max_length=300, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Paper(models.Model):
    """One arXiv paper, keyed by its id without version; the latest version's metadata.

    The arXiv id is the natural key (unique, used in URLs and the API); the integer primary key
    stays because the keyword and vector indexes address rows by a stable integer.
    """

    arxiv_id = models.CharField(max_length=40, unique=True)
    version = models.PositiveIntegerField(default=1, help_text="Latest arXiv version number.")
    title = models.TextField()
    abstract = models.TextField(blank=True)
    # Author names in paper order, denormalised from Authorship so that a list of 50 papers
    # renders without 50 joins; Paper.set_authors() keeps both in step.
    author_names = models.JSONField(default=list, blank=True)
    authors = models.ManyToManyField(Author, through="Authorship", related_name="papers")
    categories = models.JSONField(default=list, blank=True)
    primary_category = models.CharField(max_length=40, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, help_text="arXiv v1 date.")
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Latest version's date.")
    upstream_modified_on = models.DateField(
        null=True, blank=True, help_text="When arXiv last changed the record (OAI datestamp)."
    )
    announced_on = models.DateField(
        null=True, blank=True, db_index=True, help_text="Day arXiv first announced it."
    )
    comment = models.TextField(blank=True)
    journal_ref = models.TextField(blank=True)
    doi = models.CharField(max_length=200, blank=True)
    github_repo = models.URLField(max_length=300, blank=True)
    github_stars = models.PositiveIntegerField(null=True, blank=True)
    project_page = models.URLField(max_length=500, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="papers"
    )
    ai_summary = models.TextField(blank=True)
    ai_keywords = models.JSONField(default=list, blank=True)
    upstream_upvotes = models.PositiveIntegerField(
        default=0, help_text="Upvotes counted upstream (Hugging Face), apart from ours."
    )
    upvote_count = models.PositiveIntegerField(
        default=0, help_text="Our users' upvotes; kept equal to the number of Upvote rows."
    )
    upstream_comment_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(
        default=0, help_text="Our users' visible comments; kept by dailypapers.discussions."
    )
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator from lists.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return f"{self.arxiv_id}: {self.title[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("papers:paper", args=[self.arxiv_id])

    @property
    def upvotes(self) -> int:
        return self.upstream_upvotes + self.upvote_count

    @property
    def comments(self) -> int:
        return self.upstream_comment_count + self.comment_count

    @property
    def is_pending_fetch(self) -> bool:
        """A submitted paper arXiv has not been asked about yet: only its id is known."""
        return self.published_at is None and not self.abstract and not self.author_names

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    # What pages, mails, feeds, the API and the Markdown print: the stored link only if it
    # still passes lib.links. Every writer checks links before storing, but rows stored before
    # that check (or by hand) may hold "javascript:..." and must never reach an href.
    @property
    def code_link(self) -> str:
        return code_link_or_none(self.github_repo) or "" if self.github_repo else ""

    @property
    def project_link(self) -> str:
        return web_link_or_none(self.project_page) or "" if self.project_page else ""

    @property
    def github_name(self) -> str:
        """``owner/repo`` of a GitHub link, ``gitlab.com/group/project`` of another host's."""
        return self.code_link.removeprefix("https://github.com/").removeprefix("https://")

    def bibtex(self) -> str:
        """A BibTeX @misc entry in the form arXiv itself gives."""
        first = self.author_names[0].split()[-1] if self.author_names else "anon"
        year = self.published_at.year if self.published_at else ""
        # Keys are ASCII (Ångström -> angstrom): LaTeX tools choke on others.
        folded = unicodedata.normalize("NFKD", f"{first}{year}").encode("ascii", "ignore")
        key = "".join(ch for ch in folded.decode() if ch.isalnum()).lower() or "paper"
        fields: list[tuple[str, Any]] = [
            ("title", "{" + _balanced(self.title) + "}"),
            ("author", _balanced(" and ".join(self.author_names))),
            ("year", year),
            ("eprint", self.arxiv_id),
            ("archivePrefix", "arXiv"),
            ("primaryClass", self.primary_category),
            ("url", self.abs_url),
        ]
        if self.doi:
            fields.append(("doi", self.doi))
        body = ",\n".join(f"      {name}={{{value}}}" for name, value in fields if value != "")
        return f"@misc{{{key},\n{body}\n}}"


def _balanced(text: str) -> str:
    """``text`` for a braced BibTeX value: its braces kept if they pair up, else dropped,
    since one stray brace would end the value early and break the whole file."""
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")


class Authorship(models.Model):
    """An author's place in a paper's author list."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "author"], name="one_authorship_per_author"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} #{self.position} of paper {self.paper_id}"


class PaperVersion(models.Model):
    """One arXiv version of a paper (v1, v2, ...) and when it was submitted."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="one_row_per_version"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class DailyEntry(models.Model):
    """A paper on the daily list of one day, as submitted by a user (or imported upstream)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="daily_entries")
    date = models.DateField(db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The upstream submitter's name when the entry came from Hugging Face.
    submitter_name = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    submitted_at = models.DateTimeField()

    objects = DailyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "daily entries"
        constraints = [
            models.UniqueConstraint(fields=["paper", "date"], name="one_entry_per_paper_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.paper.arxiv_id}"

    @property
    def week(self) -> str:
        year, week, _ = self.date.isocalendar()
        return f"{year}-W{week:02d}"

    @classmethod
    def latest_date(cls) -> dt.date | None:
        return cls.objects.visible().aggregate(latest=models.Max("date"))["latest"]


class Upvote(models.Model):
    """One user's upvote of one paper."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="upvote_rows")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="one_upvote_per_user_and_paper"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↑ {self.paper.arxiv_id}"


class AuthorshipClaim(models.Model):
    """A user saying "I am this author of this paper"; pending until a moderator decides."""

    class Status(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"
        REJECTED = "rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorship_claims"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="claims")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="one_claim_per_user_and_paper"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.author} on {self.paper.arxiv_id} ({self.status})"


class HarvestCheckpoint(models.Model):
    """Where one resumable harvest stands, saved after every page or batch.

    ``source`` names the harvest ("oai", "snapshot"), ``scope`` what it covers (an OAI set and
    metadata format, a snapshot file). An OAI harvest keeps the ``from_date`` it started from and
    the resumption ``token`` of its next page; ``last_datestamp`` is the newest record datestamp
    seen, where the next incremental harvest starts. A snapshot import keeps its position.
    """

    source = models.CharField(max_length=20)
    scope = models.CharField(max_length=500)
    from_date = models.DateField(null=True, blank=True)
    token = models.TextField(blank=True)
    last_datestamp = models.DateField(null=True, blank=True)
    position_line = models.PositiveBigIntegerField(default=1)
    position_offset = models.PositiveBigIntegerField(default=0)
    records_seen = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "scope"], name="one_checkpoint_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.scope}"


class UpstreamPace(models.Model):
    """When the next request to one upstream may start: shared by every process of a site."""

    upstream = models.CharField(max_length=50, unique=True)
    next_request_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.upstream} at {self.next_request_at:%H:%M:%S}"


# The fetch-by-id queue lives in its own module; imported here so Django registers it.
from dailypapers.papers.fetches import PaperFetch  # noqa: E402, F401
