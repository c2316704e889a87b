"""A writer's newsletter: who gets their posts by email, and what was sent.

A :class:`Subscription` is one address on one writer's list (unique by both,
so subscribing twice is one subscription). It is ``active`` only after the
address said yes (double opt-in: the mailed link, or a signed-in reader's
own confirmed address); ending it deletes it, so the address can come back.

A :class:`Delivery` is one post mailed to one subscription, claimed *before*
the mail goes out under a unique index: a send that is interrupted and run
again (a worker killed, a job retried) skips whoever was claimed, so nobody
gets the same post twice. A send that fails with an error gives its claim
back (:meth:`Delivery.release`), so the retry sends it; only a worker killed
between claiming and handing the mail over leaves a claim unsent: that one
reader misses the post rather than anyone getting it twice. (No "sent" mark
after each mail: one more write a mail, for a case the claim already covers.)
"""

from mongoengine.errors import NotUniqueError

from ..extensions import db
from .users import normalise_email, utcnow


class Subscription(db.Document):
    writer = db.ObjectIdField(required=True)  # the User whose posts are mailed
    email = db.StringField(required=True, max_length=254)
    active = db.BooleanField(default=False)
    created = db.DateTimeField(default=utcnow)
    confirmed_at = db.DateTimeField()

    meta = {
        "collection": "subscriptions",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            {"fields": ["writer", "email"], "unique": True},
            # A writer's active list in id order: the sending batches (by
            # key), the count, the page and the CSV export.
            ("writer", "active", "id"),
            # An address's subscriptions, to any writer: the member's own in
            # their export, and those ended when the member leaves.
            ("email", "created"),
            # Who said yes lately: /stats's new subscribers.
            ("writer", "confirmed_at"),
        ],
    }

    @classmethod
    def request(cls, writer_id, email):
        """The subscription of ``email`` to the writer, made pending if new
        (one atomic upsert: two requests at once make one)."""
        return cls.objects(writer=writer_id, email=normalise_email(email)).modify(
            upsert=True, new=True, set_on_insert__active=False, set_on_insert__created=utcnow()
        )

    @classmethod
    def switch_on(cls, writer_id, email):
        """Active at once: for an address the site has confirmed already."""
        return cls.objects(writer=writer_id, email=normalise_email(email)).modify(
            upsert=True,
            new=True,
            set__active=True,
            set__confirmed_at=utcnow(),
            set_on_insert__created=utcnow(),
        )

    @classmethod
    def confirm(cls, subscription_id):
        """Activate a pending subscription; ``None`` when it no longer exists."""
        return cls.objects(id=subscription_id).modify(new=True, set__active=True, set__confirmed_at=utcnow())

    @classmethod
    def end(cls, subscription_id):
        cls.objects(id=subscription_id).delete()

    @classmethod
    def end_of(cls, writer_id, email):
        cls.objects(writer=writer_id, email=normalise_email(email)).delete()

    @classmethod
    def is_on(cls, writer_id, email):
        return bool(
            cls.objects(writer=writer_id, email=normalise_email(email), active=True).only("id").first()
        )

    @classmethod
    def active_of(cls, writer_id, after=None):
        """The writer's active subscriptions in id order, from after ``after``."""
        found = cls.objects(writer=writer_id, active=True)
        if after is not None:
            found = found.filter(id__gt=after)
        return found.order_by("id")

    @classmethod
    def of_address(cls, email):
        """Every subscription of ``email``, to any writer, oldest first."""
        return cls.objects(email=normalise_email(email)).order_by("created")

    @classmethod
    def forget_member(cls, user, post_ids):
        """A leaving member's newsletter: their own list (with the record of
        what their ``post_ids`` were mailed to whom) and their address's
        subscriptions to other writers. Deliveries of those subscriptions
        stay: two ids each, naming nobody once the subscription is gone."""
        Delivery.objects(post__in=list(post_ids)).delete()
        cls.objects(writer=user.id).delete()
        if user.email:
            cls.of_address(user.email).delete()

    @classmethod
    def confirmed_since(cls, writer_id, since):
        """When each of the writer's active subscriptions said yes, from ``since`` on."""
        found = cls.objects(writer=writer_id, confirmed_at__gte=since, active=True)
        return [row["confirmed_at"] for row in found.only("confirmed_at").as_pymongo()]

    @classmethod
    def count_of(cls, writer_id):
        return cls.objects(writer=writer_id, active=True).count()


class Delivery(db.Document):
    post = db.ObjectIdField(required=True)
    subscription = db.ObjectIdField(required=True)
    at = db.DateTimeField(default=utcnow)  # when it was claimed

    meta = {
        "collection": "deliveries",
        "auto_create_index": False,
        "indexes": [{"fields": ["post", "subscription"], "unique": True}],
    }

    @classmethod
    def claim(cls, post_id, subscription_id):
        """The right to mail this post to this subscription, once ever:
        ``None`` when it was claimed before."""
        try:
            return cls(post=post_id, subscription=subscription_id).save(force_insert=True)
        except NotUniqueError:
            return None

    def release(self):
        """The mail was not sent (an error): the next run may send it."""
        type(self).objects(id=self.id).delete()
