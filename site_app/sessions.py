"""Sessions kept on the server, in the site's own MongoDB database.

The cookie holds only a random session id; the data lives in the
``sessions`` collection under a hash of that id, so logging out, changing
the password, disabling an account or "log out everywhere" end a session
for real: a cookie copied earlier finds nothing. A TTL index removes
sessions idle for ``PERMANENT_SESSION_LIFETIME``.

"Keep me logged in" makes the session permanent (a cookie that outlives the
browser) rather than issuing Flask-Login's separate remember cookie, so one
record decides whether a browser is signed in.

Only plain collection calls (``find_one``, ``insert_one``, ``update_one``,
``delete_one``, ``delete_many``, ``create_index``) are used: they behave the
same on mongomock and through pymongo. A visitor whose session is empty gets
neither a record nor a cookie, so anonymous pages stay cacheable.
"""

import hashlib
import secrets
from datetime import timedelta

from bson import ObjectId
from flask import current_app, has_request_context, request, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SessionInterface
from flask_login import user_logged_in, user_logged_out

from .database import DATABASE_DOWN, create_missing_indexes, get_db
from .models.users import sessions_ended, utcnow

COLLECTION = "sessions"
# An active session's expiry is pushed back at most this often (one write
# an hour a browser, not one a request).
REFRESH_EVERY = timedelta(hours=1)
_serializer = TaggedJSONSerializer()  # what Flask's cookie sessions use


class ServerSession(SecureCookieSession):
    """The session dict, with the id it is stored under (``None`` until
    something is stored)."""

    def __init__(self, initial=None, sid=None, expires_at=None, unavailable=None):
        super().__init__(initial)
        self.sid = sid
        self.expires_at = expires_at
        self.rotate = False
        # The database error that kept the stored session from loading.
        self.unavailable = unavailable

    def regenerate(self):
        """Keep the data under a new id and forget the old one (on login,
        against session fixation; on logout, so the old cookie is dead)."""
        self.rotate = True
        self.modified = True


class MongoSessionInterface(SessionInterface):
    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid:
            try:
                stored = _collection(app).find_one({"_id": _key(sid)})
            except DATABASE_DOWN as error:
                # Raised here, Flask could not even finish an answer (no
                # session opened); the request's first step raises it
                # instead, and the reader gets the database's 503.
                return ServerSession(unavailable=error)
            # The TTL monitor runs once a minute: check the time too.
            if stored and stored["expires_at"] > utcnow():
                return ServerSession(
                    _serializer.loads(stored["data"]), sid=sid, expires_at=stored["expires_at"]
                )
        return ServerSession()

    def save_session(self, app, session, response):
        if session.accessed:
            response.vary.add("Cookie")
        if response.status_code == 503:
            # Unavailable (the database down, while loading or storing this
            # very session): nothing the request did is kept, and trying
            # again would only wait for the same timeout a second time.
            return
        had_cookie = session.sid is not None
        if session.rotate and session.sid:
            _collection(app).delete_one({"_id": _key(session.sid)})
            session.sid = None
        if not session:
            if had_cookie:
                if session.sid:
                    _collection(app).delete_one({"_id": _key(session.sid)})
                self._delete_cookie(app, response)
            return
        expires_at = utcnow() + _lifetime(app, session)
        if not (session.modified or session.sid is None or _due_for_refresh(session, app)):
            return
        if not _store(app, session, expires_at):
            # Ended (logout, "log out everywhere") while this request ran:
            # writing it back would undo the logout.
            self._delete_cookie(app, response)
            return
        never_shared(response)
        response.set_cookie(
            self.get_cookie_name(app),
            session.sid,
            expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )

    def _delete_cookie(self, app, response):
        never_shared(response)
        response.delete_cookie(
            self.get_cookie_name(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )


def never_shared(response):
    """A response that sets a cookie is for one browser: made private, so a
    shared cache (a CDN ignoring ``Vary: Cookie``) never replays a session id.
    The session is saved after every ``after_request`` hook, so the rule is
    applied here, where the cookie is written (pages shared by everyone,
    ``cached_page(everyone=True)``, reach signed-in readers too)."""
    cache_control = response.cache_control
    cache_control.public = False
    cache_control.s_maxage = None
    cache_control.private = True


def _store(app, session, expires_at):
    """Write the session; only a new id is inserted, so a record deleted
    meanwhile stays deleted. Returns whether the session is stored."""
    fields = {
        "data": _serializer.dumps(dict(session)),
        "expires_at": expires_at,
        "user_id": _user_id(session),
    }
    if session.sid is None:
        session.sid = secrets.token_urlsafe(32)
        _collection(app).insert_one({"_id": _key(session.sid), **fields})
        return True
    return _collection(app).update_one({"_id": _key(session.sid)}, {"$set": fields}).matched_count == 1


def _lifetime(app, session):
    """Signed in: ``PERMANENT_SESSION_LIFETIME``. Anyone else (a form's CSRF
    token, a flash): ``ANONYMOUS_SESSION_MINUTES``, so the records cookie-less
    visits leave do not pile up for weeks."""
    if _user_id(session) is not None:
        return app.permanent_session_lifetime
    return timedelta(minutes=app.config["ANONYMOUS_SESSION_MINUTES"])


def _due_for_refresh(session, app):
    if session.expires_at is None:
        return True
    lifetime = _lifetime(app, session)
    return session.expires_at - utcnow() < lifetime - min(REFRESH_EVERY, lifetime / 4)


def _key(sid):
    # Stored hashed: a copy of the collection does not hold live cookies.
    return hashlib.sha256(sid.encode()).hexdigest()


def _user_id(session):
    """The signed-in account's id (Flask-Login's ``_user_id`` is
    ``"<id>:<auth version>"``), so its sessions can be ended together."""
    user_id = str(session.get("_user_id") or "").partition(":")[0]
    return ObjectId(user_id) if ObjectId.is_valid(user_id) else None


def _collection(app):
    return get_db(app)[COLLECTION]


def ensure_session_indexes(database=None):
    """The TTL index that expires sessions and the one that finds an
    account's sessions; returns ``{collection: [new index names]}``."""
    collection = (database if database is not None else get_db(current_app))[COLLECTION]
    return {
        COLLECTION: create_missing_indexes(
            collection,
            [
                ([("expires_at", 1)], {"name": "session_expiry", "expireAfterSeconds": 0}),
                ([("user_id", 1)], {"name": "session_user"}),
            ],
        )
    }


def end_sessions_of(user_id):
    """Delete every stored session of an account."""
    _collection(current_app).delete_many({"user_id": user_id})


def _new_id_on_login_and_logout(sender, **extra):
    if isinstance(session, ServerSession):
        session.regenerate()


def _end_stored_sessions(user, **extra):
    end_sessions_of(user.id)


def init_app(app):
    # Its indexes are built with every other (site_app/indexes.py).
    app.session_interface = MongoSessionInterface()
    app.before_request(_raise_if_not_loaded)


def _raise_if_not_loaded():
    unavailable = getattr(session, "unavailable", None)
    if unavailable is not None:
        raise unavailable


def connect_signals():
    """A new session id at sign-in and sign-out (no fixation), the device
    noted at sign-in, every stored session ended when the account says so
    (``sessions_ended``). Called from ``create_app``'s wiring block."""
    user_logged_in.connect(_new_id_on_login_and_logout, weak=False)
    user_logged_out.connect(_new_id_on_login_and_logout, weak=False)
    user_logged_in.connect(_remember_the_device, weak=False)
    sessions_ended.connect(_end_stored_sessions, weak=False)


def sessions_of(user_id):
    """The account's live sessions, most recently used first: each a dict of
    ``key`` (the stored id, a hash: it cannot be turned back into a cookie),
    ``user_agent`` and ``last_used`` (to the hour: the expiry is pushed back
    at most every ``REFRESH_EVERY``)."""
    lifetime = current_app.permanent_session_lifetime
    found = []
    for stored in _collection(current_app).find({"user_id": user_id}):
        if stored["expires_at"] <= utcnow():
            continue
        data = _serializer.loads(stored["data"])
        found.append(
            {
                "key": stored["_id"],
                "user_agent": data.get(USER_AGENT, ""),
                "last_used": stored["expires_at"] - lifetime,
            }
        )
    return sorted(found, key=lambda one: one["last_used"], reverse=True)


def current_session_key():
    """The stored id of this browser's session (``None`` before it is stored)."""
    return _key(session.sid) if getattr(session, "sid", None) else None


def end_session_of(user_id, key):
    """End one session of the account; whether there was one."""
    return _collection(current_app).delete_one({"_id": key, "user_id": user_id}).deleted_count == 1


# Kept with the session at sign-in, for the list of where an account is signed in.
USER_AGENT = "user_agent"


def _remember_the_device(sender, **extra):
    if has_request_context():
        session[USER_AGENT] = request.user_agent.string[:256]
