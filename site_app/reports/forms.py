from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import SiteForm
from ..models.reports import NOTE_MAX, REASONS


class ReportForm(SiteForm):
    target = HiddenField(validators=[DataRequired()])
    reason = RadioField("Why?", choices=[SelectChoice(code, label) for code, label in REASONS],
                        validators=[DataRequired(message="Choose a reason.")])
    note = TextAreaField("Anything a moderator should know (optional)",
                         validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField("Send the report")


class DecisionForm(SiteForm):
    target = HiddenField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])



