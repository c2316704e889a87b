"""Forms of the posts blueprint: writing, editing and commenting; the admin
edits posts with ``PostFields`` too."""
import secrets

from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import SiteForm
from ..models.posts import BODY_MAX, COMMENT_MAX, TITLE_MAX
from ..models.submissions import NONCE_MAX
from ..models.tags import TAGS_TEXT_MAX


class PostFields(SiteForm):
    """A post's text, with the same rules wherever it is edited (the write
    and edit pages, the admin)."""
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField("Body", description="Markdown: headings, lists, links, code, tables, images.",
                         validators=[DataRequired(), Length(max=BODY_MAX)])
    tags = StringField("Tags", description="Comma separated, e.g. python, c++, ci/cd",
                       validators=[Length(max=TAGS_TEXT_MAX)])


class EditPostForm(PostFields):
    """Editing: ``submit`` saves (and publishes a draft); ``save_draft``,
    offered on drafts only, saves without publishing."""
    submit = SubmitField("Save")
    save_draft = SubmitField("Save draft")

    @classmethod
    def for_post(cls, post):
        form = cls(obj=post)
        if not form.is_submitted():
            form.tags.data = ", ".join(post.tags)
        if post.draft:
            form.submit.label.text = "Publish"
        else:
            del form.save_draft  # a published post stays published (models/drafts.py)
        return form


def _submission_field():
    """A one-time nonce a form carries: sent twice (no answer came, the
    reader pressed again), it makes one post or comment (models/submissions.py)."""
    return HiddenField(default=lambda: secrets.token_urlsafe(16),
                       validators=[Length(max=NONCE_MAX)])


class WritePostForm(PostFields):
    submission = _submission_field()
    images = MultipleFileField("Images")
    submit = SubmitField("Publish")
    save_draft = SubmitField("Save draft")


class CommentFields(SiteForm):
    """A comment's text, as written and as edited."""
    body = TextAreaField("Your comment", validators=[DataRequired(), Length(max=COMMENT_MAX)])


class CommentForm(CommentFields):
    # The comment answered (a reply); empty for a new top-level comment.
    parent_id = HiddenField()
    submission = _submission_field()
    submit = SubmitField("Comment")


class EditCommentForm(CommentFields):
    submit = SubmitField("Save")
