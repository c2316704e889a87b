"""Seed a real MongoDB server with demo content.

    MONGODB_URI=mongodb://localhost:27017/inkwell python scripts/seed.py --reset --posts 1000

Takes the options of ``flask --app site_app seed`` (``--help`` lists them)
and runs that same command. It refuses to run without ``MONGODB_URI``: the
embedded in-memory database would vanish when the script ends.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NO_DATABASE = (
    "error: MONGODB_URI is not set; point it at your MongoDB server, e.g. "
    "MONGODB_URI=mongodb://localhost:27017/inkwell python scripts/seed.py "
    "(an in-memory database would be lost when this script ends)"
)


def main(argv=None):
    if not os.environ.get("MONGODB_URI"):
        sys.exit(NO_DATABASE)
    sys.path.insert(0, str(ROOT))
    from pymongo.errors import ConnectionFailure

    from site_app import create_app
    from site_app.database import is_embedded
    from site_app.seed.commands import seed_command

    app = create_app(os.environ.get("SITE_CONFIG", "development"))
    if is_embedded(app):
        # The testing config reads TEST_MONGODB_URI, not MONGODB_URI.
        sys.exit(NO_DATABASE)
    with app.app_context():
        try:
            seed_command.main(args=argv, prog_name="scripts/seed.py")
        except ConnectionFailure as exc:
            # pymongo's message lists every host and topology detail; the
            # operator needs to know which setting to check.
            sys.exit(
                f"error: cannot reach the MongoDB server named by MONGODB_URI "
                f"({type(exc).__name__}); is it running and reachable?"
            )


if __name__ == "__main__":
    main()
