"""What counting a view costs a cached post page (issue 25): req/s of the
same cached page, counted and not counted, in one run.

One gunicorn worker serves the seeded embedded site (``bench_server``, as
``bench.py`` does). Two clients ask for the post page without a session,
so every answer after the first comes from the page cache, in alternating
rounds: a browser's User-Agent (each answer counted: one ``$inc`` upsert of
the post's day document) and a crawler's (the same path up to the count,
crawler check included, then nothing written). Alternating rounds share
the machine's noise; the figures are each variant's requests over its own
wall time, summed over the rounds.

    .venv/bin/python scripts/bench_view_counting.py [--rounds 6 --seconds 5]
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import drive, machine, start_server, stop_server, summarise, wait_until_up

VARIANTS = {
    "counted (a browser)": {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    },
    "not counted (a crawler)": {
        "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    },
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0, help="per variant and round")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--follows", type=int, default=100)
    parser.add_argument("--images", type=int, default=0)
    args = parser.parse_args()
    args.cache = "SimpleCache"

    folder = Path(tempfile.mkdtemp(prefix="bench-views-"))
    ids_file, log_path = folder / "ids.json", folder / "server.log"
    with open(log_path, "w") as log_file:
        server = start_server(args, ids_file, log_file)
        try:
            ids = wait_until_up(server, args.port, ids_file)
            path = f"/post/{ids['post_id']}"
            results = run_rounds(args, path)
        finally:
            stop_server(server)
    print(
        json.dumps(
            {
                "machine": machine(),
                "path": path,
                "comments": ids["post_comments"],
                "rounds": args.rounds,
                "seconds": args.seconds,
                "clients": args.clients,
                "results": results,
            },
            indent=2,
        )
    )


def run_rounds(args, path):
    collected = {name: ([], [], 0.0) for name in VARIANTS}
    names = list(VARIANTS)
    for headers in VARIANTS.values():  # warm: the page kept, the post's writer known
        drive(args.port, path, headers, 1.0, 1)
    for round_ in range(args.rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            samples, failures, wall = drive(args.port, path, VARIANTS[name], args.seconds, args.clients)
            all_samples, all_failures, all_wall = collected[name]
            collected[name] = (all_samples + samples, all_failures + failures, all_wall + wall)
    return [summarise(name, path, *collected[name]) for name in names]


if __name__ == "__main__":
    main()
