"""Run the whole test suite: ``make test`` calls this, and so does CI.

Extra arguments go to pytest; a path among them narrows the run to it
(``.venv/bin/python scripts/run_tests.py tests/browser -x``).
"""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    args = sys.argv[1:]
    targets = [] if any(os.path.exists(arg.split("::")[0]) for arg in args) else [str(ROOT / "tests")]
    sys.exit(pytest.main([*targets, *args]))
