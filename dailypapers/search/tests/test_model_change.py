"""A model change is an operation: ``dailypapers embed`` re-embeds to the configured model
while the previous one serves, then switches; searches never mix two models' vectors."""

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dailypapers.search import serving, vectors
from dailypapers.search.embedder import MODEL_DIR, StaticEmbedder, load_embedder, read_config
from dailypapers.search.hybrid import search
from dailypapers.search.models import EmbeddingModel, PaperVector
from dailypapers.search.tests.toy_models import toy_model
from dailypapers.search.vectors import hnsw_index
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def negated(tmp_path):
    return toy_model(tmp_path / "negated", "negated-32", sign=-1.0)


@pytest.fixture
def narrow(tmp_path):
    return toy_model(tmp_path / "narrow", "narrow-16", dim=16)


OLD = "toy-32"


@pytest.fixture
def cars(settings, tmp_path):
    """Papers embedded by the toy model, which serves."""
    configure(settings, toy_model(tmp_path / "toy", OLD))
    made = [
        make_paper("Car engines repair", abstract="Fixing vehicles and their motors."),
        make_paper("Automobile garages", abstract="Shops that fix cars and trucks."),
        make_paper("Protein folding", abstract="Predicting structures of proteins."),
        make_paper("Galaxy clusters", abstract="Dark matter in the early universe."),
        make_paper("Electric vehicles", abstract="Batteries that drive cars."),
        make_paper("Enzyme kinetics", abstract="How fast proteins catalyse reactions."),
    ]
    call_command("embed", verbosity=0)
    return made


def configure(settings, folder):
    settings.EMBEDDING_MODEL = str(folder)
    vectors.reset()


def semantic_titles(text):
    index = vectors.index()
    found = index.nearest(vectors.embed_query(text, model=index.model), 3)
    titles = dict(PaperVector.objects.values_list("paper_id", "paper__title").distinct())
    return [titles[paper_id] for paper_id, _ in found]


def state(name):
    return EmbeddingModel.objects.get(name=name).state


def test_a_site_first_model_serves_as_soon_as_it_has_vectors(cars):
    assert state(OLD) == "active"
    assert vectors.index().model == OLD
    assert PaperVector.objects.filter(model=OLD).count() == len(cars)


def test_a_reembed_interrupted_half_way_resumes_while_the_old_model_serves(settings, cars, negated):
    before = semantic_titles("automobile")
    configure(settings, negated)
    call_command("embed", "--batch-size", "2", "--limit", "3", verbosity=0)
    # Half done: the old model serves, its vectors untouched, the query embedded by it.
    assert PaperVector.objects.filter(model="negated-32").count() == 3
    assert state("negated-32") == "building" and state(OLD) == "active"
    assert vectors.index().model == OLD
    assert semantic_titles("automobile") == before
    assert search("automobile")[0].title in {"Car engines repair", "Automobile garages"}

    call_command("embed", "--batch-size", "2", verbosity=0)  # resumes: the other three
    assert PaperVector.objects.filter(model="negated-32").count() == len(cars)
    assert state("negated-32") == "active" and state(OLD) == "retired"
    assert vectors.index().model == "negated-32"
    # The negated model's query meets the negated vectors: the same neighbours.
    assert semantic_titles("automobile") == before
    # The old vectors stay until --retire (switching back costs only the new papers).
    assert PaperVector.objects.filter(model=OLD).count() == len(cars)
    call_command("embed", "--retire", verbosity=0)
    assert not PaperVector.objects.filter(model=OLD).exists()
    assert not EmbeddingModel.objects.filter(name=OLD).exists()


def test_new_papers_during_a_reembed_get_the_serving_vector_first(settings, cars, negated):
    configure(settings, negated)
    call_command("embed", "--limit", "2", verbosity=0)
    newcomer = make_paper("Hydrogen cars", abstract="Fuel cells in vehicles.")
    call_command("embed", "--batch-size", "1", "--limit", "1", verbosity=0)
    assert PaperVector.objects.filter(paper=newcomer, model=OLD).exists()
    assert vectors.index().model == OLD
    assert newcomer.pk in vectors.index().refresh(force=True).ids.tolist()


def test_vectors_of_two_models_are_never_mixed_in_one_search(settings, cars, negated):
    configure(settings, negated)
    call_command("embed", "--limit", "3", verbosity=0)
    for expected in (OLD, "negated-32"):
        index = vectors.index()
        assert index.model == expected
        query = vectors.embed_query("cars and motors", model=index.model)
        found = index.nearest(query, 20)
        # One entry per paper, each scored against its vector by the serving model alone:
        # a negated vector of the other model would score the opposite.
        assert len(found) == len({paper_id for paper_id, _ in found}) == len(cars)
        own = dict(PaperVector.objects.filter(model=expected).values_list("paper_id", "vector"))
        for paper_id, score in found:
            stored = np.frombuffer(bytes(own[paper_id]), dtype="<f2").astype(np.float32)
            assert score == pytest.approx(float(stored @ query), abs=1e-3)
        call_command("embed", verbosity=0)  # completes the new model: it serves next round


def test_a_search_keeps_the_model_it_started_with_across_a_switch(settings, cars, narrow):
    configure(settings, narrow)
    call_command("embed", "--limit", "3", verbosity=0)
    results = search("vehicles")
    assert results.vector_index.model == OLD  # taken before the switch
    call_command("embed", verbosity=0)
    assert vectors.index().model == "narrow-16"
    # The old model's query against the old model's vectors: no mix, no error.
    assert results[0].title in {"Car engines repair", "Electric vehicles", "Automobile garages"}
    assert getattr(results.query_vector, "shape", None) == (32,)
    assert getattr(search("vehicles").query_vector, "shape", None) == (16,)


def test_a_model_of_another_size_gets_its_own_index_and_serves(settings, cars, narrow):
    settings.SEARCH_VECTOR_INDEX = "hnsw"  # files at any size (SQLite)
    configure(settings, narrow)
    call_command("embed", verbosity=0)
    assert vectors.index().model == "narrow-16"
    assert semantic_titles("automobile")[0] in {"Car engines repair", "Automobile garages"}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                ["search_papervector_hnsw_16"],
            )
            assert "vector_dims(embedding) = 16" in cursor.fetchone()[0]
    else:
        manifest = hnsw_index.read_manifest("narrow-16")
        assert manifest is not None and manifest.dims == 16
        assert hnsw_index.read_manifest(OLD) is not None
        call_command("embed", "--retire", verbosity=0)
        assert hnsw_index.read_manifest(OLD) is None
        assert hnsw_index.read_manifest("narrow-16") == manifest  # the serving one's stay
        assert not list(hnsw_index.folder().glob(hnsw_index.file_stem(OLD) + "-*"))


def test_switching_back_to_a_retired_model_embeds_only_the_papers_it_lacks(
    settings, cars, negated, tmp_path
):
    configure(settings, negated)
    call_command("embed", verbosity=0)
    newcomer = make_paper("Solar cars", abstract="Vehicles on sunlight.")
    call_command("embed", verbosity=0)
    configure(settings, tmp_path / "toy")
    call_command("embed", verbosity=0)
    assert state(OLD) == "active" and state("negated-32") == "retired"
    assert PaperVector.objects.filter(model=OLD).count() == len(cars) + 1
    assert PaperVector.objects.filter(paper=newcomer, model=OLD).exists()


def test_a_serving_model_whose_folder_is_gone_leaves_typed_search_to_keywords(client, cars):
    # An upgrade replaced the shipped model and no copy of the old one is left anywhere.
    EmbeddingModel.objects.filter(name=OLD).update(name="vanished-32")
    PaperVector.objects.update(model="vanished-32")
    vectors.reset()
    assert not vectors.embed_query("cars").any()
    results = search("automobile garages")
    assert results.semantic_head == [] and results[0].title == "Automobile garages"
    assert client.get("/papers", {"q": "automobile"}).status_code == 200
    # like: needs no query embedding: it still works from the stored vectors.
    assert search(f"like:{cars[0].arxiv_id}").semantic_head


def test_the_shipped_model_is_kept_in_the_data_folder_and_a_named_one_is_not(cars):
    # An upgrade replaces the package's folder; the site's copy still embeds queries.
    shipped = serving.register(MODEL_DIR)
    assert read_config(serving.kept_folder(shipped.name))["name"] == shipped.name
    assert shipped.state == "building"  # the toy model serves meanwhile
    assert not serving.kept_folder(OLD).exists()
    assert serving.embedder_of(EmbeddingModel.objects.get(name=OLD)) is not None


def test_a_folder_of_an_unknown_kind_is_refused_clearly(settings, tmp_path):
    folder = tmp_path / "strange"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": "strange", "kind": "telepathy"}))
    configure(settings, folder)
    with pytest.raises(CommandError, match="unknown kind 'telepathy'"):
        call_command("embed", verbosity=0)


def test_a_broken_setting_on_a_new_site_leaves_search_to_keywords(settings, client, tmp_path):
    configure(settings, tmp_path / "no-such-folder")
    make_paper("Car engines repair", abstract="Fixing vehicles.")
    assert client.get("/papers", {"q": "car engines"}).status_code == 200
    assert search("car engines")[0].title == "Car engines repair"
    with pytest.raises(CommandError, match=r"no readable config\.json"):
        call_command("embed", verbosity=0)


def test_a_changed_model_that_kept_its_name_is_refused(settings, cars, tmp_path):
    folder = toy_model(tmp_path / "renamed", OLD, dim=8)
    configure(settings, folder)
    with pytest.raises(CommandError, match="needs a new name"):
        call_command("embed", verbosity=0)


def test_a_folder_without_kind_is_the_static_kind(negated):
    config = json.loads((negated / "config.json").read_text())
    del config["kind"]
    (negated / "config.json").write_text(json.dumps(config))
    assert isinstance(load_embedder(negated), StaticEmbedder)


def test_status_lists_each_model_with_its_counts(settings, cars, negated, capsys):
    configure(settings, negated)
    call_command("embed", "--limit", "2", verbosity=0)
    call_command("embed", "--status")
    out = capsys.readouterr().out
    assert f"{OLD}: active, 32 dimensions, 6 vectors, 0 papers without one" in out
    assert "negated-32: building, 32 dimensions, 2 vectors, 4 papers without one" in out
    assert "configured: negated-32" in out


def test_only_embedding_registers_the_configured_model(settings, client, cars, negated):
    # A shell or a web process with another setting looks, tidies, embeds a paper: the
    # database decides which models are filled and which serves.
    configure(settings, negated)
    call_command("embed", "--status")
    call_command("embed", "--retire")
    newcomer = make_paper("Hydrogen cars", abstract="Fuel cells in vehicles.")
    vectors.embed_papers([newcomer])
    assert client.get("/papers", {"q": "automobile"}).status_code == 200
    assert not EmbeddingModel.objects.filter(name="negated-32").exists()
    assert list(PaperVector.objects.filter(paper=newcomer).values_list("model", flat=True)) == [OLD]
    assert not any(serving.missing_count(model.name) for model in serving.to_fill())


def test_workers_side_by_side_embed_each_paper_once(settings, cars, negated):
    # Two workers read the same candidates; each claims only what is still missing.
    from dailypapers.search.management.commands.embed import Command

    configure(settings, negated)
    serving.register()  # as the command does first
    first, second = Command(), Command()
    assert first.handle_one(2) == 2  # it read six candidates, embedded two
    assert second.handle_one(2) == 2  # it read the four left, embedded two
    # The first worker's window still holds the second's two: it skips them.
    assert first.handle_one(2) == 2
    assert second.handle_one(2) == 0 and first.handle_one(2) == 0
    assert PaperVector.objects.filter(model="negated-32").count() == len(cars)
    assert serving.missing_ids("negated-32").tolist() == []


def test_a_nearly_complete_model_switches_then_gets_the_rest(settings, cars, negated, monkeypatch):
    # On a busy site papers arrive while the last batches run: "nearly all" is enough.
    monkeypatch.setattr(serving, "SWITCH_MISSING_SHARE", 0.5)
    configure(settings, negated)
    call_command("embed", "--limit", "3", verbosity=0)
    assert state("negated-32") == "active"
    assert serving.missing_count("negated-32") == 3
    call_command("embed", verbosity=0)
    assert serving.missing_count("negated-32") == 0


def test_a_loop_worker_logs_its_counts_and_stops_on_sigterm(cars, caplog):
    import logging
    import os
    import signal
    import threading

    make_paper("Hydrogen cars", abstract="Fuel cells in vehicles.")
    make_paper("Solar cars", abstract="Vehicles on sunlight.")

    def placeholder(*_):
        pass

    def stop_once_it_listens():
        # SIGTERM only once the command handles it (the default would end pytest).
        while signal.getsignal(signal.SIGTERM) is placeholder:
            threading.Event().wait(0.05)
        threading.Event().wait(0.3)
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, placeholder)
    stopper = threading.Thread(target=stop_once_it_listens)
    stopper.start()
    try:
        with caplog.at_level(logging.INFO):
            call_command("embed", "--loop", "--sleep", "0.05", verbosity=0)
    finally:
        stopper.join()
        signal.signal(signal.SIGTERM, previous)
    assert "embedded 2 papers (2 in all); 0 missing" in caplog.text
