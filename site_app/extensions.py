"""Extensions, created unbound and initialised in the app factory."""
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

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


db = SiteMongoEngine()
login_manager = SiteLoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
csrf = CSRFProtect()
mail = Mail()
bootstrap = Bootstrap5()
cache = Cache()
compress = Compress()  # dynamic answers; static files come compressed from WhiteNoise
limiter = Limiter(key_func=get_remote_address, default_limits=[])
