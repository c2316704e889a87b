"""Operator commands: ``flask --app site_app deploy | seed | shell``."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db


def register(app):
    app.cli.add_command(deploy)
    from .seed import seed_command
    app.cli.add_command(seed_command)
    from .media.cleanup import media_cli
    app.cli.add_command(media_cli)

    @app.shell_context_processor
    def shell_context():
        from .models import Comment, Permission, Post, Role, User
        return {"db": db, "User": User, "Role": Role, "Post": Post,
                "Comment": Comment, "Permission": Permission}


def documents():
    """Every document class whose indexes deploy must create."""
    from .models import Post, Role, User
    return [Role, User, Post]


def ensure_indexes():
    """Create every declared index; returns ``{collection: [new index names]}``."""
    created = {}
    for document in documents():
        collection = document._get_collection()
        before = set(collection.index_information())
        document.ensure_indexes()
        after = set(collection.index_information())
        created[collection.name] = sorted(after - before)
    from .media.storage import ensure_media_indexes
    created.update(ensure_media_indexes())
    return created


def promote_site_admin():
    """Make the ``SITE_ADMIN`` account Administrator; True when it changed."""
    from .models import Role, User
    address = current_app.config.get("SITE_ADMIN")
    if not address:
        return False
    admin_role = Role.named("Administrator")
    return bool(User.objects(email=address.strip().lower(), role__ne=admin_role)
                .update_one(set__role=admin_role))


@click.command()
@with_appcontext
def deploy():
    """Create the roles and every index, and promote SITE_ADMIN (idempotent)."""
    from .models import Role
    roles = Role.insert_roles()
    indexes = ensure_indexes()
    promoted = promote_site_admin()
    click.echo(f"roles: {', '.join(roles) if roles else 'up to date'}")
    for collection, names in indexes.items():
        click.echo(f"indexes on {collection}: {', '.join(names) if names else 'up to date'}")
    admin = current_app.config.get("SITE_ADMIN")
    if admin:
        click.echo(f"SITE_ADMIN {admin}: {'promoted to Administrator' if promoted else 'nothing to change'}")
    else:
        click.echo("SITE_ADMIN is not set: no account promoted")
