"""What the browser tests share besides fixtures: the server handle, the
watcher of browser problems, screenshots and the axe-core check."""

import itertools
import os
import re
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# Every run saves its screenshots under build/screenshots (not tracked), so a
# test run leaves the work tree clean; `make screenshots` refreshes the
# committed set in docs/screenshots that the README links to.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "build" / "screenshots")
AXE_JS = HERE / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The SITE_ADMIN of the test server: registering it makes an Administrator.
ADMIN_EMAIL = "chief@example.com"
PASSWORD = "a long browser password"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
_journeys = itertools.count(1)


def own(name):
    """``name`` made unique on the session's one server (``name-2``, ...):
    each journey registers its own writer and post, so none depends on, or
    shows, another journey's."""
    return f"{name}-{next(_journeys)}"


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


class LiveSite:
    """The running server: its address and what it wrote to its log."""

    def __init__(self, url, log_path, process):
        self.url = url
        self.log_path = log_path
        self.process = process

    def log(self):
        return self.log_path.read_text(errors="replace")

    def emailed_link(self, path_prefix, after=0, timeout=10):
        """The newest link under ``path_prefix`` (e.g. ``/auth/confirm/``) in
        an email the site logged after byte ``after`` of its log."""
        pattern = re.compile(re.escape(self.url + path_prefix) + r"[A-Za-z0-9_.\-]+")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.findall(self.log()[after:])
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(
            f"no email with a {path_prefix} link in the server log; its end:\n" + self.log()[-3000:]
        )

    def log_size(self):
        return len(self.log())


class PageWatch:
    """What went wrong in the browser while a journey ran."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.problems = []
        self.expected = []  # (url substring, status) pairs a journey asks for
        self.checked = False

    def expect_status(self, url_part, status):
        """Allow one known error response (e.g. a 404 the journey visits)."""
        self.expected.append((url_part, status))

    def _expected(self, url, status):
        return any(part in url and status == code for part, code in self.expected)

    def attach(self, context, page):
        context.expose_binding("__reportCspViolation", self._csp_violation)
        context.add_init_script("""
            document.addEventListener('securitypolicyviolation', function (e) {
              window.__reportCspViolation(e.violatedDirective + ' blocked ' +
                (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
            });
        """)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _csp_violation(self, source, text):
        self.problems.append(f"CSP violation on {source['page'].url}: {text}")

    def _console(self, message):
        if message.text.startswith("Failed to load resource: the server responded"):
            return  # the response listener has judged that status already
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} ({message.location})")

    def _request_failed(self, request):
        failure = request.failure or ""
        # Cancelled because the page navigated on (a click before the favicon
        # arrived): not a broken asset. A missing one answers 404, seen above.
        if "ERR_ABORTED" in failure:
            return
        self.problems.append(f"request failed: {request.method} {request.url} {failure}")

    def _response(self, response):
        if response.status >= 400 and not self._expected(response.url, response.status):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")
        elif not response.url.startswith(self.base_url) and not response.url.startswith("data:"):
            self.problems.append(f"request left the site: {response.url}")

    def assert_clean(self):
        self.checked = True
        problems, self.problems = self.problems, []
        assert not problems, "the browser reported:\n" + "\n".join(problems)


def screenshot(page, name, full_page=False):
    """Save ``<SCREENSHOTS>/<name>.png`` (the viewport unless full_page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled", caret="hide"
    )


def check_accessibility(page, label):
    """Run axe-core on the page as it is; fail on serious or critical issues.

    ``page.evaluate`` runs in the page through the DevTools protocol, which
    the site's CSP does not govern, so the site's policy stays as it is.
    It waits for the page's own scripts first: a table can be visible while
    the parser still waits on the scripts below it (the admin's row labels
    come from one), and axe would judge a page the reader never sees."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    others = [v for v in result if v not in serious]
    print(f"axe ({label}): {len(serious)} serious/critical, {len(others)} minor/moderate")
    for violation in others:
        print(f"axe ({label}) {violation['impact']}: {violation['id']}: {violation['help']}")
    assert not serious, f"axe found serious accessibility problems on {label}:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in serious
    )
    return result
