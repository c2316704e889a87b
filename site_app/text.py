"""The one rule for the characters stored text may hold.

Control characters (tab and line breaks excepted in multi-line text) are
never meant: they break terminals, make an XML feed unparseable and hide
text. Bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder
what a reader sees ("Trojan Source"). Both are refused on every path in:
web forms (:class:`site_app.forms.SiteForm`), the API
(``api/inputs.py``) and the models (``validation=`` on their fields).
The feed strips them from anything stored before this rule existed.
"""

import re

from mongoengine.errors import ValidationError

_BIDI = "\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls, DEL, the XML non-characters, lone surrogates.
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ufffe\uffff\ud800-\udfff]")
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ufffe\uffff\ud800-\udfff]")


def unsafe_character(value, multiline=False):
    """The first character ``value`` may not hold, as ``U+XXXX``, or ``None``."""
    pattern = _UNSAFE_IN_TEXT if multiline else _UNSAFE_IN_LINE
    found = pattern.search(value or "")
    return f"U+{ord(found.group()):04X}" if found else None


def refusal(value, multiline=False):
    """The message for a value with an unsafe character, else ``None``."""
    found = unsafe_character(value, multiline)
    if found is None:
        return None
    return f"contains control characters or text-direction overrides ({found} is one); remove them."


def strip_unsafe(value):
    """``value`` without the characters above (line breaks and tabs kept)."""
    return _UNSAFE_IN_TEXT.sub("", value) if value else value


def _field_validator(multiline):
    def validate(value):
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            message = refusal(item, multiline) if isinstance(item, str) else None
            if message:
                raise ValidationError("Text " + message)

    return validate


# For ``validation=`` on model fields.
plain_line = _field_validator(multiline=False)
plain_text = _field_validator(multiline=True)
