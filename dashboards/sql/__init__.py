"""Frozen versions of the rollup trigger SQL, one module per migration that installs one (never edited).

``LATEST`` is the version rollup.py generates today (a test holds them equal); ``check_rollups``
compares what is installed in the database with rollup.py."""

from . import rollup_v1

LATEST = rollup_v1
