#!/usr/bin/env python3
"""Write dailypapers/demo/data/vectors.npz: the bundled papers' vectors by the shipped model.

    .venv/bin/python bench/search_demo_vectors.py

Run after the model or the bundled papers change (bin/build-demo-data). It loads the bundle into
a fresh SQLite database in a temporary folder, embeds every paper, and exports the vectors.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DAILYPAPERS_DATA_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from dailypapers.demo import bundle
        from dailypapers.papers.models import Paper
        from dailypapers.search import demo_vectors, vectors
        from dailypapers.search.models import PaperVector

        bundle.load()
        PaperVector.objects.all().delete()  # embed everything afresh, not from the old file
        vectors.embed_papers(Paper.objects.all())
        count = demo_vectors.export_vectors()
        print(f"{count} vectors written to {demo_vectors.DEMO_VECTORS}")


if __name__ == "__main__":
    main()
