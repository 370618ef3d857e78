"""Ingestion: fetch from the upstreams (``dailypapers.sources``) and store through ``writing``.

One module per way in: ``arxiv_api`` (papers by id), ``oai_harvest`` (bulk and nightly),
``announcements`` (arXiv's daily RSS), ``hf_lists`` (Hugging Face daily lists),
``snapshot_import`` (the Kaggle metadata file). ``clients`` builds the polite HTTP clients,
``pacing`` spaces their requests through the database. The commands in
``papers/management/commands`` are thin shells over these.
"""
