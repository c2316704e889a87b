"""``flask --app site_app seed`` fills the configured database;
``flask --app site_app demo`` (what ``make run`` calls) serves the site on
the embedded database filled with the demo set."""

import sys

import click
from flask import current_app
from flask.cli import pass_script_info, with_appcontext
from werkzeug.serving import run_simple

from ..database import get_db, is_embedded
from ..models import User
from ..public_address import serve_at, served_address
from .documents import DEMO_PASSWORD
from .run import DEMO_SIZES, SeedSizes, describe, reset_database, seed_database


def click_progress(label, length):
    """A progress bar on stderr, so stdout keeps only the summary."""
    return click.progressbar(
        length=length, label=label.ljust(9), file=sys.stderr, show_pos=True, show_eta=False
    )


@click.command("seed")
@click.option(
    "--users",
    default=SeedSizes.users,
    show_default=True,
    type=click.IntRange(min=0),
    help="Accounts to create, the three demo logins included.",
)
@click.option(
    "--posts", default=SeedSizes.posts, show_default=True, type=click.IntRange(min=0), help="Posts to create."
)
@click.option(
    "--comments",
    default=SeedSizes.comments,
    show_default=True,
    type=click.IntRange(min=0),
    help="Comments spread over the new posts.",
)
@click.option(
    "--follows",
    default=None,
    type=click.IntRange(min=0),
    help="Follow relations between the new users  [default: 6 per user]",
)
@click.option(
    "--images",
    default=SeedSizes.images,
    show_default=True,
    type=click.IntRange(min=0),
    help="Generated pictures embedded in posts.",
)
@click.option("--reset", is_flag=True, help="Empty users, posts, roles and GridFS files first.")
@click.option(
    "--seed",
    "rng_seed",
    type=int,
    default=None,
    help="Random seed, for the same names and texts on every run.",
)
@with_appcontext
def seed_command(users, posts, comments, follows, images, reset, rng_seed):
    """Fill the database with fake users, posts, comments, follows and images."""
    app = current_app._get_current_object()
    if is_embedded(app) and not app.testing:
        click.echo(
            "warning: MONGODB_URI is not set, so this fills the embedded in-memory "
            "database, which is gone when this command ends. Use `make run` for a "
            "demo, or set MONGODB_URI.",
            err=True,
        )
    if reset:
        reset_database()
        click.echo("emptied users, posts, roles and GridFS files", err=True)
    sizes = SeedSizes(users=users, posts=posts, comments=comments, follows=follows, images=images)
    report = seed_database(sizes, rng_seed=rng_seed, progress=click_progress)
    for line in describe(report):
        click.echo(line)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--reset", is_flag=True, help="Start afresh: empty the embedded database (and its kept file), then seed."
)
@pass_script_info
def demo_command(info, host, port, reset):
    """Serve the site with demo content on the embedded database, kept
    between runs in EMBEDDED_DATA_DIR."""
    app = info.load_app()
    serve_at(app, host, port)
    if is_embedded(app):
        # Imported here: production (never embedded) does not load it.
        from ..embedded_files import empty_database, keep

        store = keep(app)
        if reset:
            empty_database(get_db(app))
        with app.app_context():
            if not User.objects.count():
                report = seed_database(DEMO_SIZES, rng_seed=2024)
                app.logger.info("demo content: %s", "; ".join(describe(report)[:2]))
        if store is not None:
            store.save_if_changed()  # what is served now is what a crash leaves
    else:
        app.logger.info("MONGODB_URI is set: serving it as it is (`flask --app site_app seed` fills it)")
        if reset:
            click.echo(
                "--reset empties only the embedded database; the MongoDB server is left as it is", err=True
            )
    url = served_address(host, port)
    # Printed as well as logged: this is what a newcomer looks for after
    # `make run`, and it must not drown among the log lines.
    click.echo(
        "\n".join(
            [
                "",
                f"  Inkwell demo: {url}",
                f"  log in as demo@example.com / {DEMO_PASSWORD}",
                "  (moderator@example.com and admin@example.com have the same password)",
                "",
            ]
        ),
        err=True,
    )
    # No reloader: the embedded database lives in this process, saved only
    # every few seconds; a restart would lose the last of it.
    run_simple(host, port, app, use_reloader=False, use_debugger=app.debug, threaded=True)
