"""The demo's documents, built through the models (``Model(...).to_mongo()``)
so they have exactly the shape the site writes, then inserted in bulk: one
``save()`` a document validates, dereferences and round-trips each time,
which takes minutes for thousands of posts. Bodies go through the models'
Markdown rendering, so seeded posts look exactly like written ones.

Every fake account shares the demo password. It is hashed once: hashing is
deliberately slow, and thousands of hashes would dominate the run.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from bson import ObjectId
from flask import current_app
from werkzeug.datastructures import FileStorage

from ..markup import mentioned_names, render_comment
from ..models import Comment, Post, User, normalise_tags
from ..models.mentions import Mentions
from ..models.sizes import comment_bytes
from . import fake_text
from .pictures import picture

DEMO_PASSWORD = "demo-password"
# (email, username, role, name): the logins printed after every seed run.
DEMO_ACCOUNTS = (
    ("demo@example.com", "demo", "User", "Demo Reader"),
    ("moderator@example.com", "moderator", "Moderator", "Morgan Moderator"),
    ("admin@example.com", "admin", "Administrator", "Ada Admin"),
)


def random_time(rng, start, end, skew=1.0):
    """A moment between ``start`` and ``end``; ``skew`` > 1 leans early, < 1 late.
    Millisecond precision, as BSON stores it."""
    moment = start + (end - start) * (rng.random() ** skew)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# -- users and follows ----------------------------------------------------------
def build_users(count, fake, rng, now, role_ids, password_hash, progress):
    """User documents: the demo logins first (unless they exist already),
    then fake members. Returns ``(documents, {demo username: id})``."""
    taken_emails, taken_keys = _existing_accounts()
    users, demo_ids = [], {}
    # Everyone joined more than a year ago, so every post (past year) and
    # comment comes after its author's member_since.
    joined = (now - timedelta(days=4 * 365), now - timedelta(days=370))

    def add(email, username, name, role):
        users.append(
            _user_document(fake, rng, now, joined, email, username, name, role_ids[role], password_hash)
        )
        taken_emails.add(email)
        taken_keys.add(username)
        bar.update(1)
        return users[-1]["_id"]

    moderators_left = max(1, count // 25)
    with progress("users", count) as bar:
        for email, username, role, name in DEMO_ACCOUNTS:
            if len(users) < count and email not in taken_emails and username not in taken_keys:
                demo_ids[username] = add(email, username, name, role)
        while len(users) < count:
            name = fake.name()
            username = fake_text.unique_username(name, rng, taken_keys)
            email = f"{username}@{fake.free_email_domain()}"
            if email in taken_emails:
                continue
            role = "User"
            if moderators_left and rng.random() < 0.1:
                role, moderators_left = "Moderator", moderators_left - 1
            add(email, username, name, role)
    return users, demo_ids


def _existing_accounts():
    emails, keys = set(), set()
    for row in User._get_collection().find({}, {"email": 1, "username_key": 1}):
        emails.add(row.get("email"))
        keys.add(row.get("username_key"))
    return emails, keys


def _user_document(fake, rng, now, joined, email, username, name, role_id, password_hash):
    return User(
        id=ObjectId(),
        email=email,
        username=username,
        username_key=username.lower(),
        password_hash=password_hash,
        confirmed=True,
        role=role_id,
        name=name[:64],
        location=f"{fake.city()}, {fake.country()}"[:64],
        about_me=" ".join(fake.paragraphs(nb=rng.randint(1, 2)))[:2000],
        member_since=random_time(rng, *joined),
        last_seen=random_time(rng, now - timedelta(days=30), now),
        following=[],
    ).to_mongo()


def add_follows(users, demo_id, target, rng, progress):
    """Fill ``following`` lists with ``target`` distinct relations (never
    oneself). A few members are followed by many, as in any community."""
    if len(users) < 2 or target <= 0:
        return 0
    ids = [user["_id"] for user in users]
    following = [set() for _ in users]
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(ids))]
    rng.shuffle(popularity)
    made = 0
    with progress("follows", target) as bar:
        if demo_id is not None:
            # The demo login's "Followed" tab must have something to show.
            demo = ids.index(demo_id)
            others = [i for i in range(len(ids)) if i != demo]
            for i in rng.sample(others, min(len(others), 8, target)):
                following[demo].add(i)
                made += 1
                bar.update(1)
        if target - made > len(ids) * (len(ids) - 1) // 2:
            # Dense graphs: draw from every free pair instead of retrying.
            free = [
                (a, b) for a in range(len(ids)) for b in range(len(ids)) if a != b and b not in following[a]
            ]
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
    followers = Counter(i for followed in following for i in followed)
    for number, (user, followed) in enumerate(zip(users, following)):
        user["following"] = [ids[i] for i in sorted(followed)]
        user["following_total"] = len(followed)  # as User.follow keeps them
        user["followers_total"] = followers[number]
    return made


# -- posts, images, comments ----------------------------------------------------
@dataclass
class PostPlan:
    author_id: ObjectId
    timestamp: object
    tags: list
    images: list = field(default_factory=list)  # (file id, url, alt text)


def plan_posts(count, users, demo_ids, rng, now):
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
    # A living site writes more lately than a year ago (skew < 1 leans
    # late): spread evenly, 150 posts left ~2 in the newest week, and
    # Explore's "Trending this week" had nothing to show.
    plans = [
        PostPlan(
            author_id,
            random_time(rng, now - timedelta(days=365), now, skew=0.5),
            normalise_tags(rng.sample(fake_text.TAG_VOCABULARY, rng.randint(0, 5))),
        )
        for author_id in authors
    ]
    plans.sort(key=lambda plan: plan.timestamp)
    return plans


def attach_images(plans, count, fake, rng, progress):
    """Draw ``count`` pictures, store each as an upload of the author of the
    post it goes into, and give it to that post. Returns how many were stored.

    They go through the media storage like any upload, so seeded pictures
    get the same metadata, re-encoding and thumbnails as uploaded ones.
    """
    from ..media.storage import store_upload

    if not plans or count <= 0:
        return 0
    chosen = [rng.randrange(len(plans)) for _ in range(count)]
    with progress("images", count) as bar:
        for number, plan_index in enumerate(chosen, 1):
            plan = plans[plan_index]
            data, content_type, extension = picture(rng, number)
            alt = fake.sentence(nb_words=4).rstrip(".")
            upload = FileStorage(
                BytesIO(data),
                content_type=content_type,
                filename=f"{'-'.join(alt.lower().split())}.{extension}",
            )
            stored = store_upload(upload, plan.author_id)
            plan.images.append((ObjectId(stored["id"]), _file_url(stored["id"]), alt))
            bar.update(1)
    return count


def _file_url(file_id):
    # A command has no request to build URLs against; the URL map builds the
    # path all the same (a body holds the path, never a host).
    return current_app.url_map.bind("localhost").build("media.serve_file", {"file_id": file_id})


def build_posts(plans, fake, rng, progress):
    """``Post`` documents (not saved) for the plans, without comments yet."""
    posts = []
    with progress("posts", len(plans)) as bar:
        for plan in plans:
            post = Post(
                id=ObjectId(),
                title=fake_text.post_title(rng, plan.tags, plan.timestamp),
                body=fake_text.post_body(fake, rng, [(url, alt) for _id, url, alt in plan.images]),
                tags=plan.tags,
                timestamp=plan.timestamp,
                author=plan.author_id,
                files=[file_id for file_id, _url, _alt in plan.images],
            )
            post.render()
            post.post_bytes = post.own_bytes()  # as Post.publish stores it
            posts.append(post)
            bar.update(1)
    return posts


def add_comments(posts, users, total, fake, rng, now, progress):
    """Spread ``total`` comments over the posts (a few threads get busy,
    many stay quiet), each after its post, oldest first as they were added.
    Returns how many were made."""
    if not posts or not users or total <= 0:
        return 0
    limit = current_app.config["MAX_COMMENTS_PER_POST"]
    total = min(total, limit * len(posts))
    author_ids = [user["_id"] for user in users]
    usernames = [user["username"] for user in users]
    name_ids = {user["username"]: user["_id"] for user in users}
    with progress("comments", total) as bar:
        for post, count in zip(posts, _spread(total, len(posts), limit, rng)):
            if not count:
                continue
            times = sorted(random_time(rng, post.timestamp, now, skew=3) for _ in range(count))
            comments = []
            for timestamp in times:
                author_id = rng.choice(author_ids)
                body = fake_text.comment_body(fake, rng, bool(comments), usernames)
                # "@name ..." answers someone: a reply in one of the threads so far.
                threads = [c.id for c in comments if not c.parent]
                parent = rng.choice(threads) if body.startswith("@") and threads else None
                links = Mentions(
                    (name, name_ids[name]) for name in mentioned_names(body) if name in name_ids
                ).links()
                comments.append(
                    Comment(
                        body=body,
                        body_html=render_comment(body, links),
                        timestamp=timestamp,
                        author=author_id,
                        parent=parent,
                        # A few hidden ones give moderators something to review.
                        disabled=rng.random() < 0.03,
                    )
                )
            post.comments = comments
            post.comment_count = len(comments)
            post.reply_count = sum(1 for c in comments if c.parent)
            post.comment_bytes = comment_bytes(c.to_mongo() for c in comments)
            post.last_comment_at = comments[-1].timestamp
            bar.update(count)
    return total


def add_likes(posts, users, rng, progress):
    """Like documents for the posts (a few popular, most with a handful),
    each liker once a post and after the post was written; sets each post's
    ``like_count`` to match, as ``Like.add`` keeps it."""
    user_ids = [user["_id"] for user in users]
    likes = []
    with progress("likes", len(posts)) as bar:
        for post in posts:
            wanted = min(len(user_ids), int(rng.paretovariate(1.2)) - 1)
            for user_id in rng.sample(user_ids, wanted):
                likes.append(
                    {"_id": ObjectId(), "post": post.id, "user": user_id, "timestamp": post.timestamp}
                )
            post.like_count = wanted
            bar.update(1)
    return likes


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
