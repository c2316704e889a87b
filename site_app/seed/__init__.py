"""Realistic demo data: ``flask --app site_app seed`` and ``flask --app
site_app demo`` (``make run``).

``fake_text`` writes the words, ``pictures`` draws the images, ``documents``
builds users, follows, posts and comments through the models, ``run``
orders one seeding run and reports on it, ``commands`` holds the two CLI
commands.
"""

from .documents import DEMO_ACCOUNTS, DEMO_PASSWORD
from .run import DEMO_SIZES, SeedReport, SeedSizes, describe, reset_database, seed_database

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DEMO_SIZES",
    "SeedReport",
    "SeedSizes",
    "describe",
    "reset_database",
    "seed_database",
]
