"""The documents. Each owns its rules; views call these, never raw queries."""
from .comments import Comment, CommentGone, CommentsClosed
from .notifications import Notification
from .posts import Post, normalise_tags
from .roles import Permission, Role
from .users import AccountTaken, AnonymousUser, User, utcnow

__all__ = ["AccountTaken", "AnonymousUser", "Comment", "CommentGone", "CommentsClosed",
           "Notification", "Permission", "Post", "Role", "User", "normalise_tags", "utcnow"]
