"""Posts in the admin: find, edit, delete, through the same model functions
the site uses, so body_html is re-rendered, comments are never rewritten and
a deleted post's files are released."""

from flask import flash
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from flask_babel import gettext as _
from flask_login import current_user
from mongoengine import ValidationError

from ..markup import ContentTooLarge
from ..models import Post, User, normalise_tags
from ..models.audit import AuditEntry
from ..posts.forms import PostFields
from .modelview import SiteModelView


class AuthorFilter(BaseMongoEngineFilter):
    """Posts by one author, given the username."""

    def __init__(self):
        super().__init__("author", "Author")

    def apply(self, query, value):
        author = User.by_username(value.strip())
        if author is None:
            return query.filter(id__in=[])
        return query.filter(author=author)

    def operation(self):
        return "username is"


class TagFilter(BaseMongoEngineFilter):
    def __init__(self):
        super().__init__("tags", "Tag")

    def apply(self, query, value):
        tags = normalise_tags(value)
        return query.filter(tags=tags[0]) if tags else query.filter(id__in=[])

    def operation(self):
        return "is"


def _tag_list(view, context, post, name):
    return ", ".join(post.tags)


class PostAdmin(SiteModelView):
    can_create = False  # posts are written by their authors on /write
    column_list = ("title", "author", "tags", "comment_count", "like_count", "timestamp")
    column_searchable_list = ("title", "body")
    column_filters = (AuthorFilter(), TagFilter())
    column_default_sort = [("timestamp", True), ("id", True)]  # the id breaks ties
    column_formatters = {"tags": _tag_list}
    form = PostFields

    def get_query(self):
        # Never load the embedded comments: lists and the edit form do not
        # show them, and nothing here may write them back.
        return Post.objects.exclude("comments")

    def on_form_prefill(self, form, id):
        form.tags.data = ", ".join(self.get_one(id).tags)

    def update_model(self, form, post):
        try:
            post.edit(form.title.data, form.body.data, form.tags.data)
        except (ValidationError, ContentTooLarge) as exc:
            flash(_("The post was not saved: %(exc)s", exc=exc), "error")
            return False
        self.after_model_change(form, post, False)
        return True

    def delete_model(self, post):
        post.remove()
        AuditEntry.record(current_user, "delete post", f"post:{post.id}", post.title)
        self.after_model_delete(post)
        return True
