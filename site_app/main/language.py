"""The footer's language picker, for signed-in readers (``POST /language``).

Anonymous readers' picker is a plain GET form to the page they are on with
``?lang=xx`` (see i18n.py: no session, the page stays cacheable).
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n import supported
from ..models import User
from ..redirects import local_redirect_target
from . import main


@main.route("/language", methods=["POST"])
def set_language():
    code = supported(request.form.get("lang"))
    if code is None:
        abort(400, description=_("Choose one of the languages offered."))
    back = local_redirect_target(request.form.get("next")) or url_for("main.index")
    if current_user.is_authenticated:
        User.objects(id=current_user.id).update_one(set__locale=code)
        return redirect(_without_lang(back))
    return redirect(_with_lang(back, code))


def _query_without_lang(query):
    return [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name != "lang"]


def _without_lang(path):
    parts = urlsplit(path)
    return urlunsplit(parts._replace(query=urlencode(_query_without_lang(parts.query))))


def _with_lang(path, code):
    parts = urlsplit(path)
    query = _query_without_lang(parts.query) + [("lang", code)]
    return urlunsplit(parts._replace(query=urlencode(query)))
