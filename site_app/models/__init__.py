"""The documents. Each owns its rules; views call these, never raw queries."""
from .bookmarks import Bookmark
from .likes import Like
from .posts import Comment, CommentsClosed, Post, normalise_tags
from .roles import Permission, Role
from .users import AccountTaken, AnonymousUser, User, utcnow

__all__ = ["AccountTaken", "AnonymousUser", "Bookmark", "Comment", "CommentsClosed", "Like",
           "Permission", "Post", "Role", "User", "normalise_tags", "utcnow"]
