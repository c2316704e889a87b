"""Requests per second with Redis up, hung (SIGSTOP) and down (killed), and
Redis's memory after 20,000 requests for invented addresses, on the
production shape (scripts/bench_shape.py: 3 gunicorn workers, Redis, the
MongoDB stand-in through pymongo).

    .venv/bin/python scripts/bench_redis_faults.py [--seconds 5] [--clients 4] [--junk 20000]

Anonymous readers alternate between the home page and the busiest post
(pages the page cache keeps). Prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import os
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import drive, percentile, wait_until_up
from bench_shape import ProductionShape


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--follows", type=int, default=200)
    parser.add_argument("--images", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--junk", type=int, default=20000)
    parser.add_argument("--cache", default="RedisCache")
    return parser.parse_args(argv)


def measure(args, name, paths):
    samples, errors, wall = drive(args.port, paths, {}, args.seconds, args.clients)
    latencies = [s[0] for s in samples]
    statuses = sorted({s[1] for s in samples})
    # Time in the app outside database calls: where waiting for Redis would show.
    outside = [server - db for _, _, _, db, server, _ in samples]
    hits = sum(1 for sample in samples if sample[5] == "hit")
    row = {
        "state": name,
        "requests": len(samples),
        "rps": round(len(samples) / wall, 1),
        "p50": round(percentile(latencies, 0.5), 1),
        "p99": round(percentile(latencies, 0.99), 1),
        "max": round(max(latencies), 1),
        "statuses": statuses,
        "errors": len(errors),
        "outside_p50": round(percentile(outside, 0.5), 1),
        "outside_max": round(max(outside), 1),
        "hits": round(100 * hits / len(samples)),
    }
    print(row, file=sys.stderr)
    return row


def junk_requests(args, count):
    import http.client

    def send(numbers):
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        statuses = []
        for number in numbers:
            path = f"/?utm_source=n{number}" if number % 2 else f"/tag/junk{number}"
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        connection.close()
        return statuses

    chunks = [range(start, count, args.clients) for start in range(args.clients)]
    with ThreadPoolExecutor(args.clients) as pool:
        return [status for statuses in pool.map(send, chunks) for status in statuses]


def used_memory(client):
    return client.info("memory")["used_memory"]


def main(argv=None):
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    log_file = open(folder / "server.log", "ab")
    shape = ProductionShape(args, folder / "ids.json", log_file)
    rows = []
    try:
        ids = wait_until_up(shape.server, args.port, folder / "ids.json")
        # Pages the stand-in renders quickly when not cached (a tag or a
        # profile costs it seconds: BENCHMARKS.md, "Production shape").
        paths = ["/", f"/post/{ids['post_id']}"]
        rows.append(measure(args, "Redis up", paths))
        os.kill(shape.redis.pid, signal.SIGSTOP)
        try:
            rows.append(measure(args, "Redis hung (SIGSTOP)", paths))
        finally:
            os.kill(shape.redis.pid, signal.SIGCONT)
        shape.redis.kill()
        shape.redis.wait()
        rows.append(measure(args, "Redis down (killed)", paths))
        shape.start_redis()
        time.sleep(3)  # every worker's probe finds it again
        rows.append(measure(args, "Redis back", paths))
        client = redis.Redis(port=shape.redis_port)
        before, keys_before = used_memory(client), client.dbsize()
        statuses = junk_requests(args, args.junk)
        after, keys_after = used_memory(client), client.dbsize()
        print(
            "\n| Redis | requests/s | p50 ms | p99 ms | max ms | app ms outside the database, "
            "p50 / max | cache hits | statuses | errors |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
        )
        for row in rows:
            print(
                f"| {row['state']} | {row['rps']} | {row['p50']} | {row['p99']} | {row['max']} "
                f"| {row['outside_p50']} / {row['outside_max']} | {row['hits']}% "
                f"| {', '.join(map(str, row['statuses']))} | {row['errors']} |"
            )
        print(
            f"\n{args.junk:,} junk requests (half `/?utm_source=N`, half `/tag/junkN`), "
            f"statuses {sorted(set(statuses))}: Redis used_memory {before / 1e6:.2f} MB -> "
            f"{after / 1e6:.2f} MB, keys in the cache's db {keys_before} -> {keys_after}"
        )
    finally:
        shape.stop()
        log_file.close()


if __name__ == "__main__":
    main()
