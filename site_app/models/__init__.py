"""The documents. Each owns its rules; views call these, never raw queries."""

from .bookmarks import Bookmark
from .comments import Comment, CommentGone, CommentsClosed
from .likes import Like
from .notifications import Notification
from .posts import Post, normalise_tags
from .roles import Permission, Role
from .users import AccountTaken, AnonymousUser, User, utcnow

__all__ = [
    "AccountTaken",
    "AnonymousUser",
    "Bookmark",
    "Comment",
    "CommentGone",
    "CommentsClosed",
    "Like",
    "Notification",
    "Permission",
    "Post",
    "Role",
    "User",
    "normalise_tags",
    "utcnow",
]


def connect_signals():
    """What goes with a deleted document, whatever path deleted it (a view,
    the admin, the shell, a script): MongoEngine's ``post_delete`` of a post
    takes its revisions, likes and bookmarks after it (after, so a failure
    never leaves a post whose likes are gone: ``flask repair-counts`` sweeps
    what it leaves); of an account, its likes (each with its -1) and its
    two-factor secret. Called from ``create_app``'s wiring block."""
    from mongoengine import signals

    from . import counts, likes, two_factor
    from .revisions import Revision

    signals.post_delete.connect(Revision.forget_post, sender=Post, weak=False)
    signals.post_delete.connect(counts.forget_deleted_post, sender=Post, weak=False)
    signals.post_delete.connect(likes.withdraw_likes_of_deleted, sender=User, weak=False)
    signals.post_delete.connect(two_factor.disable_for_deleted, sender=User, weak=False)
