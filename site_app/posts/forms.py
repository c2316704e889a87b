"""Forms of the posts blueprint: writing, editing and commenting; the admin
edits posts with ``PostFields`` too."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import SiteForm
from ..i18n import post_language_choices
from ..models.details import CANONICAL_URL_MAX, CUSTOM_EXCERPT_MAX, DETAILS, SUBTITLE_MAX, web_address_problem
from ..models.posts import BODY_MAX, COMMENT_MAX, TITLE_MAX
from ..models.schedule import ZONE_MAX, BadPublishTime, publish_time
from ..models.submissions import NONCE_MAX
from ..models.tags import TAGS_TEXT_MAX


class PostFields(SiteForm):
    """A post's text, with the same rules wherever it is edited (the write
    and edit pages, the admin)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(
        _l("Body"),
        description=_l("Markdown: headings, lists, links, code, tables, images."),
        validators=[DataRequired(), Length(max=BODY_MAX)],
    )
    tags = StringField(
        _l("Tags"),
        description=_l("Comma separated, e.g. python, c++, ci/cd"),
        validators=[Length(max=TAGS_TEXT_MAX)],
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PostDetailFields(PostFields):
    """The writer's details (models/details.py), on the write and edit pages."""

    subtitle = StringField(
        _l("Subtitle (optional)"), filters=[_strip], validators=[Optional(), Length(max=SUBTITLE_MAX)]
    )
    custom_excerpt = TextAreaField(
        _l("Excerpt (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=CUSTOM_EXCERPT_MAX)],
        description=_l("Shown on cards and in link previews instead of the post's first lines."),
        render_kw={"rows": 2},
    )
    canonical_url = StringField(
        _l("Canonical URL (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=CANONICAL_URL_MAX)],
        description=_l("Published first elsewhere? Its address: search engines then credit the original."),
        render_kw={"inputmode": "url", "placeholder": "https://"},
    )
    # The pick among the body's stored images, offered as radio buttons with
    # their thumbnails (_post_form.html, static/js/cover.js); empty: the first.
    cover = StringField(_l("Cover image"))
    # Not sent (an older form, a script): "" like "Not said".
    lang = SelectField(
        _l("Language of the post"),
        choices=[SelectChoice("")],
        default="",
        description=_l("Screen readers read it in this language; search engines and feeds are told."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = post_language_choices()  # named in the reader's language
        if self.lang.data is None:  # a post without one, and a form that sent none
            self.lang.data = ""

    def validate_canonical_url(self, field):
        problem = web_address_problem(field.data) if field.data else None
        if problem:
            raise ValidationError("The address " + problem)

    def details(self):
        """The details as ``Post.publish`` and ``Post.edit`` take them
        (empty fields clear what was stored)."""
        return {name: self[name].data or "" for name in DETAILS}


class ScheduleFields(SiteForm):
    """When a draft is published: the writer's local time in a
    ``datetime-local`` field and the browser's IANA zone in ``timezone``
    (filled by static/js/publish-at.js; empty without it: read as UTC, as
    the page then says). ``publish_at_utc``: the stored time, once validated."""

    publish_at = StringField(
        _l("Publish at (optional)"),
        filters=[_strip],
        render_kw={"type": "datetime-local"},
        description=_l(
            "Leave empty to publish when you press Publish; with a time, the post stays a draft until then."
        ),
    )
    timezone = HiddenField(validators=[Length(max=ZONE_MAX)])
    publish_at_utc = None
    stored_publish_at = None  # the draft's time, kept when sent back as it was

    def validate_publish_at(self, field):
        try:
            self.publish_at_utc = publish_time(field.data, self.timezone.data, stored=self.stored_publish_at)
        except BadPublishTime as bad:
            raise ValidationError(str(bad)) from None

    def show_stored_time(self, post):
        """On a fresh edit page: the stored UTC time, which the script
        turns into the reader's local time (``data-utc``)."""
        self.stored_publish_at = post.publish_at
        if post.publish_at and not self.is_submitted():
            self.publish_at.data = f"{post.publish_at:%Y-%m-%dT%H:%M}"
            self.publish_at.render_kw = dict(
                self.publish_at.render_kw or {}, **{"data-utc": f"{post.publish_at:%Y-%m-%dT%H:%M:%SZ}"}
            )


class EditPostForm(ScheduleFields, PostDetailFields):
    """Editing: ``submit`` saves (and publishes a draft); ``save_draft``,
    offered on drafts only, saves without publishing."""

    submit = SubmitField(_l("Save"))
    save_draft = SubmitField(_l("Save draft"))

    @classmethod
    def for_post(cls, post):
        form = cls(obj=post)
        if not form.is_submitted():
            form.tags.data = ", ".join(post.tags)
            form.cover.data = str(post.cover) if post.cover else ""
        if post.draft:
            form.submit.label.text = _l("Publish")
            form.show_stored_time(post)
        else:
            del form.save_draft  # a published post stays published (models/drafts.py)
            del form.publish_at, form.timezone  # and has no time to wait for
        return form


def _submission_field():
    """A one-time nonce a form carries: sent twice (no answer came, the
    reader pressed again), it makes one post or comment (models/submissions.py)."""
    return HiddenField(default=lambda: secrets.token_urlsafe(16), validators=[Length(max=NONCE_MAX)])


class WritePostForm(ScheduleFields, PostDetailFields):
    submission = _submission_field()
    images = MultipleFileField(_l("Images"))
    submit = SubmitField(_l("Publish"))
    save_draft = SubmitField(_l("Save draft"))


class CommentFields(SiteForm):
    """A comment's text, as written and as edited."""

    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=COMMENT_MAX)])


class CommentForm(CommentFields):
    # The comment answered (a reply); empty for a new top-level comment.
    parent_id = HiddenField()
    submission = _submission_field()
    submit = SubmitField(_l("Comment"))


class EditCommentForm(CommentFields):
    submit = SubmitField(_l("Save"))
