"""What ``account.json`` says: everything the site holds about a member
but their posts (beside it in the zip) and their secrets (no password hash,
two-factor secret, recovery codes or session ids: only whether two-factor
is on and where the account is signed in).

Long lists (comments, likes, bookmarks, follows, notifications) are
iterators, written item by item (``archive._json_pieces``).
"""

from ..media.storage import open_stored_file
from ..models import Bookmark, Like, Notification, Post, User
from ..models.blocks import KINDS as RULE_KINDS
from ..models.blocks import rules_of
from ..models.reports import Report
from ..models.subscriptions import Subscription
from ..models.two_factor import TwoFactor
from ..public_address import site_url_for
from ..sessions import sessions_of

FORMAT = "inkwell-export/1"


def account_sections(user):
    """``[(name, value or iterator)]`` in the order ``account.json`` holds them."""
    return [
        ("format", FORMAT),
        ("profile", _profile(user)),
        ("two_factor", {"enabled": TwoFactor.enabled_for(user) is not None}),
        (
            "sessions",
            [{"user_agent": s["user_agent"], "last_used": s["last_used"]} for s in sessions_of(user.id)],
        ),
        ("followed_tags", list(user.followed_tags or [])),
        ("following", _people(user.following_ids())),
        (
            "followers",
            _people(row["_id"] for row in User._get_collection().find({"following": user.id}, {"_id": 1})),
        ),
        ("blocked", _rules(user, "block")),
        ("muted", _rules(user, "mute")),
        ("comments", _comments(user.id)),
        ("likes", _marked(Like.objects(user=user.id))),
        ("bookmarks", _marked(Bookmark.saved_by(user))),
        ("notifications", _notifications(user.id)),
        ("reports_filed", _reports(user.id)),
        ("subscriptions", _subscriptions(user)),
        (
            "newsletter",
            {"whole_post": bool(user.newsletter_whole_post), "subscribers": Subscription.count_of(user.id)},
        ),
    ]


def _profile(user):
    return {
        "id": str(user.id),
        "username": user.username,
        "email": user.email,
        "name": user.name,
        "location": user.location,
        "about_me": user.about_me,
        "member_since": user.member_since,
        "last_seen": user.last_seen,
        "confirmed": bool(user.confirmed),
        "role": user.role.name if user.role else None,
        "url": site_url_for("profiles.user", username=user.username),
        "avatar": avatar_name(user),
    }


def avatar_name(user):
    """The uploaded avatar's name in the zip (``avatar.<extension>``), or ``None``."""
    stored = open_stored_file(user.avatar_id) if user.avatar_id else None
    if stored is None:
        return None
    stored.close()
    name = stored.filename or ""
    return "avatar." + (name.rsplit(".", 1)[1].lower() if "." in name else "bin")


def _people(ids):
    for row in User._get_collection().find({"_id": {"$in": list(ids)}}, {"username": 1}):
        yield {"username": row["username"], "url": site_url_for("profiles.user", username=row["username"])}


def _subscriptions(user):
    """The writers their address gets (or was asked to get) by email."""
    found = list(Subscription.of_address(user.email)) if user.email else []
    names = {
        row["_id"]: row["username"]
        for row in User._get_collection().find({"_id": {"$in": [s.writer for s in found]}}, {"username": 1})
    }
    return [
        {"writer": names.get(s.writer), "active": bool(s.active), "since": s.created}
        for s in found
        if s.writer in names
    ]


def _rules(user, kind):
    assert kind in RULE_KINDS
    return [{"username": other.username, "since": since} for other, since in rules_of(user.id, kind)]


def _comments(user_id):
    """Each comment of theirs, on any post, with links to it and its post."""
    # Only theirs leave the server: a post's other comments may be megabytes.
    found = Post._get_collection().aggregate(
        [
            {"$match": {"comments.author": user_id}},
            {
                "$project": {
                    "title": 1,
                    "comments": {
                        "$filter": {"input": "$comments", "cond": {"$eq": ["$$this.author", user_id]}}
                    },
                }
            },
        ]
    )
    for post in found:
        for comment in post.get("comments") or []:
            yield {
                "post_title": post.get("title"),
                "post_url": site_url_for("posts.post", post_id=post["_id"]),
                "url": site_url_for("comments.show", post_id=post["_id"], comment_id=comment["id"]),
                "reply": comment.get("parent") is not None,
                "body": comment.get("body"),
                "written": comment.get("timestamp"),
                "edited": comment.get("edited"),
            }


def _marked(queryset):
    """Likes or bookmarks: the post each marks and when."""
    for mark in queryset.no_cache().as_pymongo():
        yield {"post_url": site_url_for("posts.post", post_id=mark["post"]), "at": mark.get("timestamp")}


def _notifications(user_id):
    for told in Notification.listing(user_id).no_cache().as_pymongo():
        yield {
            "kind": told.get("kind"),
            "count": told.get("count"),
            "read": told.get("read"),
            "created": told.get("created"),
            "excerpt": told.get("excerpt"),
            "post_url": site_url_for("posts.post", post_id=told["post"]) if told.get("post") else None,
        }


def _reports(user_id):
    for report in Report.objects(reporter=user_id).no_cache().as_pymongo():
        yield {
            "target": report.get("target"),
            "reason": report.get("reason"),
            "note": report.get("note"),
            "created": report.get("created"),
            "decision": report.get("decision"),
        }
