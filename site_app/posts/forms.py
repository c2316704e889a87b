"""Forms of the posts blueprint: writing, editing and commenting; the admin
edits posts with ``PostFields`` too."""
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import SiteForm
from ..models.posts import BODY_MAX, COMMENT_MAX, TAG_MAX, TAGS_PER_POST, TITLE_MAX


class PostFields(SiteForm):
    """A post's text, with the same rules wherever it is edited (the write
    and edit pages, the admin)."""
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField("Body", description="Markdown: headings, lists, links, code, tables, images.",
                         validators=[DataRequired(), Length(max=BODY_MAX)])
    tags = StringField("Tags", description="Comma separated, e.g. python, mongodb",
                       validators=[Length(max=(TAG_MAX + 2) * TAGS_PER_POST)])


class EditPostForm(PostFields):
    submit = SubmitField("Save")


class WritePostForm(EditPostForm):
    images = MultipleFileField("Images")
    submit = SubmitField("Publish")


class CommentForm(SiteForm):
    body = TextAreaField("Your comment", validators=[DataRequired(), Length(max=COMMENT_MAX)])
    # The comment answered (a reply); empty for a new top-level comment.
    parent_id = HiddenField()
    submit = SubmitField("Comment")


class EditCommentForm(SiteForm):
    body = TextAreaField("Your comment", validators=[DataRequired(), Length(max=COMMENT_MAX)])
    submit = SubmitField("Save")
