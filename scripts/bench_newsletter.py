"""Time to mail one post to 10,000 subscribers, on the embedded default and
through the MongoDB stand-in (the real pymongo driver over the wire).

    .venv/bin/python scripts/bench_newsletter.py [--subscribers 10000] [--batch 1000]

What is timed: ``Post.publish`` of one post whose writer has N active
subscribers, with every batch of the send (``site_app/subscriptions/
sending.py``) run back to back (``JOBS_RUN_AT_ONCE``): for each subscriber a
claim (an insert under the unique index), the mail rendered (text and HTML)
and handed to Flask-Mail. Flask-Mail does not open an
SMTP connection (``MAIL_SUPPRESS_SEND``), so the mail server's own time is
not in the figure; the minute between batches (``MAIL_RATE_PER_MINUTE``) is
not either: at a rate R the send takes at least N / R minutes whatever this
figure is. Each run checks that every subscriber got exactly one mail.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from flask_mail import email_dispatched  # noqa: E402
from helpers import close_database  # noqa: E402

from site_app import create_app  # noqa: E402
from site_app.models import Post, Role, User  # noqa: E402
from site_app.models.subscriptions import Delivery, Subscription  # noqa: E402


def run(label, overrides, subscribers):
    app = create_app("testing", overrides)
    sent = []

    def record(_app, message, **_extra):
        sent.append(message.recipients[0])

    email_dispatched.connect(record, app)
    try:
        with app.app_context():
            Role.insert_roles()
            writer = User.register(
                email="writer@example.com", username="writer", password="correct horse battery"
            )
            writer.confirmed = True
            writer.save()
            for start in range(0, subscribers, 500):  # (each insert within the op timeout)
                Subscription._get_collection().insert_many(
                    [
                        {"writer": writer.id, "email": f"reader{n}@example.com", "active": True}
                        for n in range(start, min(start + 500, subscribers))
                    ]
                )
            started = time.perf_counter()
            post = Post.publish(writer, "The newsletter", "One paragraph. " * 60)
            seconds = time.perf_counter() - started
            delivered = Delivery.objects(post=post.id).count()
    finally:
        email_dispatched.disconnect(record, app)
        close_database(app)
    assert len(sent) == len(set(sent)) == subscribers == delivered, (len(sent), delivered)
    print(f"| {label} | {subscribers:,} | {seconds:.1f} s | {subscribers / seconds:,.0f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000, help="MAIL_RATE_PER_MINUTE")
    parser.add_argument("--backend", choices=["both", "embedded", "standin"], default="both")
    args = parser.parse_args(argv)
    # The stand-in checks a unique index by scanning: a generous op timeout.
    common = {
        "MAIL_RATE_PER_MINUTE": args.batch,
        "SITE_URL": "https://blog.example",
        "MONGODB_TIMEOUT_MS": 600_000,
    }
    print("| backend | subscribers | time to send one post | mails/s |")
    print("| --- | --- | --- | --- |")
    if args.backend in ("both", "embedded"):
        run("embedded default (mongomock)", common, args.subscribers)
    if args.backend == "embedded":
        return
    from mongo_standin import StandIn

    with StandIn.start() as standin:
        run(
            "stand-in (pymongo over the wire)",
            {**common, "MONGODB_URI": f"{standin.uri}/bench_newsletter"},
            args.subscribers,
        )


if __name__ == "__main__":
    main()
