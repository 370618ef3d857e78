"""``dailypapers reindex``: rebuild the keyword index from the papers table."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dailypapers.papers.models import Paper
from dailypapers.search.keyword import backend, tantivy_index, tantivy_search


class Command(BaseCommand):
    help = "Rebuild the keyword search index from the papers table (safe to run at any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = Paper.objects.count()
        if backend() is tantivy_search:
            total = Paper.objects.visible().count()  # the index holds no hidden paper
            quiet = options["verbosity"] == 0
            with tqdm(total=total, desc="indexing", unit="paper", disable=quiet) as bar:

                def progress(rows):
                    for row in rows:
                        bar.update()
                        yield row

                try:
                    total = tantivy_index.get().rebuild(progress)
                except tantivy_index.IndexBusy as error:
                    raise CommandError(f"{error}; try again when it is done") from error
        else:
            backend().rebuild()
        self.stdout.write(f"keyword index rebuilt over {total} papers")
