"""Users: accounts, roles, profiles and who follows whom."""

import re
from datetime import UTC, datetime

from blinker import Namespace
from bson import ObjectId
from flask import current_app
from flask_login import AnonymousUserMixin, UserMixin
from mongoengine.errors import NotUniqueError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import tokens
from ..extensions import db, login_manager
from ..text import plain_line, plain_text
from .dummy_hash import check_dummy_hash
from .follows import Follows
from .roles import Permission, Role
from .signals import content_changed
from .tag_follows import TAG_MAX, TagFollows

# Sent with the account whose sessions must all end now (password changed,
# account disabled, "log out everywhere"); the session store listens.
sessions_ended = Namespace().signal("sessions-ended")


def utcnow():  # naive UTC, as MongoDB stores dates (BSON dates carry no zone)
    return datetime.now(UTC).replace(tzinfo=None)


class AccountTaken(ValueError):
    """The email or username belongs to another account already."""

    def __init__(self, field):
        super().__init__(f"{field} is already registered")
        self.field = field


class User(Follows, UserMixin, TagFollows, db.Document):
    email = db.StringField(required=True, max_length=254, validation=plain_line)
    username = db.StringField(required=True, max_length=64, validation=plain_line)
    # Lower-cased copy so "Alice" and "alice" cannot both register.
    username_key = db.StringField(required=True, max_length=64)
    password_hash = db.StringField(max_length=256)
    confirmed = db.BooleanField(default=False)
    disabled = db.BooleanField(default=False)
    # Bumped when the password changes or the account is disabled: sessions
    # and API tokens carry it, so old ones stop working at once.
    auth_version = db.IntField(default=0)
    role = db.ReferenceField(document_type=Role)
    name = db.StringField(max_length=64, validation=plain_line)
    location = db.StringField(max_length=64, validation=plain_line)
    about_me = db.StringField(max_length=2000, validation=plain_text)
    about_me_html = db.StringField()  # markup.render_bio, when the profile form saves it
    member_since = db.DateTimeField(default=utcnow)
    last_seen = db.DateTimeField(default=utcnow)
    avatar_id = db.ObjectIdField()  # GridFS file of the uploaded avatar
    # The language the reader chose in the footer picker (i18n.LANGUAGES);
    # None: the browser's Accept-Language decides.
    locale = db.StringField(max_length=16)
    # What the writer's newsletter mails: the whole post, or its excerpt and a link.
    newsletter_whole_post = db.BooleanField(default=False)
    following = db.ListField(field=db.ReferenceField(document_type="User"))
    followed_tags = db.ListField(field=db.StringField(max_length=TAG_MAX))  # tag_follows.py
    # Counts kept beside the follows: ``following_total`` in the same update
    # as the array (exact), ``followers_total`` by a second update paired
    # with it (a crash between is repaired by ``flask repair-counts``, run
    # by deploy, which also fills them in on accounts from before them).
    following_total = db.IntField(default=0)
    followers_total = db.IntField(default=0)

    meta = {
        "collection": "users",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            {"fields": ["email"], "unique": True},
            {"fields": ["username"], "unique": True},
            {"fields": ["username_key"], "unique": True},
            # followers of a user, listed by name and paged by key (name, id)
            ("following", "username", "id"),
            "role",
            ("-member_since", "-id"),  # the admin's list (the id breaks ties)
            "disabled",  # the admin dashboard's count
            {"fields": ["avatar_id"], "sparse": True},  # media gc: files in use as avatars
            {"fields": ["$name"], "default_language": "none", "name": "user_text"},  # search.py
        ],
    }

    # -- identity -----------------------------------------------------------
    def save(self, *args, **kwargs):
        # MongoEngine's save() of a loaded document is an upsert: a request
        # still holding an account deleted meanwhile would write it back as
        # a stub. An existing account is only ever updated (a vanished one
        # raises SaveConditionError).
        if not self._created and kwargs.get("save_condition") is None:
            kwargs["save_condition"] = {}
        return super().save(*args, **kwargs)

    def clean(self):
        stored = _normalised_identity({"email": self.email, "username": self.username})
        for field, value in stored.items():
            setattr(self, field, value)
        if self.role is None:
            self.role = self._initial_role()

    def _initial_role(self):
        admin = current_app.config.get("SITE_ADMIN")
        if admin and normalise_email(admin) == self.email:
            return Role.named("Administrator") or Role.default_role()
        return Role.default_role()

    @classmethod
    def register(cls, email, username, password, **profile):
        """Create an account; raises :class:`AccountTaken` when the email or
        username is in use. The unique indexes decide, so two simultaneous
        registrations of one email end with one account."""
        user = cls(email=email, username=username, **profile)
        user.password = password
        try:
            user.save()
        except NotUniqueError as exc:
            raise AccountTaken(_duplicate_field(exc, user.email, user.id)) from exc
        return user

    @classmethod
    def by_email(cls, email):
        return cls.objects(email=normalise_email(email)).first()

    @classmethod
    def by_username(cls, username):
        return cls.objects(username=username).first()

    @classmethod
    def email_taken(cls, email):
        return cls.objects(email=normalise_email(email)).count() > 0

    @classmethod
    def username_taken(cls, username):
        return cls.objects(username_key=(username or "").strip().lower()).count() > 0

    # -- profile --------------------------------------------------------------
    def edit_profile(self, **changes):
        """Change profile fields (and, in an administrator's edit, ``email``,
        ``username``, ``confirmed``, ``role``) in one atomic ``$set`` of just
        those fields, so what other requests write meanwhile (follows, the
        avatar, ``auth_version``) is kept. Returns ``False`` when the account
        no longer exists. Raises :class:`AccountTaken` when the new email or
        username is in use."""
        changes = _normalised_identity(changes)
        try:
            written = User.objects(id=self.id).update_one(
                **{f"set__{field}": value for field, value in changes.items()}
            )
        except NotUniqueError as exc:
            raise AccountTaken(_duplicate_field(exc, changes.get("email"), self.id)) from exc
        if written:
            self.reload(*changes)
            content_changed.send(
                User,
                author=self.id,  # its pages; a new name: whom search finds
                people=bool({"name", "username"} & set(changes)),
            )
        return bool(written)

    # -- passwords ----------------------------------------------------------
    @property
    def password(self):
        raise AttributeError("password is not a readable attribute")

    @password.setter
    def password(self, password):
        self.password_hash = generate_password_hash(
            password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        )

    def verify_password(self, password):
        if not self.password_hash:
            return check_dummy_hash(password)
        return check_password_hash(self.password_hash, password)

    @classmethod
    def authenticate(cls, email, password):
        """The account ``email`` names if ``password`` is its password, else
        ``None``. One hash is checked either way, so the time taken does not
        tell whether the address has an account."""
        user = cls.by_email(email)
        if user is None:
            check_dummy_hash(password)
            return None
        return user if user.verify_password(password) else None

    def change_password(self, new_password):
        """Set a new password and end every other session and API token: one
        atomic update, so a bump made meanwhile (``disable``) is not lost."""
        self.password = new_password
        if User.objects(id=self.id).update_one(set__password_hash=self.password_hash, inc__auth_version=1):
            self.reload("password_hash", "auth_version")
        sessions_ended.send(self)

    def log_out_everywhere(self):
        """End every session, remembered browser and API token of the
        account (bumping ``auth_version`` kills the tokens)."""
        User.objects(id=self.id).update_one(inc__auth_version=1)
        sessions_ended.send(self)

    def disable(self):
        """Stop the account (no login; the ``auth_version`` bump ends sessions and tokens)."""
        User.objects(id=self.id).update_one(set__disabled=True, inc__auth_version=1)
        self.reload("disabled", "auth_version")
        sessions_ended.send(self)
        content_changed.send(User, author=self.id, newest=True)  # leaves lists of people

    def enable(self):
        """Let a disabled account log in again (old sessions stay ended)."""
        User.objects(id=self.id).update_one(set__disabled=False)
        self.reload("disabled", "auth_version")
        content_changed.send(User, author=self.id, newest=True)  # back in the sitemap, Explore

    # -- sessions and tokens ------------------------------------------------
    def get_id(self):
        # The auth version in the session: a new password or disabling logs out every browser.
        return f"{self.id}:{self.auth_version}"

    @property
    def is_active(self):
        return not self.disabled

    def generate_token(self, purpose, **extra):
        return tokens.make_token(purpose, {"id": str(self.id), "v": self.auth_version, **extra})

    @classmethod
    def from_token(cls, purpose, token, max_age):
        """The user a token was made for, or ``None`` (bad, expired, stale,
        wrong purpose, or a disabled account)."""
        data = tokens.read_token(purpose, token, max_age)
        if not isinstance(data, dict) or not ObjectId.is_valid(str(data.get("id"))):
            return None
        user = cls.objects(id=data["id"]).first()
        if user is None or user.disabled or data.get("v") != user.auth_version:
            return None
        return user

    def generate_confirmation_token(self):
        return self.generate_token(tokens.CONFIRM)

    def confirm(self, token):
        data = tokens.read_token(tokens.CONFIRM, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
        if not isinstance(data, dict) or data.get("id") != str(self.id):
            return False
        if not self.confirmed:
            User.objects(id=self.id).update_one(set__confirmed=True)
            self.confirmed = True
        return True

    def generate_reset_token(self):
        return self.generate_token(tokens.RESET)

    @classmethod
    def reset_password(cls, token, new_password):
        user = cls.from_token(tokens.RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"])
        if user is None:
            return False
        user.change_password(new_password)
        return True

    def generate_email_change_token(self, new_email):
        return self.generate_token(tokens.CHANGE_EMAIL, new_email=normalise_email(new_email))

    def change_email(self, token):
        """Move the account to the address the link was sent to. The link is
        made under the current ``auth_version``, so a password change (or a
        disabled account) kills it; the write is conditional on that too."""
        data = tokens.read_token(tokens.CHANGE_EMAIL, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
        if not isinstance(data, dict) or data.get("id") != str(self.id) or data.get("v") != self.auth_version:
            return False
        new_email = data.get("new_email")
        if not new_email or self.email_taken(new_email):
            return False
        try:
            written = User.objects(id=self.id, auth_version=data["v"]).update_one(
                set__email=normalise_email(new_email)
            )
        except NotUniqueError:
            return False
        if written:
            self.reload("email")
        return bool(written)

    # -- permissions --------------------------------------------------------
    def can(self, perm):
        return self.role is not None and self.role.has_permission(perm)

    def is_administrator(self):
        return self.can(Permission.ADMIN)

    def ping(self):
        """Record a visit, writing at most once per ``LAST_SEEN_INTERVAL``."""
        now = utcnow()
        interval = current_app.config["LAST_SEEN_INTERVAL"]
        if self.last_seen and now - self.last_seen < interval:
            return
        User.objects(id=self.id, last_seen__lt=now - interval).update_one(set__last_seen=now)
        self.last_seen = now

    def __str__(self):
        return self.username


class AnonymousUser(AnonymousUserMixin):
    def can(self, perm):
        return False

    def is_administrator(self):
        return False

    def is_following(self, user):
        return False

    def following_ids(self):
        return []


login_manager.anonymous_user = AnonymousUser


@login_manager.user_loader
def load_user(session_id):
    user_id, _, version = (session_id or "").partition(":")
    if not ObjectId.is_valid(user_id):
        return None
    user = User.without_follows(id=user_id)
    if user is None or user.disabled or str(user.auth_version) != version:
        return None
    return user


def normalise_email(email):
    return (email or "").strip().lower()


def _normalised_identity(changes):
    """``changes`` with the email and username as they are stored (lower-case
    address, trimmed name, its lower-case key): ``clean`` applies it on
    save, ``edit_profile`` on its atomic update, which skips ``clean``."""
    changes = dict(changes)
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
    if "username" in changes:
        changes["username"] = (changes["username"] or "").strip()
        changes["username_key"] = changes["username"].lower()
    return changes


def _duplicate_field(exc, email, user_id):
    """Which unique field an account collided on: ``"email"`` or ``"username"``."""
    # MongoDB names the index ("index: email_1 dup key: ..."); read only
    # that part, since the duplicate value itself may contain any word.
    index = re.search(r"index: (\w+)", str(exc))
    if index:
        return "email" if index.group(1).startswith("email") else "username"
    # A backend that does not say: the account holding the address exists now.
    if email and User.objects(email=email, id__ne=user_id).count():
        return "email"
    return "username"
