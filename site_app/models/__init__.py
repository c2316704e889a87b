"""The documents. Each owns its rules; views call these, never raw queries."""
from .posts import Comment, CommentsClosed, Post, normalise_tags
from .roles import Permission, Role
from .users import AccountTaken, AnonymousUser, User, utcnow

__all__ = ["AccountTaken", "AnonymousUser", "Comment", "CommentsClosed", "Permission",
           "Post", "Role", "User", "normalise_tags", "utcnow"]
