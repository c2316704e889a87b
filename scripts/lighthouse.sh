#!/usr/bin/env bash
# Lighthouse (mobile, simulated slow 4G) on five pages of a local demo site:
# home, a post, a profile, write (signed in as the demo writer) and login;
# and the home page in Spanish and in Arabic (right to left).
# Prints one table of medians over RUNS runs a page (BENCHMARKS.md keeps it).
#
#   scripts/lighthouse.sh                 # starts `make run`'s demo on a free port
#   scripts/lighthouse.sh http://host:5000  # or measures a site already running
#
# Needs Node and Lighthouse: LIGHTHOUSE names its command (default
# `npx --yes lighthouse@12`); CHROME_PATH names Chromium (/usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
LIGHTHOUSE=${LIGHTHOUSE:-npx --yes lighthouse@12}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PYTHON=${PYTHON:-.venv/bin/python}
OUT=$(mktemp -d)
SERVER_PID=

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$OUT"
}
trap cleanup EXIT

if [ $# -ge 1 ]; then
  BASE=${1%/}
else
  PORT=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BASE=http://127.0.0.1:$PORT
  .venv/bin/flask --app site_app demo --host 127.0.0.1 --port "$PORT" \
    >"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 120); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
fi

# A post and a profile from the home page; the demo writer's session cookie.
HOME_HTML=$(curl -fs "$BASE/")
POST=$(grep -oE '/post/[0-9a-f]{24}' <<<"$HOME_HTML" | head -1)
JAR="$OUT/cookies"
TOKEN=$(curl -fs -c "$JAR" "$BASE/auth/login" | grep -oE 'name="csrf_token" type="hidden" value="[^"]+"' \
        | sed 's/.*value="//; s/"$//')
curl -fs -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf_token=$TOKEN" \
     --data-urlencode "email=demo@example.com" --data-urlencode "password=demo-password" \
     "$BASE/auth/login"
SESSION=$(awk '$6 == "session" {print $7}' "$JAR")
HEADERS="{\"Cookie\": \"session=$SESSION\"}"

measure() {  # name path [extra headers]
  for run in $(seq "$RUNS"); do
    $LIGHTHOUSE "$BASE$2" --quiet --output=json --output-path="$OUT/$1.$run.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
      ${3:+--extra-headers="$3"} >/dev/null 2>&1 || echo "lighthouse failed on $1 (run $run)" >&2
  done
}

measure home /
measure post "$POST"
measure profile /user/demo
measure write /write "$HEADERS"
measure login /auth/login
# The home page in Spanish (complete) and Arabic (partial, right to left).
measure home-es "/?lang=es"
measure home-ar "/?lang=ar"

"$PYTHON" - "$OUT" <<'EOF'
import json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])
print("| page | performance | accessibility | best practices | SEO | LCP | transfer |")
print("|---|---:|---:|---:|---:|---:|---:|")
for page in ("home", "post", "profile", "write", "login", "home-es", "home-ar"):
    reports = [json.loads(p.read_text()) for p in sorted(out.glob(f"{page}.*.json"))]
    if not reports:
        print(f"| {page} | failed | | | | | |")
        continue
    def median(get):
        return statistics.median(get(r) for r in reports)
    score = lambda c: median(lambda r: round(100 * (r["categories"][c]["score"] or 0)))
    lcp = median(lambda r: r["audits"]["largest-contentful-paint"]["numericValue"]) / 1000
    kib = median(lambda r: r["audits"]["total-byte-weight"]["numericValue"]) / 1024
    landed = {r["finalDisplayedUrl"].split("/", 3)[-1] for r in reports}
    note = f" (landed on /{landed.pop()})" if page == "write" and landed != {"write"} else ""
    print(f"| {page}{note} | {score('performance'):.0f} | {score('accessibility'):.0f} | "
          f"{score('best-practices'):.0f} | {score('seo'):.0f} | {lcp:.1f} s | {kib:.0f} KiB |")
EOF
