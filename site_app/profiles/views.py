"""Profile pages: a user's page with their posts, and editing a profile."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..decorators import admin_required, confirmed_required
from ..media.quota import spend_uploads
from ..media.storage import UploadRejected, set_avatar
from ..models import AccountTaken, Post, User
from ..page_cache import cached_page
from ..posts.feed import feed_response
from ..posts.views import listing_page
from . import profiles
from .forms import EditProfileAdminForm, EditProfileForm


@profiles.route("/user/<username>")
# "Last seen" is written once a LAST_SEEN_INTERVAL and announced by no one:
# kept no longer than that. Everything else on it is an author scope.
@cached_page(timeout=lambda config: config["LAST_SEEN_INTERVAL"])
def user(username):
    user = User.without_follows(username=username) or abort(404)
    page = listing_page(Post.listing().filter(author=user))
    return render_template("user.html", user=user, page=page, posts=page.items,
                           post_count=Post.count_by(user.id),
                           follows_you=(current_user.is_authenticated
                                        and user.is_following(current_user)))


@profiles.route("/user/<username>/feed.atom")
@cached_page(everyone=True)  # the writer and their posts are recorded as it renders
def user_feed(username):
    user = User.objects.get_or_404(username=username)
    return feed_response(Post.by_authors([user.id]), subtitle=f"Posts by {user.username}",
                         page="profiles.user", username=user.username)


@profiles.route("/edit-profile", methods=["GET", "POST"])
@confirmed_required
def edit_profile():
    user = current_user._get_current_object()
    form = EditProfileForm(obj=user)
    if form.validate_on_submit():
        refused = save_profile(form, user)
        if not refused:
            flash("Your profile has been updated.", "success")
            return redirect(url_for(".user", username=user.username))
        return render_template("edit_profile.html", form=form, user=user), refused
    return render_template("edit_profile.html", form=form, user=user)


@profiles.route("/edit-profile/<objectid:user_id>", methods=["GET", "POST"])
@admin_required
def edit_profile_admin(user_id):
    user = User.objects.get_or_404(id=user_id)
    form = EditProfileAdminForm(user)
    if form.validate_on_submit():
        refused = save_profile(form, user)
        if not refused:
            flash(f"The profile of {user.username} has been updated.", "success")
            return redirect(url_for(".user", username=user.username))
        return render_template("edit_profile.html", form=form, user=user), refused
    return render_template("edit_profile.html", form=form, user=user)


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
            abort(404, "That account no longer exists.")
    except AccountTaken as taken:
        # Lost a race with another account at the unique index.
        form[taken.field].errors.append(
            "That email address is already registered." if taken.field == "email"
            else "That username is taken.")
        return 409
    return None
