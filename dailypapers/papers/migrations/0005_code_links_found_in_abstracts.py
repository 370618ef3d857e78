"""Fill the code link and project page of papers stored before links were read from their
abstract and comments (new papers get them from ``writing.save_papers``). Only empty fields
are filled, so running it after any ingest changes nothing a source said."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    # The finder is a pure function of the text; if it changes later, this migration's work
    # still holds (it only ever adds links that passed lib.links at the time).
    from dailypapers.papers.found_links import find_links

    Paper = apps.get_model("papers", "Paper")
    empty = Paper.objects.filter(github_repo="") | Paper.objects.filter(project_page="")
    changed = []
    for paper in empty.only("github_repo", "project_page", "abstract", "comment").iterator(BATCH):
        found = find_links(paper.abstract, paper.comment)
        dirty = False
        if not paper.github_repo and found.code:
            paper.github_repo, dirty = found.code[0], True
        if not paper.project_page and found.project:
            paper.project_page, dirty = found.project[0], True
        if dirty:
            changed.append(paper)
        if len(changed) >= BATCH:
            Paper.objects.bulk_update(changed, ["github_repo", "project_page"])
            changed = []
    Paper.objects.bulk_update(changed, ["github_repo", "project_page"])


class Migration(migrations.Migration):
    dependencies = [("papers", "0004_paper_fetch_queue")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
