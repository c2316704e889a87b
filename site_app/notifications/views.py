"""The reader's notifications, and the unread count the navbar shows."""

from collections import namedtuple

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..decorators import permission_required
from ..models import Notification, Permission, Post, User
from ..pagination import page_arg, paginate
from . import notifications

PER_PAGE = 20


class Told(namedtuple("Told", "notification actor post_title")):
    """A notification with who did it (a User, or None for a deleted
    account) and the title of the post it is about; the one wording of it,
    for the page and the digest."""

    @property
    def who(self):
        return self.actor.username if self.actor else "A former member"

    @property
    def number(self):
        """Events it tells of: those not seen yet, or once read all of them."""
        n = self.notification
        return (n.unseen or 1) if not n.read else (n.count or 1)

    @property
    def shows_actor(self):
        """Whether the sentence starts with who did it ("ann commented on")
        or with a number ("12 new comments on"): several comments, replies
        or mentions are told by their number, likes by the latest liker."""
        return self.notification.kind in ("follow", "like", "report") or self.number == 1

    @property
    def phrase(self):
        n = self.notification
        if n.kind == "like":
            others = n.count - 1
            return (
                ngettext("and %(num)d other liked", "and %(num)d others liked", others)
                if others
                else _("liked")
            )
        if self.shows_actor:
            return {
                "follow": _("started following you"),
                "comment": _("commented on"),
                "reply": _("replied to your comment on"),
                "mention": (_("mentioned you in a comment on") if n.comment else _("mentioned you in")),
                "report": _("handled your report on") if n.post else _("handled your report"),
            }[n.kind]
        if n.read:
            return {
                "comment": ngettext("%(num)d comment on", "%(num)d comments on", self.number),
                "reply": ngettext(
                    "%(num)d reply to your comments on", "%(num)d replies to your comments on", self.number
                ),
                "mention": ngettext("%(num)d mention of you on", "%(num)d mentions of you on", self.number),
            }[n.kind]
        return {
            "comment": ngettext("%(num)d new comment on", "%(num)d new comments on", self.number),
            "reply": ngettext(
                "%(num)d new reply to your comments on",
                "%(num)d new replies to your comments on",
                self.number,
            ),
            "mention": ngettext(
                "%(num)d new mention of you on", "%(num)d new mentions of you on", self.number
            ),
        }[n.kind]

    @property
    def title(self):
        """The post's title, or None when it is not about a post."""
        if self.notification.kind == "follow" or (
            self.notification.kind == "report" and not self.notification.post
        ):
            return None
        return self.post_title or _("a deleted post")


def with_subjects(items):
    """The notifications of a page as ``Told``: their actors and posts
    loaded in one query each, whatever the page's length."""
    actor_ids = {n.actor for n in items if n.actor}
    post_ids = {n.post for n in items if n.post}
    actors = {u.id: u for u in User.objects(id__in=list(actor_ids))} if actor_ids else {}
    titles = {p.id: p.title for p in Post.objects(id__in=list(post_ids)).only("title")} if post_ids else {}
    return [Told(n, actors.get(n.actor), titles.get(n.post)) for n in items]


def reader_page(user, page_number):
    """One page of ``user``'s notifications, newest first, as ``Told``."""
    page = paginate(Notification.listing(user.id), page_number, PER_PAGE)
    page.items = with_subjects(page.items)
    return page


@notifications.route("/notifications")
# A confirmed account (FOLLOW: every role's first permission), as in the API:
# an unconfirmed one takes no part in the community yet.
@permission_required(Permission.FOLLOW)
def index():
    page = reader_page(current_user, page_arg())
    # Seen now. Marked before rendering, so the navbar counts what is left
    # unread; the page still shows which were new (as they were loaded).
    Notification.mark_read([told.notification for told in page.items])
    return render_template("notifications.html", page=page)


@notifications.post("/notifications/read-all")
@permission_required(Permission.FOLLOW)
def read_all():
    Notification.mark_all_read(current_user.id)
    flash(_("Every notification is marked read."))
    return redirect(url_for(".index"))


@notifications.app_context_processor
def unread_notifications():
    """``unread_notifications()`` for the navbar: one indexed count, only
    when a signed-in page asks for it, at most once a request."""

    def count():
        if "unread_notifications" not in g:
            g.unread_notifications = Notification.unread_count(current_user.id)
        return g.unread_notifications

    return {"unread_notifications": count}
