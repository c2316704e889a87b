"""What the models announce. Listeners live in the layers above (the page
cache subscribes to ``content_changed``, notifications to the community
signals), so models never import them.

Every signal is sent *after* the write it announces succeeded, with ids
(ObjectIds), never documents the listener would have to trust as fresh.
"""

from blinker import Namespace

_signals = Namespace()

# Sent after an atomic update changed what readers see (a comment added,
# hidden, edited or removed; a post edited in place; a like counted; a
# follow). Keyword arguments name what changed, so a cache can drop only
# the pages that show it:
#   post=<post id>       one post's page and the cards that show it
#   author=<user id>     a user's profile, followers/following, their cards
#                        (or a list of ids: a follow changes both accounts)
#   tags=[<tag>, ...]    the tag pages listing those tags; sent when a post's
#                        words change, so search results are renewed too
#   newest=True          which posts are the newest (a draft published, a
#                        post unpublished)
#   people=True          whom a search finds (a name or username changed)
#   site=True            everything (a rename, a role change, a bulk reseed)
# Saves and deletions through MongoEngine are announced by its own
# post_save/post_delete signals.
content_changed = _signals.signal("content-changed")

# The community's events, for notifications (sent after the write):
# post_liked.send(Post, post=<id>, user=<liker id>, author=<post author id>)
post_liked = _signals.signal("post-liked")
# user_followed.send(User, follower=<id>, followed=<id>)
user_followed = _signals.signal("user-followed")
# comment_posted.send(Post, post=<id>, comment=<comment id>, author=<commenter id>,
#                     html=<its sanitised HTML, for an excerpt>,
#                     parent=<parent comment id or None>,
#                     answered=<the comment replied to: the parent, or a reply under it>,
#                     answered_author=<its author's id>,
#                     mentioned=[<ids of the members the comment names>])
comment_posted = _signals.signal("comment-posted")
# users_mentioned.send(Post, users=[<ids>], author=<writer id>, post=<id>,
#                      html=<the text's HTML>): sent when a post is published
# (never on edits: a text tells at most MENTIONS_PER_TEXT members, ever); a
# comment's mentions ride on comment_posted.
users_mentioned = _signals.signal("users-mentioned")
# comment_removed.send(Post, post=<id>, comment=<comment id>): deleted by its
# author or a moderator (blanked or removed); what links to it must not.
comment_removed = _signals.signal("comment-removed")
# post_published.send(Post, post=<id>, author=<writer id>): sent once when a
# post becomes public (published at once, a draft published, its scheduled
# time come); subscriptions mail it, stats and caches may listen.
post_published = _signals.signal("post-published")
