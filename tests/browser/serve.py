"""Serve the site for the browser tests: a real server process on one port.

``python tests/browser/serve.py PORT '{"CONFIG": "overrides"}'``

The site runs with the ``development`` configuration (CSRF on, mail written
to the log because ``MAIL_SERVER`` is unset) on the embedded database, with
the JSON overrides applied through ``create_app``. The test fixture reads the
log to follow the links of the emails the site sends.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from site_app import create_app  # noqa: E402


def main():
    port = int(sys.argv[1])
    overrides = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    app = create_app("development", overrides)
    app.run(host="127.0.0.1", port=port, threaded=True, use_reloader=False, debug=False)


if __name__ == "__main__":
    main()
