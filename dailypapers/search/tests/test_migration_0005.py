"""Migration 0005 keeps the vectors a site had and makes their model the serving one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("search", "0004_tantivy"), ("papers", "0003_paper_comment_count_authorshipclaim")]
AFTER = [("search", "0005_embedding_models")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_vectors_are_kept_and_their_model_serves():
    old = migrate(BEFORE)
    Paper = old.get_model("papers", "Paper")
    PaperVector = old.get_model("search", "PaperVector")
    papers = [Paper.objects.create(arxiv_id=f"2605.0000{n}", title=f"P{n}") for n in range(3)]
    for paper in papers:
        PaperVector.objects.create(paper=paper, model="old-static", vector=b"\x00<" * 8)
    # A paper left with a vector by a model used before (one vector per paper then).
    straggler = Paper.objects.create(arxiv_id="2605.00009", title="P9")
    PaperVector.objects.create(paper=straggler, model="older", vector=b"\x00<" * 4)
    new = migrate(AFTER)
    EmbeddingModel = new.get_model("search", "EmbeddingModel")
    assert sorted(EmbeddingModel.objects.values_list("name", "state", "dim")) == [
        ("old-static", "active", 8),
        ("older", "retired", 4),
    ]
    assert new.get_model("search", "PaperVector").objects.filter(model="old-static").count() == 3
