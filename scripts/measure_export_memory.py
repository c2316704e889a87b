"""Peak memory of exporting one large account through ``GET /account/export``.

    python scripts/measure_export_memory.py [--posts 2000] [--images 500] [--kib 1024]

Builds an account with that many posts, the first ``--images`` of them each
linking one stored image of ``--kib`` KiB (random bytes: they do not
compress), then downloads its zip through the route (streamed, read a piece
at a time and thrown away, as a server sends it) and reports the zip's size
and the peak of Python's heap above what it held before the download
(tracemalloc), next to the process's resident peak (VmHWM). The embedded
default holds the database in the same heap; with ``MONGODB_URI`` set the
data lives in that server instead.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(app, posts, images, kib):
    from bson import ObjectId

    from site_app.database import gridfs_for
    from site_app.models import Post, Role, User

    Role.insert_roles()
    writer = User.register(email="big@example.com", username="big", password="big-writer-pw")
    fs = gridfs_for(app)
    for n in range(posts):
        body = f"Post number {n}. " + "Some words of the body. " * 40
        if n < images:
            file_id = ObjectId()
            fs.put(
                os.urandom(kib * 1024),
                _id=file_id,
                filename=f"photo-{n}.jpg",
                metadata={
                    "owner": writer.id,
                    "original_name": f"photo-{n}.jpg",
                    "content_type": "image/jpeg",
                    "kind": "image",
                },
            )
            body += f"\n\n![photo](/files/{file_id})"
        Post.publish(writer, f"Post {n}: a title", body, ["memory"])
    return writer


def rss_peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--kib", type=int, default=1024)
    options = parser.parse_args()

    from site_app import create_app

    app = create_app("testing", {"EXPORT_INLINE_MAX_BYTES": 1 << 40, "DB_OPS_HEADER": False})
    with app.app_context():
        writer = build(app, options.posts, options.images, options.kib)
    client = app.test_client()
    with client.session_transaction() as session:  # signed in as the writer
        session["_user_id"] = writer.get_id()
        session["_fresh"] = True

    rss_before = rss_peak_kib()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/account/export", buffered=False)
    size = sum(len(piece) for piece in response.response)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{options.posts} posts, {options.images} images of {options.kib} KiB: "
        f"zip {size / 2**20:.1f} MiB in {seconds:.1f} s; "
        f"Python heap peak during the export {peak / 2**20:.1f} MiB; "
        f"process resident peak {rss_before / 1024:.0f} MiB before, "
        f"{rss_peak_kib() / 1024:.0f} MiB after"
    )


if __name__ == "__main__":
    main()
