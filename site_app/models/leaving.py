"""A member leaving: their account and everything it owns removed, and every
count elsewhere kept exact.

Each write below is one of the atomic updates the site already makes (an
unfollow, a comment removed, a post deleted), so the counts beside the data
(``followers_total``, ``following_total``, ``like_count``,
``comment_count``, ``reply_count``, ``comment_bytes``) change with the data
they count. The account itself goes last: a removal stopped halfway (a
worker killed) leaves a working account that asking again finishes, never
posts or comments nobody owns.

``ACCOUNT_DATA`` says, for every collection the site declares
(``indexes.documents()``), what becomes of a leaving member's documents
there; a test fails when a collection is added without saying. Outside
them: stored sessions end first; GridFS files go with the posts that use
them and the avatar with the account (media/release.py), an export's zip
with its job (account/exporting.py), and uploads no post ever used are
taken by ``flask media gc`` after its grace period.
"""

from .exports import ExportJob
from .first_day import FirstDay
from .idempotency import IdempotentAnswer
from .imports import ImportRun
from .likes import Like
from .notifications import Notification
from .posts import Post
from .reports import Report
from .roles import Role
from .subscriptions import Subscription
from .users import User

ADMINISTRATOR = "Administrator"

# collection -> what becomes of a leaving member's documents in it.
ACCOUNT_DATA = {
    "users": "the account deleted; removed from every follower's and followed account's lists",
    "roles": "holds no member's data",
    "posts": "their posts deleted (with comments, files, revisions); their comments on "
    "others' posts removed, or blanked as 'deleted member' where replies hang under them",
    "likes": "withdrawn, each with its -1 on the post (likes.withdraw_likes_of, on deletion)",
    "bookmarks": "deleted with the account (CASCADE)",
    "notifications": "theirs deleted on deletion; those telling others what they did deleted",
    "idempotency_keys": "their stored API answers deleted (keys start with the account id)",
    "two_factor": "the secret deleted on deletion (two_factor._on_account_deleted)",
    "reports": "those they filed and those about their work deleted",
    "member_rules": "their blocks and mutes, both ways, deleted on deletion",
    "audit_log": "kept: the site's record of what moderators did (by name), expiring on its own",
    "first_day": "their first-day counters deleted",
    "revisions": "deleted with their posts (Revision.forget_post)",
    "exports": "their export jobs deleted; the zips they built deleted by the media store",
    "subscriptions": "their newsletter's list and their address's subscriptions deleted",
    "deliveries": "the records of their posts mailed deleted; those of their own subscriptions "
    "(two ids each) name nobody once the subscription is gone",
    "post_days": "deleted with their posts (view_counting, on a post's deletion)",
    "import_runs": "their import runs deleted; an upload a run still held is an unused upload "
    "`flask media gc` takes",
}


class LastAdministrator(Exception):
    """The site would be left without an Administrator."""


def is_last_administrator(user):
    admin = Role.objects(name=ADMINISTRATOR).first()
    if admin is None or user.role is None or user.role.id != admin.id:
        return False
    return User.objects(role=admin.id, disabled__ne=True, id__ne=user.id).count() == 0


def remove_account(user):
    """Remove ``user`` and everything it owns. Raises :class:`LastAdministrator`."""
    if is_last_administrator(user):
        raise LastAdministrator()
    user.log_out_everywhere()  # no request of theirs writes while they go
    _leave_follows(user)
    _remove_comments_on_others_posts(user.id)
    Subscription.forget_member(user, Post.objects(author=user.id).distinct("id"))
    for post in Post.objects(author=user.id).exclude("comments"):
        post.remove()  # listeners: likes, bookmarks, notifications, files, revisions, caches
    _forget_what_they_did(user.id)
    user.delete()  # listeners: likes withdrawn, bookmarks, two-factor, rules, caches


def _leave_follows(user):
    """Unfollow everyone; be unfollowed by everyone. Each follower's array
    and ``following_total`` change in one update of that document."""
    followed = User.objects(id=user.id).only("following").as_pymongo().first() or {}
    for followed_id in followed.get("following") or []:
        User.objects(id=followed_id, followers_total__gt=0).update_one(dec__followers_total=1)
    User.objects(id=user.id).update_one(set__following=[], set__following_total=0)
    User.objects(following=user.id).update(pull__following=user.id, dec__following_total=1)
    User.objects(id=user.id).update_one(set__followers_total=0)


def _remove_comments_on_others_posts(user_id):
    """Replies first, so a comment of theirs whose replies are all theirs
    goes entirely instead of staying as a placeholder."""
    found = Post._get_collection().find(
        {"comments.author": user_id, "author": {"$ne": user_id}},
        {"comments.id": 1, "comments.author": 1, "comments.parent": 1},
    )
    for row in found:
        theirs = [c for c in row.get("comments") or [] if c.get("author") == user_id]
        for comment in sorted(theirs, key=lambda c: c.get("parent") is None):
            Post.delete_comment(comment["id"], post_id=row["_id"], member_left=True)


def _forget_what_they_did(user_id):
    """What the account left in collections its deletion's listeners do not reach."""
    Notification.forget_member(user_id, _liked(user_id))
    Report.objects(reporter=user_id).delete()
    Report.objects(author=user_id).delete()
    FirstDay.objects(id=user_id).delete()
    IdempotentAnswer.objects(key__startswith=f"{user_id}:").delete()
    ExportJob.objects(user=user_id).delete()
    ImportRun.objects(owner=user_id).delete()


def _liked(user_id):
    """``(author, post)`` of each post the account likes."""
    posts = [row["post"] for row in Like._get_collection().find({"user": user_id}, {"post": 1})]
    return [
        (row["author"], row["_id"])
        for row in Post._get_collection().find({"_id": {"$in": posts}}, {"author": 1})
    ]
