"""Profile pages: a user's page with their posts, and editing a profile."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..decorators import admin_required, confirmed_required
from ..media.quota import spend_uploads
from ..media.storage import UploadRejected, set_avatar
from ..models import AccountTaken, Post, User
from ..models.audit import AuditEntry
from ..page_cache import cached_page
from ..posts.feed import feed_response
from ..posts.views import listing_page
from . import profiles
from .forms import EditProfileAdminForm, EditProfileForm, too_large_avatar


@profiles.route("/user/<username>")
# "Last seen" is written once a LAST_SEEN_INTERVAL and announced by no one:
# kept no longer than that. Everything else on it is an author scope.
@cached_page(timeout=lambda config: config["LAST_SEEN_INTERVAL"])
def user(username):
    user = User.without_follows(username=username) or abort(404)
    page = listing_page(Post.listing().filter(author=user))
    return render_template(
        "user.html",
        user=user,
        page=page,
        posts=page.items,
        post_count=Post.count_by(user.id),
        follows_you=(current_user.is_authenticated and user.is_following(current_user)),
    )


@profiles.route("/user/<username>/feed.atom")
@cached_page(everyone=True)  # the writer and their posts are recorded as it renders
def user_feed(username):
    user = User.objects.get_or_404(username=username)
    return feed_response(
        Post.by_authors([user.id]),
        subtitle=f"Posts by {user.username}",
        page="profiles.user",
        username=user.username,
    )


@profiles.route("/edit-profile", methods=["GET", "POST"])
@confirmed_required
def edit_profile():
    user = current_user._get_current_object()
    form, refused = _read_form(lambda **kw: EditProfileForm(obj=user, **kw))
    if not refused and form.validate_on_submit():
        refused = save_profile(form, user)
        if not refused:
            flash(_("Your profile has been updated."), "success")
            return redirect(url_for(".user", username=user.username))
    return _form_page(form, user, refused)


@profiles.route("/edit-profile/<objectid:user_id>", methods=["GET", "POST"])
@admin_required
def edit_profile_admin(user_id):
    user = User.objects.get_or_404(id=user_id)
    form, refused = _read_form(lambda **kw: EditProfileAdminForm(user, **kw))
    old_role = user.role.name if user.role else None
    if not refused and form.validate_on_submit():
        refused = save_profile(form, user)
        if not refused:
            if form.role.data != old_role:
                AuditEntry.record(
                    current_user, "change role", f"user:{user.username}", f"{old_role} → {form.role.data}"
                )
            flash(_("The profile of %(username)s has been updated.", username=user.username), "success")
            return redirect(url_for(".user", username=user.username))
    return _form_page(form, user, refused)


def _read_form(make_form):
    """``(form, None)`` as submitted; for a request past the site's size
    limit (an avatar far over its own, sent without the page's script),
    ``(the form as stored, 413)`` with the refusal beside the avatar field:
    the profile form still, not an error page."""
    try:
        return make_form(), None
    except RequestEntityTooLarge:
        form = make_form(formdata=None)
        form.avatar.errors = [too_large_avatar()]
        return form, 413


def _form_page(form, user, refused):
    status = refused or (400 if form.errors else 200)
    return render_template("edit_profile.html", form=form, user=user), status


def save_profile(form, user):
    """Store the new avatar (if one was sent), then the form's fields.

    Returns ``None`` when all is saved, else the HTTP status to answer with,
    the reason written next to the field. The avatar goes first: it is the
    part most likely to be refused, and then nothing has changed.
    """
    if form.avatar.data:
        try:
            spend_uploads(current_user)
            set_avatar(user, form.avatar.data)
        except UploadRejected as rejected:
            form.avatar.errors.append(rejected.message)
            return rejected.status
    try:
        if not user.edit_profile(**form.profile_changes()):
            abort(404, _("That account no longer exists."))
    except AccountTaken as taken:
        # Lost a race with another account at the unique index.
        form[taken.field].errors.append(
            "That email address is already registered."
            if taken.field == "email"
            else "That username is taken."
        )
        return 409
    return None
