"""Extensions, created unbound and initialised in the app factory."""

from flask import request
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_compress import Compress
from flask_compress.flask_compress import _choose_algorithm
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail

from .csrf_masking import MaskedCSRFProtect
from .database import SiteMongoEngine


class SiteLoginManager(LoginManager):
    def _load_user_from_remember_cookie(self, cookie):
        # "Keep me logged in" is a lasting server-side session
        # (site_app/sessions.py) that logout deletes; a Flask-Login remember
        # cookie, issued only before that, would outlive logout: ignored.
        # A private method, for want of a public switch: Flask-Login 0.6
        # always tries REMEMBER_COOKIE_NAME when the session has no user, and
        # its documented alternative (a new get_id() format the old cookies
        # cannot match) would log out every current session at the deploy.
        return None


class SiteCompress(Compress):
    """Flask-Compress, except that an encoding the client refused
    (``gzip;q=0``: "not acceptable", RFC 9110 12.5.3) is never used:
    Flask-Compress 1.25 falls back to one when it has nothing better. The
    answer is then sent as it is (identity is always acceptable)."""

    def after_request(self, response):
        chosen = _choose_algorithm(self.enabled_algorithms, request.headers.get("Accept-Encoding", ""))
        if chosen is not None and request.accept_encodings[chosen] <= 0:
            response.vary.add("Accept-Encoding")
            return response
        return super().after_request(response)


db = SiteMongoEngine()
login_manager = SiteLoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
csrf = MaskedCSRFProtect()
mail = Mail()
bootstrap = Bootstrap5()
cache = Cache()
compress = SiteCompress()  # dynamic answers; static files come compressed from WhiteNoise
limiter = Limiter(key_func=get_remote_address, default_limits=[])
