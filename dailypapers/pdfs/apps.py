"""Papers' PDFs: a thumbnail of the first page and the extracted text, fetched by a worker."""

from django.apps import AppConfig


class PdfsConfig(AppConfig):
    name = "dailypapers.pdfs"
    label = "pdfs"
