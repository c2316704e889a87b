"""Run the whole test suite: ``make test`` calls this, and so does CI.

Extra arguments go to pytest (``make test ARGS=-x`` is not needed: run
``.venv/bin/python scripts/run_tests.py -x``).
"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(pytest.main([str(ROOT / "tests"), *sys.argv[1:]]))
