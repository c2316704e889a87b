"""One seeding run: how much to make, the phases in order, what it took."""

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from ..content_cache import content_changed
from ..models import Bookmark, Like, Post, Role, User, utcnow
from . import documents, stats_days
from .documents import DEMO_ACCOUNTS, DEMO_PASSWORD
from .fake_text import faker


@dataclass
class SeedSizes:
    """How much to create. ``users`` counts every new account, the demo
    logins included; ``follows`` is the number of follow relations."""

    users: int = 50
    posts: int = 300
    comments: int = 3000
    follows: int | None = None  # None: about six per user
    images: int = 20

    def follow_target(self):
        most = self.users * (self.users - 1)
        wanted = self.users * 6 if self.follows is None else self.follows
        return max(0, min(wanted, most))


# What ``flask demo`` (``make run``) shows: enough to page through, quick to build.
DEMO_SIZES = SeedSizes(users=30, posts=150, comments=1500, follows=180, images=12)


@dataclass
class SeedReport:
    counts: Counter = field(default_factory=Counter)
    seconds: dict = field(default_factory=dict)  # phase -> seconds, in run order
    logins: list = field(default_factory=list)  # (email, role)

    @property
    def total_seconds(self):
        return sum(self.seconds.values())


class _Phase:
    """Times one phase of the run into the report."""

    def __init__(self, report, name):
        self.report, self.name = report, name

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        elapsed = time.perf_counter() - self.started
        self.report.seconds[self.name] = self.report.seconds.get(self.name, 0.0) + elapsed
        return False


class SilentProgress:
    """The progress-bar interface, showing nothing (library callers)."""

    def __init__(self, label, length):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, steps):
        pass


def reset_database():
    """Empty users, posts, likes, bookmarks, roles and GridFS, then recreate the roles.

    ``delete_many`` rather than ``drop`` so the indexes ``flask deploy``
    built on a real server stay in place.
    """
    database = User._get_collection().database
    for name in (
        User._get_collection().name,
        Post._get_collection().name,
        Like._get_collection().name,
        Bookmark._get_collection().name,
        Role._get_collection().name,
        "fs.files",
        "fs.chunks",
    ):
        database[name].delete_many({})
    Role.insert_roles()


def seed_database(sizes, rng_seed=None, progress=SilentProgress):
    """Create fake users, follows, images, posts, comments and likes in the current
    app's database; returns a :class:`SeedReport`.

    The same ``rng_seed`` gives the same names, texts and shapes (ids and
    dates are relative to now, so they differ).
    """
    rng = random.Random(rng_seed)
    fake = faker(rng_seed)
    now = utcnow()
    report = SeedReport()
    Role.insert_roles()
    role_ids = {role.name: role.id for role in Role.objects}

    with _Phase(report, "users"):
        password_hash = generate_password_hash(DEMO_PASSWORD)
        users, demo_ids = documents.build_users(
            sizes.users, fake, rng, now, role_ids, password_hash, progress
        )
    with _Phase(report, "follows"):
        report.counts["follows"] = documents.add_follows(
            users, demo_ids.get("demo"), sizes.follow_target(), rng, progress
        )
    with _Phase(report, "users"):
        if users:
            User._get_collection().insert_many(users, ordered=False)
    report.counts["users"] = len(users)

    with _Phase(report, "posts"):
        plans = documents.plan_posts(sizes.posts, users, demo_ids, rng, now)
    with _Phase(report, "images"):
        report.counts["images"] = documents.attach_images(plans, sizes.images, fake, rng, progress)
    with _Phase(report, "posts"):
        posts = documents.build_posts(plans, fake, rng, progress)
    with _Phase(report, "comments"):
        report.counts["comments"] = documents.add_comments(
            posts, users, sizes.comments, fake, rng, now, progress
        )
    with _Phase(report, "likes"):
        likes = documents.add_likes(posts, users, rng, progress)
    with _Phase(report, "writes"):
        _insert_in_batches(Post._get_collection(), [post.to_mongo() for post in posts], progress)
        _insert_in_batches(Like._get_collection(), likes, progress, batch_size=1000)
    report.counts["posts"] = len(posts)
    report.counts["likes"] = len(likes)
    with _Phase(report, "writes"):
        stats_days.add_days(posts, set(demo_ids.values()), rng, now)

    # Listed when they exist, whether made now or by an earlier run.
    emails = [email for email, _name, _role, _full in DEMO_ACCOUNTS]
    present = set(User.objects(email__in=emails).scalar("email"))
    report.logins = [(email, role) for email, _name, role, _full in DEMO_ACCOUNTS if email in present]
    # Bulk inserts fire no document signals: renew cached pages (a shared cache).
    content_changed()
    return report


def _insert_in_batches(collection, stored, progress, batch_size=200):
    # Batches keep each request well under MongoDB's message size even when
    # posts carry many comments, and give the progress bar something to show.
    with progress("writing", len(stored)) as bar:
        for start in range(0, len(stored), batch_size):
            batch = stored[start : start + batch_size]
            collection.insert_many(batch, ordered=False)
            bar.update(len(batch))


def describe(report):
    """The summary lines printed after a run (never the password hash)."""
    counts = report.counts
    lines = [
        f"created {counts['users']} users, {counts['follows']} follows, {counts['posts']} posts, "
        f"{counts['comments']} comments, {counts['images']} images, {counts['likes']} likes "
        f"in {report.total_seconds:.2f}s",
        "time by phase: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.seconds.items()),
        f"demo logins (password {DEMO_PASSWORD!r}):",
    ]
    lines.extend(f"  {email}  ({role})" for email, role in report.logins)
    return lines
