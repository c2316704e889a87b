from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import SiteForm
from ..models.reports import NOTE_MAX, REASONS


class ReportForm(SiteForm):
    target = HiddenField(validators=[DataRequired()])
    reason = RadioField(
        _l("Why?"),
        choices=[SelectChoice(code, label) for code, label in REASONS],
        validators=[DataRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything a moderator should know (optional)"), validators=[Optional(), Length(max=NOTE_MAX)]
    )
    submit = SubmitField(_l("Send the report"))


class DecisionForm(SiteForm):
    target = HiddenField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])
