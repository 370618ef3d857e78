"""Admin: where each paper's PDF stands; deleting a row makes the paper due again."""

from django.contrib import admin

from dailypapers.pdfs.models import PaperPdf


@admin.register(PaperPdf)
class PaperPdfAdmin(admin.ModelAdmin):
    list_display = ["paper", "state", "reason", "attempts", "pages", "render_ms", "fetched_at"]
    list_filter = ["state"]
    search_fields = ["paper__arxiv_id", "reason"]
    raw_id_fields = ["paper"]
