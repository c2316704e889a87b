"""Turn the models' community signals into notifications.

A notification is a side effect of a write that already succeeded: a
failure to store one is logged, never turned into an error for the reader
whose comment, like or follow went through.
"""

import functools
import logging

from mongoengine import signals as document_signals

from ..models import Notification, Post, User
from ..models.blocks import forget_member, silenced_by
from ..models.signals import comment_posted, comment_removed, post_liked, user_followed, users_mentioned

log = logging.getLogger(__name__)


def _logged(listener):
    @functools.wraps(listener)
    def safe(*args, **kwargs):
        try:
            listener(*args, **kwargs)
        except Exception:
            log.exception("could not store a notification (%s)", listener.__name__)

    return safe


@_logged
def on_comment(
    sender,
    post,
    comment,
    author,
    html=None,
    parent=None,
    answered=None,
    answered_author=None,
    mentioned=(),
    **_,
):
    """The post's author is told of a comment; the authors of the thread's
    first comment and of the reply answered (when that is another) of a
    reply; the members it names of a mention: each reader once, a reply
    before a comment before a mention."""
    query = Post.objects(id=post)
    # One read: the post's author, and the parent comment alone ($elemMatch).
    found = (
        query.only("author", "comments").fields(elemMatch__comments={"id": parent})
        if parent
        else query.only("author")
    ).first()
    if found is None:
        return
    told = set()
    if parent and found.comments:
        told.add(found.comments[0].author_id)
    if answered and answered != parent:
        told.add(answered_author)
    # Readers who block or mute the commenter are told nothing of them.
    silenced = silenced_by(told | {found.author_id} | set(mentioned), author)
    for reader in told - {None} - silenced:
        Notification.notify_about_post(reader, "reply", author, post, comment, comment, html)
    if found.author_id not in told | silenced:
        Notification.notify_about_post(found.author_id, "comment", author, post, comment, comment, html)
    for reader in set(mentioned) - told - {found.author_id} - silenced:
        Notification.notify_about_post(reader, "mention", author, post, comment, comment, html)


@_logged
def on_mention(sender, users, author, post, comment=None, html=None, **_):
    for user in set(users) - silenced_by(users, author):
        # The text is the event: the comment, or the post's own body.
        Notification.notify_about_post(user, "mention", author, post, comment or post, comment, html)


@_logged
def on_like(sender, post, user, author, **_):
    if not silenced_by([author], user):
        Notification.notify_like(author, user, post)


@_logged
def on_follow(sender, follower, followed, **_):
    if not silenced_by([followed], follower):
        Notification.notify_follow(followed, follower)


@_logged
def on_comment_removed(sender, post, comment, **_):
    Notification.forget_comment(post, comment)


@_logged
def on_user_deleted(sender, document, **_):
    Notification.forget_recipient(document.id)


@_logged
def on_post_deleted(sender, document, **_):
    Notification.forget_post(document.id)


@_logged
def on_user_deleted_rules(sender, document, **_):
    """A deleted account's blocks and mutes go with it, both ways."""
    forget_member(document.id)


def connect_signals():
    comment_posted.connect(on_comment, weak=False)
    users_mentioned.connect(on_mention, weak=False)
    post_liked.connect(on_like, weak=False)
    user_followed.connect(on_follow, weak=False)
    comment_removed.connect(on_comment_removed, weak=False)
    document_signals.post_delete.connect(on_user_deleted, sender=User, weak=False)
    document_signals.post_delete.connect(on_user_deleted_rules, sender=User, weak=False)
    document_signals.post_delete.connect(on_post_deleted, sender=Post, weak=False)
