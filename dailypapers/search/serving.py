"""Which embedding model serves searches, and the switch from one model to the next.

A site embeds with the model ``DAILYPAPERS_EMBEDDING_MODEL`` names (``embedder.py``). The
database records every model it has vectors by (``EmbeddingModel``). The *serving* model is
the active row: searches embed the query with it and search its vectors only, so a query is
never compared with vectors of another model. A newly configured model is ``building`` while
``dailypapers embed`` fills its vectors; once it has a vector for all but
``SWITCH_MISSING_SHARE`` of the papers, ``switch_to`` makes it active and retires the previous
one in one transaction. Web processes notice within ``numpy_index.refresh_seconds()``.

The serving model must stay loadable while it serves (its query vectors). It is looked for in
the configured folder, the folder it was registered from, and ``$DAILYPAPERS_DATA_DIR/models/``,
where registering the package's shipped model keeps a copy, since upgrading the package
replaces that folder with the next model. A folder is used only if its ``config.json`` has the
model's name. If none is found, typed searches rank by keyword alone (``like:`` and similar
papers still use the stored vectors) until the next model serves.

Not here: embedding (``vectors.py``), the command that drives all this (``embed``).
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from dailypapers.papers.models import Paper
from dailypapers.search.embedder import (
    MODEL_DIR,
    Embedder,
    ModelFolderError,
    configured_folder,
    embedder_in,
    read_config,
)
from dailypapers.search.models import EmbeddingModel, PaperVector
from dailypapers.search.vectors.numpy_index import refresh_seconds

log = logging.getLogger(__name__)

State = EmbeddingModel.State
# A new model serves once no more than this share of the papers lacks its vector (the
# newest papers of a busy site arrive while the last batches run; the worker embeds them by
# the new model right after the switch, as it embeds every new paper).
SWITCH_MISSING_SHARE = 0.001


def kept_folder(name: str) -> Path:
    """Where the site keeps its own copy of a model it embedded with."""
    return Path(settings.DATA_DIR) / "models" / re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _keep_copy(folder: Path, name: str) -> None:
    """Copy the package's shipped model into the data folder, so that it can still embed
    queries after an upgrade replaced it (a folder the operator named is theirs to keep)."""
    target = kept_folder(name)
    if folder != MODEL_DIR.resolve() or target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # A staging folder of this process's own: workers starting together each copy, one wins.
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        shutil.copytree(folder, staging, dirs_exist_ok=True)
        staging.chmod(0o755)  # mkdtemp's 0700 would hide it from a web server's user
        staging.rename(target)  # whole or absent: a half copy is never taken for the model
    except OSError:
        if not target.exists():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def register(folder: Path | None = None) -> EmbeddingModel:
    """The row of the configured model (of ``folder``), created on first use: active when no
    model is, else building. A retired model configured again becomes building (only papers
    that came since its retirement are embedded again); another building model is given up.
    Refuses a folder whose model has the name of a stored one but other dimensions."""
    folder = (folder or configured_folder()).resolve()
    config = read_config(folder)
    embedder = embedder_in(folder)
    _keep_copy(folder, embedder.name)
    with transaction.atomic():
        row, _ = EmbeddingModel.objects.get_or_create(
            name=embedder.name,
            defaults={"kind": config["kind"], "dim": embedder.dim, "folder": str(folder)},
        )
        if row.dim != embedder.dim:
            raise ModelFolderError(
                f"{folder}: model {row.name} has {embedder.dim} dimensions, but its stored "
                f"vectors have {row.dim}; a changed model needs a new name in config.json"
            )
        if row.state == State.RETIRED:
            row.state = State.BUILDING
            row.save(update_fields=["state"])
        EmbeddingModel.objects.filter(state=State.BUILDING).exclude(pk=row.pk).update(
            state=State.RETIRED
        )
    if row.state == State.BUILDING and not EmbeddingModel.objects.filter(state=State.ACTIVE):
        # A site's first model serves at once: there is nothing to wait for.
        try:
            with transaction.atomic():
                EmbeddingModel.objects.filter(pk=row.pk).update(
                    state=State.ACTIVE, activated=timezone.now()
                )
        except IntegrityError:
            pass  # another process made a model active meanwhile
        row.refresh_from_db()
    forget()
    return row


_serving: tuple[float, EmbeddingModel] | None = None


def serving() -> EmbeddingModel:
    """The model searches use: the active row (read again at most every
    ``refresh_seconds()``), or, on a site that has stored no vector yet, the configured model
    (not saved: reading never writes)."""
    global _serving
    now = time.monotonic()
    if _serving is not None and now - _serving[0] < refresh_seconds():
        return _serving[1]
    found = EmbeddingModel.objects.filter(state=State.ACTIVE).first()
    if found is None:
        try:
            embedder = embedder_in(configured_folder())
            found = EmbeddingModel(
                name=embedder.name,
                dim=embedder.dim,
                folder=str(configured_folder()),
                state="active",
            )
        except ModelFolderError:
            # A broken setting on a site with no vector yet: no meaning search, no error page
            # (``dailypapers embed`` says what is wrong).
            found = EmbeddingModel(name="", dim=0, state="active")
    _serving = (now, found)
    return found


def forget() -> None:
    """Read the serving model afresh at the next search (tests, after a switch)."""
    global _serving
    _serving = None


_missing_warned: set[str] = set()


def embedder_of(model: EmbeddingModel) -> Embedder | None:
    """The loaded model of this row, from the first folder whose config.json has its name;
    None when no such folder is left."""
    candidates = [configured_folder(), kept_folder(model.name), MODEL_DIR]
    if model.folder:
        candidates.insert(1, Path(model.folder))
    for folder in candidates:
        try:
            if read_config(folder)["name"] == model.name:
                return embedder_in(folder)
        except ModelFolderError:
            continue
    if model.name not in _missing_warned:
        _missing_warned.add(model.name)
        log.warning("no folder holds embedding model %s: typed searches rank by keyword", model)
    return None


def to_fill() -> list[EmbeddingModel]:
    """The models papers need a vector by: the active one, then the one being built, as the
    database records them (``dailypapers embed`` registers the configured model; another
    process's own setting changes nothing). On a site without a model yet, the configured
    one is registered: it is the first, it serves at once."""
    active = EmbeddingModel.objects.filter(state=State.ACTIVE).first() or register()
    building = EmbeddingModel.objects.filter(state=State.BUILDING).exclude(pk=active.pk)
    return [active, *building]


def missing(name: str) -> QuerySet[Paper]:
    """Papers without a vector by the model ``name``, oldest row first. Each row costs an
    index probe: narrow it (``id__in``) on a large site, as ``dailypapers embed`` does with
    ``missing_ids``."""
    has_one = PaperVector.objects.filter(paper_id=OuterRef("pk"), model=name)
    return Paper.objects.filter(~Exists(has_one)).order_by("id")


def missing_ids(name: str) -> np.ndarray:
    """The ids of the papers without a vector by ``name``, sorted: two index-only reads and
    a set difference (at 170k papers tens of milliseconds, where a probe per paper takes
    half a second)."""
    papers = np.fromiter(Paper.objects.values_list("id", flat=True), dtype=np.int64)
    having = PaperVector.objects.filter(model=name).values_list("paper_id", flat=True)
    # Sorted: the papers may come in the order of whichever index SQLite reads them from.
    return np.sort(np.setdiff1d(papers, np.fromiter(having, dtype=np.int64), assume_unique=True))


def missing_count(name: str) -> int:
    """How many papers lack a vector by ``name`` (two index-only counts: every vector's paper
    exists, deleting a paper deletes its vectors)."""
    return max(0, Paper.objects.count() - PaperVector.objects.filter(model=name).count())


def complete(model: EmbeddingModel) -> bool:
    """Whether ``model`` has a vector for all but ``SWITCH_MISSING_SHARE`` of the papers."""
    return missing_count(model.name) <= int(SWITCH_MISSING_SHARE * Paper.objects.count())


def switch_to(model: EmbeddingModel) -> bool:
    """Make the building ``model`` the active one and retire the active one, in one
    transaction (searches see one or the other, never both or none); False when it is not
    building any more."""
    with transaction.atomic():
        if not EmbeddingModel.objects.filter(pk=model.pk, state=State.BUILDING).exists():
            return False
        EmbeddingModel.objects.filter(state=State.ACTIVE).update(state=State.RETIRED)
        EmbeddingModel.objects.filter(pk=model.pk).update(
            state=State.ACTIVE, activated=timezone.now()
        )
    forget()
    return True


# Vectors deleted per statement when a model is retired: a short write transaction each, so
# searches and embed workers are not held up.
DELETE_BATCH = 5_000


def retire() -> list[tuple[str, int]]:
    """Delete the vectors, index files and kept folder copy of every retired model, and its
    row; returns (name, vectors deleted) for each."""
    from dailypapers.search.vectors import hnsw_build  # it imports serving (this module)

    done = []
    for model in EmbeddingModel.objects.filter(state=State.RETIRED):
        deleted = 0
        rows = PaperVector.objects.filter(model=model.name)
        while ids := list(rows.values_list("id", flat=True)[:DELETE_BATCH]):
            deleted += PaperVector.objects.filter(id__in=ids).delete()[0]
        hnsw_build.delete_files(model.name)
        shutil.rmtree(kept_folder(model.name), ignore_errors=True)
        # Configured again meanwhile? Then it is building, not retired: leave it be.
        EmbeddingModel.objects.filter(pk=model.pk, state=State.RETIRED).delete()
        done.append((model.name, deleted))
    return done
