"""Serve the site with writing made at known instants, for the date journeys.

``python tests/browser/serve_dated.py PORT '{"CONFIG": "overrides"}'``

As serve.py, after writing, through the models, a writer (``tui``, a member
since 13:30 UTC, which is the next day in Auckland), a reader (``mere``),
posts, comments and notifications dated hours to years back, and the post
``Harbour at dawn`` made at 13:30 UTC three days ago.
"""

import json
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from site_app import create_app  # noqa: E402
from site_app.models import Notification, Post, Role, User  # noqa: E402
from site_app.models.users import utcnow  # noqa: E402

PASSWORD = "a long browser password"
MEMBER_SINCE = utcnow().replace(year=2025, month=3, day=14, hour=13, minute=30, second=0, microsecond=0)
# Posts' ages: whole hours or more, so a page read a second after the
# server wrote it still says what the server said.
AGES = {
    "Harbour at dawn": None,
    "Tide tables": timedelta(hours=5),
    "Net mending": timedelta(days=4),
    "Winter moorings": timedelta(days=40),
    "The old pier": timedelta(days=400),
    "Gulls, a census": timedelta(days=1000),
}


def _at_half_past_one(days_ago):
    day = utcnow() - timedelta(days=days_ago)
    return day.replace(hour=13, minute=30, second=0, microsecond=0)


def _member(username, since):
    user = User.register(
        email=f"{username}@example.com", username=username, password=PASSWORD, name=username.title()
    )
    user.role = Role.named("User")
    user.confirmed = True
    user.member_since = since
    user.last_seen = utcnow() - timedelta(hours=3)
    user.save()
    return user


def write_dated_content():
    writer = _member("tui", MEMBER_SINCE)
    reader = _member("mere", utcnow() - timedelta(days=200))
    for title, age in AGES.items():
        when = _at_half_past_one(3) if age is None else utcnow() - age
        post = Post.publish(writer, title, f"Notes on {title.lower()}.", "harbours")
        Post.objects(id=post.id).update_one(set__timestamp=when)
        if age is None:
            post.add_comment(reader, "Lovely light that morning.")
            post.add_comment(writer, "Thank you, @mere.")
            comments = Post._get_collection().find_one({"_id": post.id})["comments"]
            for n, comment in enumerate(comments):
                Post._get_collection().update_one(
                    {"_id": post.id, "comments.id": comment["id"]},
                    {"$set": {"comments.$.timestamp": utcnow() - timedelta(hours=2 + 20 * n)}},
                )
    Notification.objects(recipient=writer.id).update(set__created=utcnow() - timedelta(hours=7))
    Notification.objects(recipient=reader.id).update(set__created=utcnow() - timedelta(days=2))


def main():
    port = int(sys.argv[1])
    overrides = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    app = create_app("development", overrides)
    with app.app_context():
        write_dated_content()
    app.run(host="127.0.0.1", port=port, threaded=True, use_reloader=False, debug=False)


if __name__ == "__main__":
    main()
