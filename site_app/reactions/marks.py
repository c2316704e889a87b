"""Which of the posts on a page the signed-in reader liked and bookmarked.

A template global, so every list of cards (``_posts.html``) and the post
page ask for their whole page at once: two indexed queries a page, whatever
the number of cards, and none for anonymous readers (whose cached pages
must not depend on who asks).
"""

from collections import namedtuple

from flask_login import current_user

from ..models import Bookmark, Like
from . import reactions

# ``signed_in``: whether to show the buttons at all; ``confirmed``: whether
# the reader may use them yet (else they are told how to).
ReaderMarks = namedtuple("ReaderMarks", "signed_in liked saved confirmed", defaults=(True,))
_NONE = ReaderMarks(False, frozenset(), frozenset())


@reactions.app_template_global()
def reader_marks(posts):
    """``ReaderMarks(signed_in, liked=ids, saved=ids)`` of ``posts`` for the current reader."""
    if not current_user.is_authenticated:
        return _NONE
    if not current_user.confirmed:  # no buttons to mark (``reaction_buttons``)
        return _NONE._replace(signed_in=True, confirmed=False)
    ids = [post.id for post in posts]
    user = current_user._get_current_object()
    return ReaderMarks(True, Like.liked_among(user, ids), Bookmark.saved_among(user, ids))
