"""Operator commands: ``flask --app site_app deploy | repair-counts | publish-due | seed | demo |
worker | backup | restore | shell``."""

import click
from flask import current_app
from flask.cli import with_appcontext

from .database import get_db
from .extensions import db
from .indexes import ensure_indexes


def register(app):
    app.cli.add_command(deploy)
    app.cli.add_command(repair_counts_command)
    app.cli.add_command(publish_due_command)
    from .seed.commands import demo_command, seed_command

    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    from .media.cleanup import media_cli

    app.cli.add_command(media_cli)
    app.cli.add_command(worker)
    from . import backup

    backup.register(app)

    @app.shell_context_processor
    def shell_context():
        from .models import Comment, Permission, Post, Role, User

        return {
            "db": db,
            "User": User,
            "Role": Role,
            "Post": Post,
            "Comment": Comment,
            "Permission": Permission,
        }


def promote_site_admin():
    """Make the ``SITE_ADMIN`` account Administrator. Returns what happened:
    ``"unset"``, ``"promoted"``, ``"already"`` or ``"not registered"``."""
    from .models import Role, User
    from .models.users import normalise_email

    address = current_app.config.get("SITE_ADMIN")
    if not address:
        return "unset"
    admin_role = Role.named("Administrator")
    email = normalise_email(address)
    if User.objects(email=email, role__ne=admin_role).update_one(set__role=admin_role):
        return "promoted"
    return "already" if User.objects(email=email).count() else "not registered"


def text_index_ready():
    """Whether the posts' text index (search on real MongoDB) exists."""
    from .models import Post

    return "post_text" in get_db(current_app)[Post._get_collection_name()].index_information()


@click.command()
@with_appcontext
def deploy():
    """Create the roles and every index, and promote SITE_ADMIN (idempotent)."""
    from .models import Role
    from .models.backfill import (
        backfill_comment_stats,
        backfill_reading,
        backfill_sizes_and_files,
        backfill_tag_spaces,
    )

    indexes = ensure_indexes()  # first: any query would build indexes unseen
    roles = Role.insert_roles()
    backfilled = backfill_comment_stats()
    sized = backfill_sizes_and_files()
    read = backfill_reading()
    retagged = backfill_tag_spaces()
    promoted = promote_site_admin()
    _echo_repairs()
    click.echo(f"roles: {', '.join(roles) if roles else 'up to date'}")
    click.echo(
        f"posts given comment statistics: {backfilled}"
        if backfilled
        else "post comment statistics: up to date"
    )
    click.echo(f"posts given their size and files: {sized}" if sized else "post sizes and files: up to date")
    click.echo(
        f"posts given reading times and covers: {read}"
        if read
        else "post reading times and covers: up to date"
    )
    click.echo(f"posts whose tags lost their spaces: {retagged}" if retagged else "tags: up to date")
    for collection, names in indexes.items():
        click.echo(f"indexes on {collection}: {', '.join(names) if names else 'up to date'}")
    click.echo("text index post_text on posts: " + ("present" if text_index_ready() else "MISSING"))
    admin = current_app.config.get("SITE_ADMIN")
    click.echo(
        {
            "unset": "SITE_ADMIN is not set: no account promoted",
            "promoted": f"SITE_ADMIN {admin}: promoted to Administrator",
            "already": f"SITE_ADMIN {admin}: already Administrator",
            "not registered": f"SITE_ADMIN {admin}: no such account yet; it becomes "
            "Administrator when it registers",
        }[promoted]
    )


@click.command("repair-counts")
@with_appcontext
def repair_counts_command():
    """Recount likes and follows, and sweep what deleted posts left (safe
    to run at any time, e.g. from a scheduler)."""
    _echo_repairs()


@click.command("publish-due")
@with_appcontext
def publish_due_command():
    """Publish every scheduled post whose time has come (what the scheduler
    runs each minute; safe to run at any time, also beside it)."""
    from .scheduler import publish_due_job

    click.echo(f"scheduled posts published: {publish_due_job()}")


def _echo_repairs():
    from .models.counts import repair_counts

    for what, fixed in repair_counts().items():
        click.echo(f"{what}: {fixed} repaired" if fixed else f"{what}: exact")


@click.command()
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@with_appcontext
def worker(burst):
    """Run the background jobs (RQ on JOBS_REDIS_URL), RQ's scheduler, which
    re-queues the jobs waiting for a retry, and RQ's cron scheduler with the
    site's timetable (site_app/scheduler.py; not with --burst)."""
    from rq import Worker

    from .jobs import redis_connection, rq_queue
    from .scheduler import start_rq_cron

    if not current_app.config.get("JOBS_REDIS_URL"):
        raise click.ClickException(
            "JOBS_REDIS_URL is not set: without it jobs and the timetable run inside "
            "the web process and no worker is needed."
        )
    connection = redis_connection(current_app)
    # The forked work horse inherits this app context, so jobs use the app.
    every = current_app.config["JOBS_MAINTENANCE_SECONDS"]
    # An idle worker blocks on Redis for worker_ttl - 15 s between its
    # maintenance rounds: tied together so the rounds come as often as asked.
    cron = None if burst else start_rq_cron(current_app._get_current_object())
    try:
        Worker(
            [rq_queue(current_app, connection)],
            connection=connection,
            maintenance_interval=every,
            worker_ttl=every + 15,
        ).work(with_scheduler=True, burst=burst)
    finally:
        if cron is not None:
            cron.terminate()  # SIGTERM: RQ's cron scheduler deregisters itself
            cron.join(10)
