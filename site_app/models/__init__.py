"""The documents. Each owns its rules; views call these, never raw queries."""
from .bookmarks import Bookmark
from .comments import Comment, CommentGone, CommentsClosed
from .likes import Like
from .notifications import Notification
from .posts import Post, normalise_tags
from .roles import Permission, Role
from .users import AccountTaken, AnonymousUser, User, utcnow
from . import counts  # noqa: F401  (a deleted post's likes and bookmarks go after it)

__all__ = ["AccountTaken", "AnonymousUser", "Bookmark", "Comment", "CommentGone", "CommentsClosed",
           "Like", "Notification", "Permission", "Post", "Role", "User", "normalise_tags", "utcnow"]
