"""A model change is an operation: ``dailypapers embed`` re-embeds to the configured model
while the previous one serves, then switches; searches never mix two models' vectors."""

import json
import shutil

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dailypapers.core.testing import make_paper
from dailypapers.search import hnsw_index, serving, vectors
from dailypapers.search.embedder import MODEL_DIR, StaticEmbedder, load_embedder, read_config
from dailypapers.search.hybrid import search
from dailypapers.search.models import EmbeddingModel, PaperVector

pytestmark = pytest.mark.django_db
SHIPPED = read_config(MODEL_DIR)["name"]


def model_folder(path, name, transform):
    """A static model folder made from the shipped one: same tokenizer, token vectors
    ``transform``ed (negated: the same space turned inside out; cut: fewer dimensions)."""
    path.mkdir()
    shutil.copy(MODEL_DIR / "tokenizer.json", path / "tokenizer.json")
    np.save(path / "embeddings.npy", transform(np.load(MODEL_DIR / "embeddings.npy")))
    (path / "config.json").write_text(json.dumps({"name": name, "kind": "static"}))
    return path


@pytest.fixture
def negated(tmp_path):
    return model_folder(tmp_path / "negated", "negated-256", lambda rows: -rows)


@pytest.fixture
def narrow(tmp_path):
    return model_folder(tmp_path / "narrow", "narrow-128", lambda rows: rows[:, :128].copy())


@pytest.fixture
def cars():
    """Papers embedded by the shipped model, which serves."""
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
    assert state(SHIPPED) == "active"
    assert vectors.index().model == SHIPPED
    assert PaperVector.objects.filter(model=SHIPPED).count() == len(cars)


def test_a_reembed_interrupted_half_way_resumes_while_the_old_model_serves(settings, cars, negated):
    before = semantic_titles("automobile")
    configure(settings, negated)
    call_command("embed", "--batch-size", "2", "--limit", "3", verbosity=0)
    # Half done: the old model serves, its vectors untouched, the query embedded by it.
    assert PaperVector.objects.filter(model="negated-256").count() == 3
    assert state("negated-256") == "building" and state(SHIPPED) == "active"
    assert vectors.index().model == SHIPPED
    assert semantic_titles("automobile") == before
    assert search("automobile")[0].title in {"Car engines repair", "Automobile garages"}

    call_command("embed", "--batch-size", "2", verbosity=0)  # resumes: the other three
    assert PaperVector.objects.filter(model="negated-256").count() == len(cars)
    assert state("negated-256") == "active" and state(SHIPPED) == "retired"
    assert vectors.index().model == "negated-256"
    # The negated model's query meets the negated vectors: the same neighbours.
    assert semantic_titles("automobile") == before
    # The old vectors stay until --retire (switching back costs only the new papers).
    assert PaperVector.objects.filter(model=SHIPPED).count() == len(cars)
    call_command("embed", "--retire", verbosity=0)
    assert not PaperVector.objects.filter(model=SHIPPED).exists()
    assert not EmbeddingModel.objects.filter(name=SHIPPED).exists()


def test_new_papers_during_a_reembed_get_the_serving_vector_first(settings, cars, negated):
    configure(settings, negated)
    call_command("embed", "--limit", "2", verbosity=0)
    newcomer = make_paper("Hydrogen cars", abstract="Fuel cells in vehicles.")
    call_command("embed", "--batch-size", "1", "--limit", "1", verbosity=0)
    assert PaperVector.objects.filter(paper=newcomer, model=SHIPPED).exists()
    assert vectors.index().model == SHIPPED
    assert newcomer.pk in vectors.index().refresh(force=True).ids.tolist()


def test_vectors_of_two_models_are_never_mixed_in_one_search(settings, cars, negated):
    configure(settings, negated)
    call_command("embed", "--limit", "3", verbosity=0)
    for expected in (SHIPPED, "negated-256"):
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
    assert results.vector_index.model == SHIPPED  # taken before the switch
    call_command("embed", verbosity=0)
    assert vectors.index().model == "narrow-128"
    # 256-dimension query, 256-dimension vectors: no mix, no error.
    assert results[0].title in {"Car engines repair", "Electric vehicles", "Automobile garages"}
    assert getattr(results.query_vector, "shape", None) == (256,)
    assert getattr(search("vehicles").query_vector, "shape", None) == (128,)


def test_a_model_of_another_size_gets_its_own_index_and_serves(settings, cars, narrow):
    settings.SEARCH_VECTOR_INDEX = "hnsw"  # files at any size (SQLite)
    configure(settings, narrow)
    call_command("embed", verbosity=0)
    assert vectors.index().model == "narrow-128"
    assert semantic_titles("automobile")[0] in {"Car engines repair", "Automobile garages"}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%_128"])
            assert "vector_dims(embedding) = 128" in cursor.fetchone()[0]
    else:
        manifest = hnsw_index.read_manifest("narrow-128")
        assert manifest is not None and manifest.dims == 128
        assert hnsw_index.read_manifest(SHIPPED) is not None
        call_command("embed", "--retire", verbosity=0)
        assert hnsw_index.read_manifest(SHIPPED) is None
        assert not list(hnsw_index.folder().glob(hnsw_index.file_stem(SHIPPED) + "-*"))


def test_switching_back_to_a_retired_model_embeds_only_the_papers_it_lacks(settings, cars, negated):
    configure(settings, negated)
    call_command("embed", verbosity=0)
    newcomer = make_paper("Solar cars", abstract="Vehicles on sunlight.")
    call_command("embed", verbosity=0)
    settings.EMBEDDING_MODEL = ""
    vectors.reset()
    call_command("embed", verbosity=0)
    assert state(SHIPPED) == "active" and state("negated-256") == "retired"
    assert PaperVector.objects.filter(model=SHIPPED).count() == len(cars) + 1
    assert PaperVector.objects.filter(paper=newcomer, model=SHIPPED).exists()


def test_a_serving_model_whose_folder_is_gone_leaves_typed_search_to_keywords(client, cars):
    # An upgrade replaced the shipped model and no copy of the old one is left anywhere.
    EmbeddingModel.objects.filter(name=SHIPPED).update(name="vanished-256")
    PaperVector.objects.update(model="vanished-256")
    vectors.reset()
    assert not vectors.embed_query("cars").any()
    results = search("automobile garages")
    assert results.semantic_head == [] and results[0].title == "Automobile garages"
    assert client.get("/papers", {"q": "automobile"}).status_code == 200
    # like: needs no query embedding: it still works from the stored vectors.
    assert search(f"like:{cars[0].arxiv_id}").semantic_head


def test_the_shipped_model_is_kept_in_the_data_folder(settings, cars):
    kept = serving.kept_folder(SHIPPED)
    assert read_config(kept)["name"] == SHIPPED
    row = EmbeddingModel.objects.get(name=SHIPPED)
    assert serving.embedder_of(row) is not None


def test_a_folder_of_an_unknown_kind_is_refused_clearly(settings, tmp_path):
    folder = tmp_path / "strange"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": "strange", "kind": "telepathy"}))
    configure(settings, folder)
    with pytest.raises(CommandError, match="unknown kind 'telepathy'"):
        call_command("embed", verbosity=0)


def test_a_changed_model_that_kept_its_name_is_refused(settings, cars, tmp_path):
    folder = model_folder(tmp_path / "renamed", SHIPPED, lambda rows: rows[:, :64].copy())
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
    assert f"{SHIPPED}: active, 256 dimensions, 6 vectors, 0 papers without one" in out
    assert "negated-256: building, 256 dimensions, 2 vectors, 4 papers without one" in out
