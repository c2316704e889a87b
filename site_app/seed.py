"""Realistic demo data: ``flask --app site_app seed`` and the ``make run`` demo.

Documents are built as plain dicts shaped exactly like the MongoEngine
documents (``_id``, references as ObjectIds, comments embedded with their own
``id``) and written with ``insert_many`` in batches: one ``save()`` per
document validates, dereferences and round-trips each time, which takes
minutes for thousands of posts. Bodies still go through the one Markdown
renderer (``site_app.markup``), so seeded posts look exactly like written ones.

Every fake account shares the demo password. It is hashed once: hashing is
deliberately slow, and thousands of hashes would dominate the run.
"""
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

import bson
import click
from bson import ObjectId
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash

from .content_cache import content_changed
from .database import is_embedded
from .markup import excerpt, render_comment, render_markdown
from .models import Post, Role, User, normalise_tags, utcnow

DEMO_PASSWORD = "demo-password"
# (email, username, role): the logins printed after every seed run.
DEMO_ACCOUNTS = (
    ("demo@example.com", "demo", "User"),
    ("moderator@example.com", "moderator", "Moderator"),
    ("admin@example.com", "admin", "Administrator"),
)

# Topics a small developer-and-hobbies blog community writes about. Mixed case
# and spacing on purpose: they go through ``normalise_tags`` like user input.
TAG_VOCABULARY = (
    "Python", "Flask", "MongoDB", "JavaScript", "TypeScript", "Rust", "Go", "Linux",
    "DevOps", "Docker", "Kubernetes", "Testing", "Security", "Performance", "Databases",
    "Web Development", "Open Source", "Machine Learning", "Data Science", "Career",
    "Remote Work", "Productivity", "Design", "UX", "Accessibility", "Writing", "Books",
    "Photography", "Travel", "Cooking", "Coffee", "Hiking", "Music", "Gardening", "Cycling",
)
TITLE_TEMPLATES = (
    "What I learned from a year of {topic}",
    "A gentle introduction to {topic}",
    "{n} things I wish I knew about {topic}",
    "Notes on {topic}",
    "Why I keep coming back to {topic}",
    "{topic}: a practical checklist",
    "Getting started with {topic} on a budget",
    "The quiet joy of {topic}",
    "How we use {topic} at work",
    "Is {topic} worth it in {year}?",
)
CODE_SNIPPETS = (
    ("python", 'def slugify(title):\n    """Lower-case words joined by dashes."""\n'
               '    return "-".join(title.lower().split())\n\nprint(slugify("Hello World"))'),
    ("python", "from collections import Counter\n\nwords = open('post.md').read().split()\n"
               "for word, count in Counter(words).most_common(5):\n    print(f'{word}: {count}')"),
    ("javascript", "const posts = await fetch('/api/v1/posts/')\n  .then((r) => r.json());\n"
                   "console.log(posts.count);"),
    ("bash", "python -m venv .venv\nsource .venv/bin/activate\npip install -r requirements.txt"),
    ("sql", "SELECT author, COUNT(*) AS posts\nFROM posts\nGROUP BY author\nORDER BY posts DESC;"),
    ("go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, world")\n}'),
)
COMMENT_OPENERS = (
    "Great write-up!", "Thanks for sharing.", "I disagree a little here.", "This matches my experience.",
    "Bookmarked.", "Interesting take.", "Nice one!", "Hmm, not sure about this.", "Very helpful, thank you.",
    "Could you expand on the second point?",
)
_USERNAME_RE = re.compile(r"[^a-z0-9_.]+")


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


# What ``make run`` shows: enough to page through, quick to build at start.
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


class _SilentProgress:
    def __init__(self, label, length):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, steps):
        pass


def click_progress(label, length):
    """A progress bar on stderr, so stdout keeps only the summary."""
    return click.progressbar(length=length, label=label.ljust(9), file=sys.stderr,
                             show_pos=True, show_eta=False)


# -- the whole run --------------------------------------------------------------
def reset_database():
    """Empty users, posts, roles and GridFS, then recreate the roles.

    ``delete_many`` rather than ``drop`` so the indexes ``flask deploy``
    built on a real server stay in place.
    """
    database = User._get_collection().database
    for name in (User._get_collection().name, Post._get_collection().name,
                 Role._get_collection().name, "fs.files", "fs.chunks"):
        database[name].delete_many({})
    Role.insert_roles()


def seed_database(sizes, rng_seed=None, progress=_SilentProgress):
    """Create fake users, follows, images, posts and comments in the current
    app's database; returns a :class:`SeedReport`.

    The same ``rng_seed`` gives the same names, texts and shapes (ids and
    dates are relative to now, so they differ).
    """
    rng = random.Random(rng_seed)
    fake = _faker(rng_seed)
    now = utcnow()
    report = SeedReport()
    Role.insert_roles()
    role_ids = {role.name: role.id for role in Role.objects}

    with _Phase(report, "users"):
        password_hash = generate_password_hash(DEMO_PASSWORD)
        users, demo_ids = _build_users(sizes.users, fake, rng, now, role_ids, password_hash, progress)
    with _Phase(report, "follows"):
        report.counts["follows"] = _add_follows(users, demo_ids.get("demo"),
                                                sizes.follow_target(), rng, progress)
    with _Phase(report, "users"):
        if users:
            User._get_collection().insert_many(users, ordered=False)
    report.counts["users"] = len(users)

    with _Phase(report, "posts"):
        plans = _plan_posts(sizes.posts, users, demo_ids, rng, now)
    with _Phase(report, "images"):
        report.counts["images"] = _attach_images(plans, sizes.images, fake, rng, progress)
    with _Phase(report, "posts"):
        posts = _build_posts(plans, fake, rng, progress)
    with _Phase(report, "comments"):
        report.counts["comments"] = _add_comments(posts, users, sizes.comments, fake, rng, now,
                                                  progress)
    with _Phase(report, "writes"):
        _insert_in_batches(Post._get_collection(), posts, progress)
    report.counts["posts"] = len(posts)

    # Listed when they exist, whether made now or by an earlier run.
    present = set(User.objects(email__in=[email for email, _name, _role in DEMO_ACCOUNTS])
                  .scalar("email"))
    report.logins = [(email, role) for email, _name, role in DEMO_ACCOUNTS if email in present]
    # Raw inserts fire no document signals: renew cached pages (a shared cache).
    content_changed()
    return report


def _faker(rng_seed):
    from faker import Faker

    fake = Faker("en_US")
    if rng_seed is not None:
        fake.seed_instance(rng_seed)
    return fake


def _insert_in_batches(collection, documents, progress, batch_size=200):
    # Batches keep each request well under MongoDB's message size even when
    # posts carry many comments, and give the progress bar something to show.
    with progress("writing", len(documents)) as bar:
        for start in range(0, len(documents), batch_size):
            batch = documents[start:start + batch_size]
            collection.insert_many(batch, ordered=False)
            bar.update(len(batch))


def _random_time(rng, start, end, skew=1.0):
    """A moment between ``start`` and ``end``; ``skew`` > 1 leans early.
    Millisecond precision, as BSON stores it."""
    moment = start + (end - start) * (rng.random() ** skew)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# -- users and follows ----------------------------------------------------------
def _existing_accounts():
    collection = User._get_collection()
    emails, keys = set(), set()
    for row in collection.find({}, {"email": 1, "username_key": 1}):
        emails.add(row.get("email"))
        keys.add(row.get("username_key"))
    return emails, keys


def _build_users(count, fake, rng, now, role_ids, password_hash, progress):
    """User documents: the demo logins first (unless they exist already),
    then fake members. Returns ``(documents, {demo username: id})``."""
    taken_emails, taken_keys = _existing_accounts()
    users, demo_ids = [], {}
    # Everyone joined more than a year ago, so every post (past year) and
    # comment comes after its author's member_since.
    joined_from, joined_to = now - timedelta(days=4 * 365), now - timedelta(days=370)
    moderators_left = max(1, count // 25)
    with progress("users", count) as bar:
        for email, username, role in DEMO_ACCOUNTS:
            if len(users) >= count or email in taken_emails or username in taken_keys:
                continue
            name = {"demo": "Demo Reader", "moderator": "Morgan Moderator",
                    "admin": "Ada Admin"}[username]
            user = _user_document(fake, rng, now, joined_from, joined_to, email, username, name,
                                  role_ids[role], password_hash)
            demo_ids[username] = user["_id"]
            users.append(user)
            taken_emails.add(email)
            taken_keys.add(username)
            bar.update(1)
        while len(users) < count:
            name = fake.name()
            username = _unique_username(name, rng, taken_keys)
            email = f"{username}@{fake.free_email_domain()}"
            if email in taken_emails:
                continue
            role = "User"
            if moderators_left and rng.random() < 0.1:
                role, moderators_left = "Moderator", moderators_left - 1
            users.append(_user_document(fake, rng, now, joined_from, joined_to, email, username,
                                        name, role_ids[role], password_hash))
            taken_emails.add(email)
            taken_keys.add(username)
            bar.update(1)
    return users, demo_ids


def _user_document(fake, rng, now, joined_from, joined_to, email, username, name, role_id,
                   password_hash):
    member_since = _random_time(rng, joined_from, joined_to)
    return {
        "_id": ObjectId(),
        "email": email,
        "username": username,
        "username_key": username.lower(),
        "password_hash": password_hash,
        "confirmed": True,
        "disabled": False,
        "auth_version": 0,
        "role": role_id,
        "name": name[:64],
        "location": f"{fake.city()}, {fake.country()}"[:64],
        "about_me": " ".join(fake.paragraphs(nb=rng.randint(1, 2)))[:2000],
        "member_since": member_since,
        "last_seen": _random_time(rng, now - timedelta(days=30), now),
        "following": [],
    }


def _unique_username(name, rng, taken_keys):
    """``jane.doe``, ``jane_doe42``...: letters first, then letters, digits,
    dots and underscores, as the registration form accepts."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in _USERNAME_RE.sub(" ", ascii_name.lower()).split()
             if w not in {"mr.", "mrs.", "ms.", "dr.", "md", "phd", "dds", "dvm", "jr.", "ii", "iii"}]
    words = [w.strip(".") for w in words if w.strip(".")] or ["reader"]
    base = rng.choice([".", "_", ""]).join(words[:2])
    if not base[0].isalpha():
        base = "user" + base
    candidate = base[:40]
    while candidate in taken_keys:
        candidate = f"{base[:40]}{rng.randint(1, 9999)}"
    return candidate


def _add_follows(users, demo_id, target, rng, progress):
    """Fill ``following`` lists with ``target`` distinct relations (never
    oneself). A few members are followed by many, as in any community."""
    if len(users) < 2 or target <= 0:
        return 0
    ids = [user["_id"] for user in users]
    index_of = {user_id: i for i, user_id in enumerate(ids)}
    following = [set() for _ in users]
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(ids))]
    rng.shuffle(popularity)
    made = 0
    with progress("follows", target) as bar:
        if demo_id is not None:
            # The demo login's "Followed" tab must have something to show.
            demo = index_of[demo_id]
            others = [i for i in range(len(ids)) if i != demo]
            for i in rng.sample(others, min(len(others), 8, target)):
                following[demo].add(i)
                made += 1
                bar.update(1)
        if target - made > len(ids) * (len(ids) - 1) // 2:
            # Dense graphs: draw from every free pair instead of retrying.
            free = [(a, b) for a in range(len(ids)) for b in range(len(ids))
                    if a != b and b not in following[a]]
            for a, b in rng.sample(free, target - made):
                following[a].add(b)
            bar.update(target - made)
            made = target
        while made < target:
            follower = rng.randrange(len(ids))
            followee = rng.choices(range(len(ids)), weights=popularity)[0]
            if followee == follower or followee in following[follower]:
                continue
            following[follower].add(followee)
            made += 1
            bar.update(1)
    for user, followed in zip(users, following):
        user["following"] = [ids[i] for i in sorted(followed)]
    return made


# -- posts, images, comments ----------------------------------------------------
@dataclass
class _PostPlan:
    author_id: ObjectId
    timestamp: object
    tags: list
    images: list = field(default_factory=list)  # (file id, url, alt text)


def _plan_posts(count, users, demo_ids, rng, now):
    """Who writes what, and when: a few prolific writers, most write little;
    the demo login writes a handful so its profile is not empty."""
    if not users or count <= 0:
        return []
    writers = [user["_id"] for user in users]
    weights = [rng.paretovariate(1.3) for _ in writers]
    authors = []
    demo_id = demo_ids.get("demo")
    if demo_id is not None:
        authors.extend([demo_id] * min(count, 5))
    authors.extend(rng.choices(writers, weights=weights, k=count - len(authors)))
    plans = []
    for author_id in authors:
        tags = normalise_tags(rng.sample(TAG_VOCABULARY, rng.randint(0, 5)))
        plans.append(_PostPlan(author_id, _random_time(rng, now - timedelta(days=365), now), tags))
    plans.sort(key=lambda plan: plan.timestamp)
    return plans


def _attach_images(plans, count, fake, rng, progress):
    """Generate ``count`` pictures, store each as an upload of the author of
    the post it goes into, and give it to that post. Returns how many were
    stored.

    They go through the media storage like any upload, so seeded pictures
    get the same metadata, re-encoding and thumbnails as uploaded ones.
    """
    from .media.storage import store_upload

    if not plans or count <= 0:
        return 0
    chosen = [rng.randrange(len(plans)) for _ in range(count)]
    # store_upload answers with the file's URL (url_for), which needs a
    # request; a command line run has none, so one for the site root stands
    # in, on SITE_URL (production answers no other host).
    site_root = current_app.test_request_context("/", base_url=current_app.config["SITE_URL"])
    with site_root, progress("images", count) as bar:
        for number, plan_index in enumerate(chosen, 1):
            plan = plans[plan_index]
            data, content_type, extension = _picture(rng, number)
            alt = fake.sentence(nb_words=4).rstrip(".")
            upload = FileStorage(BytesIO(data), content_type=content_type,
                                 filename=f"{'-'.join(alt.lower().split())}.{extension}")
            stored = store_upload(upload, plan.author_id)
            plan.images.append((ObjectId(stored["id"]), stored["url"], alt))
            bar.update(1)
    return count


def _picture(rng, number):
    """A small abstract picture: a two-colour gradient with a few shapes.
    Alternates PNG and JPEG so both paths of the file server get exercised."""
    from PIL import Image, ImageDraw, ImageOps

    width, height = rng.choice([(640, 400), (800, 450), (600, 600), (480, 640)])
    start, end = _colour(rng), _colour(rng)
    gradient = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270]))
    picture = ImageOps.colorize(gradient.resize((width, height)), start, end)
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(3, 9)):
        x, y = rng.randrange(width), rng.randrange(height)
        size = rng.randint(min(width, height) // 12, min(width, height) // 3)
        box = [x - size, y - size, x + size, y + size]
        shape = rng.choice(["ellipse", "rectangle", "triangle"])
        if shape == "ellipse":
            draw.ellipse(box, fill=_colour(rng))
        elif shape == "rectangle":
            draw.rectangle(box, fill=_colour(rng))
        else:
            draw.polygon([(x, y - size), (x - size, y + size), (x + size, y + size)],
                         fill=_colour(rng))
    buffer = BytesIO()
    if number % 2:
        picture.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "image/png", "png"
    picture.save(buffer, "JPEG", quality=82)
    return buffer.getvalue(), "image/jpeg", "jpg"


def _colour(rng):
    return tuple(rng.randrange(256) for _ in range(3))


def _build_posts(plans, fake, rng, progress):
    posts = []
    with progress("posts", len(plans)) as bar:
        for plan in plans:
            topic = plan.tags[0].title() if plan.tags else rng.choice(TAG_VOCABULARY)
            title = rng.choice(TITLE_TEMPLATES).format(
                topic=topic, n=rng.randint(3, 12), year=plan.timestamp.year)
            body = _post_body(fake, rng, plan.images)
            body_html = render_markdown(body)
            posts.append({
                "_id": ObjectId(),
                "title": title,
                "body": body,
                "body_html": body_html,
                "excerpt": excerpt(body_html),
                "tags": plan.tags,
                "timestamp": plan.timestamp,
                "author": plan.author_id,
                "comments": [],
                "comment_count": 0,
                "comment_bytes": 0,
                "files": [file_id for file_id, _url, _alt in plan.images],
            })
            posts[-1]["post_bytes"] = len(bson.encode(posts[-1]))  # as Post.own_bytes
            bar.update(1)
    return posts


def _post_body(fake, rng, images):
    """Markdown as people write it: an intro, a few sections with lists,
    links, code, quotes, sometimes a table, and the post's pictures."""
    parts = [_paragraph(fake, rng)]
    blocks = [_bullet_list, _numbered_list, _code_block, _quote, _link_paragraph]
    for _ in range(rng.randint(1, 3)):
        parts.append("## " + fake.sentence(nb_words=rng.randint(2, 5)).rstrip("."))
        parts.append(_paragraph(fake, rng))
        parts.append(rng.choice(blocks)(fake, rng))
        if rng.random() < 0.12:
            parts.append(_table(fake, rng))
    for _file_id, url, alt in images:
        parts.insert(rng.randint(1, len(parts)), f"![{alt}]({url})")
    parts.append(_paragraph(fake, rng))
    return "\n\n".join(parts)


def _paragraph(fake, rng):
    sentences = fake.sentences(nb=rng.randint(2, 5))
    decorate = rng.random()
    if decorate < 0.2:
        sentences[0] = f"**{sentences[0]}**"
    elif decorate < 0.35:
        sentences[-1] = f"*{sentences[-1]}*"
    elif decorate < 0.5:
        sentences.insert(1, f"Try `{fake.word()}_{fake.word()}()` for that.")
    return " ".join(sentences)


def _bullet_list(fake, rng):
    return "\n".join(f"- {fake.sentence(nb_words=rng.randint(3, 8))}"
                     for _ in range(rng.randint(2, 5)))


def _numbered_list(fake, rng):
    return "\n".join(f"{i}. {fake.sentence(nb_words=rng.randint(3, 8))}"
                     for i in range(1, rng.randint(3, 6)))


def _code_block(fake, rng):
    language, code = rng.choice(CODE_SNIPPETS)
    return f"```{language}\n{code}\n```"


def _quote(fake, rng):
    return "> " + fake.sentence(nb_words=rng.randint(8, 16))


def _link_paragraph(fake, rng):
    words = fake.words(nb=rng.randint(2, 4))
    return (f"{fake.sentence()} See [{' '.join(words)}](https://{fake.domain_name()}/"
            f"{'-'.join(words)}) for the details.")


def _table(fake, rng):
    rows = ["| Tool | Version | Verdict |", "| --- | ---: | --- |"]
    for _ in range(rng.randint(2, 4)):
        rows.append(f"| {fake.word().title()} | {rng.randint(1, 9)}.{rng.randint(0, 20)} "
                    f"| {fake.sentence(nb_words=3).rstrip('.')} |")
    return "\n".join(rows)


def _add_comments(posts, users, total, fake, rng, now, progress):
    """Spread ``total`` comments over the posts (a few threads get busy,
    many stay quiet), each after its post, oldest first as they were added.
    Returns how many were made."""
    if not posts or not users or total <= 0:
        return 0
    limit = current_app.config["MAX_COMMENTS_PER_POST"]
    total = min(total, limit * len(posts))
    per_post = _spread(total, len(posts), limit, rng)
    commenters = [(user["_id"], user["username"]) for user in users]
    with progress("comments", total) as bar:
        for post, count in zip(posts, per_post):
            if not count:
                continue
            times = sorted(_random_time(rng, post["timestamp"], now, skew=3)
                           for _ in range(count))
            comments = []
            for timestamp in times:
                author_id, _username = rng.choice(commenters)
                body = _comment_body(fake, rng, comments, commenters)
                comments.append({
                    "id": ObjectId(),
                    "body": body,
                    "body_html": render_comment(body),
                    "timestamp": timestamp,
                    "author": author_id,
                    # A few hidden ones give moderators something to review.
                    "disabled": rng.random() < 0.03,
                })
            post["comments"] = comments
            post["comment_count"] = len(comments)
            post["comment_bytes"] = sum(len(bson.encode(c)) for c in comments)
            post["last_comment_at"] = comments[-1]["timestamp"] if comments else None
            bar.update(count)
    return total


def _spread(total, buckets, limit, rng):
    weights = [rng.paretovariate(1.5) for _ in range(buckets)]
    counts = [0] * buckets
    overflow = 0
    for index in rng.choices(range(buckets), weights=weights, k=total):
        if counts[index] < limit:
            counts[index] += 1
        else:
            overflow += 1
    index = 0
    while overflow:
        if counts[index] < limit:
            counts[index] += 1
            overflow -= 1
        index = (index + 1) % buckets
    return counts


def _comment_body(fake, rng, earlier, commenters):
    roll = rng.random()
    if earlier and roll < 0.15:
        _author_id, username = rng.choice(commenters)
        return f"@{username} {fake.sentence()} {fake.sentence()}"
    if roll < 0.25:
        return f"{rng.choice(COMMENT_OPENERS)} Have you tried `{fake.word()}`? {fake.sentence()}"
    if roll < 0.3:
        return f"{fake.sentence()}\n\n> {fake.sentence()}\n\n**{fake.sentence(nb_words=3)}**"
    return f"{rng.choice(COMMENT_OPENERS)} {fake.paragraph(nb_sentences=rng.randint(1, 4))}"


# -- reporting ------------------------------------------------------------------
def describe(report):
    """The summary lines printed after a run (never the password hash)."""
    counts = report.counts
    lines = [
        f"created {counts['users']} users, {counts['follows']} follows, {counts['posts']} posts, "
        f"{counts['comments']} comments, {counts['images']} images "
        f"in {report.total_seconds:.2f}s",
        "time by phase: " + ", ".join(f"{name} {seconds:.2f}s"
                                      for name, seconds in report.seconds.items()),
        f"demo logins (password {DEMO_PASSWORD!r}):",
    ]
    lines.extend(f"  {email}  ({role})" for email, role in report.logins)
    return lines


# -- the command ----------------------------------------------------------------
@click.command("seed")
@click.option("--users", default=SeedSizes.users, show_default=True, type=click.IntRange(min=0),
              help="Accounts to create, the three demo logins included.")
@click.option("--posts", default=SeedSizes.posts, show_default=True, type=click.IntRange(min=0),
              help="Posts to create.")
@click.option("--comments", default=SeedSizes.comments, show_default=True,
              type=click.IntRange(min=0), help="Comments spread over the new posts.")
@click.option("--follows", default=None, type=click.IntRange(min=0),
              help="Follow relations between the new users  [default: 6 per user]")
@click.option("--images", default=SeedSizes.images, show_default=True,
              type=click.IntRange(min=0), help="Generated pictures embedded in posts.")
@click.option("--reset", is_flag=True,
              help="Empty users, posts, roles and GridFS files first.")
@click.option("--seed", "rng_seed", type=int, default=None,
              help="Random seed, for the same names and texts on every run.")
@with_appcontext
def seed_command(users, posts, comments, follows, images, reset, rng_seed):
    """Fill the database with fake users, posts, comments, follows and images."""
    app = current_app._get_current_object()
    if is_embedded(app) and not app.testing:
        click.echo("warning: MONGODB_URI is not set, so this fills the embedded in-memory "
                   "database, which is gone when this command ends. Use `make run` for a "
                   "demo, or set MONGODB_URI.", err=True)
    if reset:
        reset_database()
        click.echo("emptied users, posts, roles and GridFS files", err=True)
    sizes = SeedSizes(users=users, posts=posts, comments=comments, follows=follows, images=images)
    report = seed_database(sizes, rng_seed=rng_seed, progress=click_progress)
    for line in describe(report):
        click.echo(line)


# -- `make run` -----------------------------------------------------------------
def seed_on_start(app):
    """Load the demo set when ``SEED_ON_START`` is on, the backend is the
    embedded one and it is empty; then say where to look and how to log in."""
    if not is_embedded(app):
        app.logger.info("SEED_ON_START only seeds the embedded database; "
                        "run `flask --app site_app seed` for MONGODB_URI")
        return
    if _is_reloader_watcher(app):
        return
    with app.app_context():
        if User.objects.count():
            return
        report = seed_database(DEMO_SIZES, rng_seed=2024)
    app.logger.info("demo content for %s: %s", _served_url(), "; ".join(describe(report)[:2]))
    # Printed as well as logged: this is what a newcomer looks for after
    # `make run`, and it must not drown among the log lines.
    click.echo("\n".join([
        "",
        f"  Inkwell demo: {_served_url()}",
        f"  log in as demo@example.com / {DEMO_PASSWORD}",
        "  (moderator@example.com and admin@example.com have the same password)",
        "",
    ]), err=True)


def _served_url():
    """Where ``flask run`` will listen: its --host/--port (or FLASK_RUN_HOST
    and FLASK_RUN_PORT), else the address `make run` uses."""
    host = os.environ.get("FLASK_RUN_HOST", "127.0.0.1")
    port = os.environ.get("FLASK_RUN_PORT", "5000")
    arguments = _flask_run_arguments() or []
    for argument, value in zip(arguments, arguments[1:] + [""]):
        if argument in ("--host", "-h"):
            host = value
        elif argument in ("--port", "-p"):
            port = value
        elif argument.startswith("--host="):
            host = argument.split("=", 1)[1]
        elif argument.startswith("--port="):
            port = argument.split("=", 1)[1]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _is_reloader_watcher(app):
    # With the reloader on (debug, or `flask run --reload`), the first
    # process only watches files and starts the serving child; seeding it
    # would double the start time and print the logins twice.
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return False
    arguments = _flask_run_arguments()
    if arguments is None or "--no-reload" in arguments:
        return False
    return "--reload" in arguments or "--debug" in sys.argv or app.debug


def _flask_run_arguments():
    """The options after ``run`` when this process is ``flask ... run``,
    else ``None``. The app is built before ``run`` parses them, so they are
    read from the command line."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program not in ("flask", "__main__.py") or "run" not in sys.argv[1:]:
        return None
    return sys.argv[sys.argv.index("run") + 1:]
