"""Realistic demo data (filled in by the seed work)."""
import click
from flask.cli import with_appcontext


@click.command("seed")
@with_appcontext
def seed_command():
    """Fill the database with fake users, posts, comments and follows."""
    raise click.ClickException("seeding is not built yet")
