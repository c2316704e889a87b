"""Two-factor sign-in: an account's TOTP secret and its recovery codes.

Kept in its own collection, one document per account (a unique index on
``user_id``): most accounts never have one, and the password rules in
``users.py`` stay as they are. A document with ``enabled`` false is a
setup in progress (the secret shown, no code typed yet).

Every code works once: a TOTP code is accepted only for a time step after
the last one accepted (a conditional update, so two requests racing with
the same code cannot both win), a recovery code is pulled from the list by
the same update that accepts it. Recovery codes are stored as an HMAC
(SHA-256, keyed with the app's ``SECRET_KEY`` as a pepper): they are random
and long, so a slow password hash would add nothing but seconds. (A new
``SECRET_KEY`` therefore voids them, as it voids sessions and tokens.)
"""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp
from flask import current_app
from mongoengine.errors import NotUniqueError

from ..extensions import db

RECOVERY_CODES = 10
# Codes of the step before and after are accepted too: a phone clock a
# little off still works.
VALID_WINDOW = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class TwoFactor(db.Document):
    user_id = db.ObjectIdField(required=True)
    secret = db.StringField(required=True, max_length=64)
    enabled = db.BooleanField(default=False)
    # The last TOTP time step accepted: a code is never accepted twice.
    last_step = db.IntField(default=0)
    recovery_hashes = db.ListField(field=db.StringField(max_length=64))
    # New at every enabling: trusted-device cookies carry it, so turning
    # two-factor off (and on again) revokes them.
    trust_nonce = db.StringField(max_length=64)

    meta = {
        "collection": "two_factor",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [{"fields": ["user_id"], "unique": True}],
    }

    # -- reading --------------------------------------------------------------
    @classmethod
    def enabled_for(cls, user):
        """The account's enabled two-factor document, or ``None``."""
        return cls.objects(user_id=user.id, enabled=True).first()

    # -- setting up -------------------------------------------------------------
    @classmethod
    def setup_for(cls, user):
        """The account's setup in progress (a new secret the first time), or
        ``None`` when two-factor is already on."""
        try:
            cls.objects(user_id=user.id).update_one(
                upsert=True, set_on_insert__secret=pyotp.random_base32(), set_on_insert__enabled=False
            )
        except NotUniqueError:
            pass  # another request of the account inserted it meanwhile
        setup = cls.objects(user_id=user.id).first()
        return None if setup is None or setup.enabled else setup

    def provisioning_uri(self, account_name):
        """The ``otpauth://`` address an authenticator app reads from the QR code."""
        return pyotp.TOTP(self.secret).provisioning_uri(
            name=account_name, issuer_name=current_app.config["SITE_NAME"]
        )

    def enable(self, code):
        """Turn two-factor on when ``code`` is the current one; returns the
        recovery codes (shown once, stored hashed), else ``None``."""
        step = self._matching_step(code)
        if step is None:
            return None
        codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
        written = TwoFactor.objects(id=self.id, enabled=False).update_one(
            set__enabled=True,
            set__last_step=step,
            set__trust_nonce=secrets.token_hex(16),
            set__recovery_hashes=[_recovery_hash(c) for c in codes],
        )
        return codes if written else None

    @classmethod
    def disable(cls, user):
        cls.objects(user_id=user.id).delete()

    # -- checking -----------------------------------------------------------------
    def verify(self, code):
        """Whether ``code`` is a current TOTP code or an unused recovery code;
        either is spent by the same update that accepts it."""
        step = self._matching_step(code)
        if step is not None:
            return bool(
                TwoFactor.objects(id=self.id, enabled=True, last_step__lt=step).update_one(
                    set__last_step=step
                )
            )
        return self.use_recovery_code(code)

    def use_recovery_code(self, code):
        hashed = _recovery_hash(_normalised(code))
        return bool(
            TwoFactor.objects(id=self.id, enabled=True, recovery_hashes=hashed).update_one(
                pull__recovery_hashes=hashed
            )
        )

    def recovery_codes_left(self):
        return len(self.recovery_hashes)

    def _matching_step(self, code):
        """The time step ``code`` was made for (within the window), else ``None``."""
        code = (code or "").strip().replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            return None
        totp = pyotp.TOTP(self.secret)
        now = totp.timecode(datetime.now(UTC))
        for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None


def disable_for_deleted(sender, document, **kwargs):
    TwoFactor.disable(document)


def _new_recovery_code():
    letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def _normalised(code):
    return "".join((code or "").lower().split()).replace("-", "")


def _recovery_hash(code):
    pepper = current_app.config["SECRET_KEY"].encode()
    return hmac.new(pepper, _normalised(code).encode(), hashlib.sha256).hexdigest()
