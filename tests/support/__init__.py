"""The shared test and benchmark harness, kept out of the ``dailypapers`` package so it never
ships as runtime code: personas and their fixtures, papers built through the real write path,
a real site on a free port, a database per data folder, concurrent voters, a real SMTP server
and a scripted upstream HTTP server.

The in-package tests (``dailypapers/*/tests``) and ``tests/`` import it as ``tests.support``
(pytest puts the repository root on ``sys.path`` for the root ``conftest.py``, which registers
the fixtures once); ``bench/`` scripts put the root on ``sys.path`` themselves.
"""
