"""Who may do what: the permission matrix of the site's pages, for anonymous
visitors, an unconfirmed account, each role, and a reader the author of the
post (ann) blocks.

Each row is a request and what every kind of visitor gets:
  ok        the page, or the action done: redirected to a page that shows
            no refusal (no danger or warning message)
  login     sent to the login page
  confirm   sent to /auth/unconfirmed
  forbidden 403
  refused   400: the form shown again, saying why
"""

import re

import pytest
from helpers import signed_in_client

from site_app.models import Post, User
from site_app.models.blocks import block

VISITORS = ("anonymous", "unconfirmed", "User", "blocked", "Moderator", "Administrator")

#                      anonymous  unconfirmed  User   blocked (by ann)  Moderator  Administrator
READ = dict(zip(VISITORS, ("ok", "ok", "ok", "ok", "ok", "ok")))
ACCOUNT = dict(zip(VISITORS, ("login", "ok", "ok", "ok", "ok", "ok")))
CONFIRMED = dict(zip(VISITORS, ("login", "confirm", "ok", "ok", "ok", "ok")))
MODERATE = dict(zip(VISITORS, ("login", "confirm", "forbidden", "forbidden", "ok", "ok")))
ADMIN = dict(zip(VISITORS, ("login", "confirm", "forbidden", "forbidden", "forbidden", "ok")))
# Someone else's post (ann's): only an administrator besides its author.
OTHERS_POST = ADMIN
# Someone else's comment (ann's): only its author edits it; moderators delete it.
OTHERS_COMMENT = dict(zip(VISITORS, ("login", "confirm", "forbidden", "forbidden", "forbidden", "forbidden")))
OPEN = dict.fromkeys(VISITORS, "ok")
# The sign-in's second step with no right password just typed: back to the login.
PENDING_SIGN_IN = dict.fromkeys(VISITORS, "login")
# Another account's session (or none): not found for whoever is signed in.
NO_SUCH_SESSION = dict(zip(VISITORS, ("login",) + ("status 404",) * (len(VISITORS) - 1)))
# Following ann, liking or commenting on her posts: not for a reader she blocks.
NOT_BLOCKED = {**CONFIRMED, "blocked": "forbidden"}
COMMENT_UNLESS_BLOCKED = {**CONFIRMED, "blocked": "refused"}

# (method, path, form data, expectations). Paths name {post}, {comment} and
# {ann_id}, filled in with a post and comment of ann's made for that row
# alone, so no row depends on what an earlier one did (or deleted).
MATRIX = [
    ("GET", "/", None, READ),
    ("GET", "/user/ann", None, READ),
    ("GET", "/post/{post}", None, READ),
    ("GET", "/followers/ann", None, READ),
    ("GET", "/following/ann", None, READ),
    ("GET", "/search?q=tide", None, READ),
    ("GET", "/tag/tides", None, READ),
    ("GET", "/feed.atom", None, READ),
    ("GET", "/healthz", None, OPEN),
    ("GET", "/auth/login", None, OPEN),
    ("GET", "/auth/change-password", None, ACCOUNT),
    ("GET", "/auth/change_email", None, ACCOUNT),
    ("GET", "/auth/two-factor", None, ACCOUNT),
    ("POST", "/auth/two-factor", {"code": "000000"}, ACCOUNT),
    ("GET", "/auth/two-factor/qr.svg", None, ACCOUNT),
    ("POST", "/auth/two-factor/disable", {}, ACCOUNT),
    ("GET", "/auth/two-factor/verify", None, PENDING_SIGN_IN),
    ("POST", "/auth/two-factor/verify", {"code": "000000"}, PENDING_SIGN_IN),
    ("GET", "/auth/sessions", None, ACCOUNT),
    ("POST", "/auth/sessions/" + "0" * 64 + "/sign-out", {}, NO_SUCH_SESSION),
    ("GET", "/edit-profile", None, CONFIRMED),
    ("POST", "/edit-profile", {"name": "Someone"}, CONFIRMED),
    ("GET", "/write", None, CONFIRMED),
    ("POST", "/follow/ann", {}, NOT_BLOCKED),
    ("POST", "/unfollow/ann", {}, CONFIRMED),
    ("POST", "/block/ann", {}, CONFIRMED),
    ("POST", "/unblock/ann", {}, CONFIRMED),
    ("POST", "/mute/ann", {}, CONFIRMED),
    ("POST", "/unmute/ann", {}, CONFIRMED),
    ("GET", "/settings/blocked", None, CONFIRMED),
    ("GET", "/report?target=post:{post}", None, CONFIRMED),
    ("POST", "/report", {"target": "comment:{comment}", "reason": "spam"}, CONFIRMED),
    ("POST", "/moderate/reports", {"target": "comment:{comment}", "decision": "dismiss"}, MODERATE),
    ("POST", "/post/{post}", {"body": "Well said."}, COMMENT_UNLESS_BLOCKED),
    ("GET", "/explore", None, READ),
    ("POST", "/post/{post}/like", {}, NOT_BLOCKED),
    ("POST", "/bookmark/{post}", {}, CONFIRMED),
    ("GET", "/bookmarks", None, CONFIRMED),
    ("POST", "/post/{post}", {"body": "Agreed.", "parent_id": "{comment}"}, COMMENT_UNLESS_BLOCKED),
    ("GET", "/post/{post}/comment/{comment}", None, READ),
    ("GET", "/notifications", None, CONFIRMED),
    ("POST", "/notifications/read-all", {}, CONFIRMED),
    ("GET", "/followed", None, ACCOUNT),
    ("GET", "/post/{post}/comment/{comment}/edit", None, OTHERS_COMMENT),
    ("POST", "/post/{post}/comment/{comment}/edit", {"body": "Not yours."}, OTHERS_COMMENT),
    ("POST", "/comment/{comment}/edit", {"body": "Not yours."}, OTHERS_COMMENT),
    ("GET", "/moderate", None, MODERATE),
    ("POST", "/moderate/disable/{comment}", {}, MODERATE),
    ("POST", "/moderate/enable/{comment}", {}, MODERATE),
    ("POST", "/post/{post}/comment/{comment}/disable", {}, MODERATE),
    ("POST", "/post/{post}/comment/{comment}/enable", {}, MODERATE),
    ("GET", "/edit-profile/{ann_id}", None, ADMIN),
    *[
        ("GET", f"/admin/{page}", None, ADMIN)
        for page in (
            "",
            "admin_users/",
            "admin_posts/",
            "comments/",
            "files/",
            "admin_roles/",
            "admin_audit/",
        )
    ],
    ("GET", "/edit/{post}", None, OTHERS_POST),
    ("POST", "/post/{post}/comment/{comment}/delete", {}, MODERATE),
    ("POST", "/delete/{post}", {}, OTHERS_POST),
]


REFUSAL = re.compile(r'class="alert alert-(?:danger|warning)[^"]*" role="alert">\s*([^<]*)')


def outcome(response, client):
    location = response.headers.get("Location", "")
    if response.status_code == 302:
        if "/auth/login" in location:
            return "login"
        if location.endswith("/auth/unconfirmed"):
            return "confirm"
        return landing(client.get(location, follow_redirects=True))
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 400:
        return "refused"
    if response.status_code == 200:
        return "ok"
    return f"status {response.status_code}"


def landing(page):
    """Where a redirect lands: a page that tells the visitor why they were
    refused is no success."""
    if page.status_code != 200:
        return f"redirected to status {page.status_code}"
    refusal = REFUSAL.search(page.get_data(as_text=True))
    return f"redirected with {refusal[1].strip()!r}" if refusal else "ok"


@pytest.fixture
def visitor_client(app, make_user):
    """``visitor_client(kind)``: a browser of that kind of visitor."""

    def browser(kind):
        if kind == "anonymous":
            return app.test_client()
        if kind == "unconfirmed":
            user = make_user("newcomer", confirmed=False)
        elif kind == "blocked":
            user = make_user("blocked")
            block(User.by_username("ann"), user)
        else:
            user = make_user(kind.lower(), role=kind)
        return signed_in_client(app, user)

    return browser


@pytest.mark.parametrize("visitor", VISITORS)
def test_permission_matrix(app, make_user, visitor_client, visitor):
    ann = make_user("ann")
    client = visitor_client(visitor)

    wrong = []
    for method, path, data, expected in MATRIX:
        post = Post.publish(ann, "Tides and boats", "About the *sea*.", tags="tides")
        comment = post.add_comment(ann, "First!")
        values = {"post": post.id, "comment": comment.id, "ann_id": ann.id}
        url = path.format(**values)
        form = {k: v.format(**values) for k, v in data.items()} if data else data
        response = client.open(url, method=method, data=form)
        got = outcome(response, client)
        if got != expected[visitor]:
            wrong.append(f"{method} {url}: expected {expected[visitor]}, got {got}")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)


def test_logout_needs_a_post_from_everyone(client):
    assert client.get("/auth/logout").status_code == 405


def test_the_navbar_offers_only_what_the_visitor_may_do(app, visitor_client):
    offers = {
        "anonymous": {"/auth/login"},
        "User": {"/write", "/edit-profile", "/notifications"},
        "Moderator": {"/write", "/edit-profile", "/notifications", "/moderate"},
        "Administrator": {"/write", "/edit-profile", "/notifications", "/moderate", "/admin/"},
    }
    links = {"/auth/login", "/write", "/moderate", "/admin/", "/edit-profile", "/notifications"}
    for visitor, expected in offers.items():
        navbar = visitor_client(visitor).get("/").get_data(as_text=True).split("</nav>", 1)[0]
        shown = {link for link in links if f'href="{link}"' in navbar}
        assert shown == expected, visitor


def test_a_redirect_that_lands_on_a_refusal_is_no_success(app, make_user):
    client = signed_in_client(app, make_user("ann"))
    response = client.post("/follow/ann")
    assert response.status_code == 302
    assert outcome(response, client) == "redirected with 'You cannot follow yourself.'"
