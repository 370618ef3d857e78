import datetime as dt

import pytest
from django.core.management import call_command

from dailypapers.papers.models import DailyEntry, Organization, Paper

pytestmark = pytest.mark.django_db


def test_the_bundled_papers_load_once_and_then_change_nothing(capsys):
    call_command("demo", "load", verbosity=0)
    first = capsys.readouterr().out
    assert "papers: 5926 created" in first
    assert "daily entries: 1639 created" in first
    call_command("demo", "load", verbosity=0)
    second = capsys.readouterr().out
    assert "0 created, 0 updated, 5926 unchanged" in second
    assert "0 created, 0 updated, 1639 unchanged" in second

    # Real values from the Hugging Face list of 2026-01-01, merged with arXiv's categories.
    paper = Paper.objects.get(arxiv_id="2512.24880")
    assert paper.title == "mHC: Manifold-Constrained Hyper-Connections"
    assert paper.upstream_upvotes == 328
    assert paper.organization is not None
    assert paper.organization.fullname == "DeepSeek"
    assert paper.author_names[0] == "Zhenda Xie"
    assert DailyEntry.objects.filter(paper=paper).get().date == dt.date(2026, 1, 1)
    assert DailyEntry.objects.dates("date", "day").count() == 49
    assert Organization.objects.count() > 100
    with_categories = Paper.objects.exclude(categories=[]).count()
    assert with_categories > 5000


def test_if_empty_leaves_a_filled_database_alone(capsys):
    Paper.objects.create(arxiv_id="2605.00001", title="Someone's own paper")
    call_command("demo", "load", "--if-empty", verbosity=0)
    assert "nothing loaded" in capsys.readouterr().out
    assert Paper.objects.count() == 1
