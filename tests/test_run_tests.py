"""The test runner: which lanes run, and what each lane's process sees."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = runpy.run_path(str(Path(__file__).resolve().parent.parent / "scripts" / "run_tests.py"))


def test_both_lanes_run_unless_one_is_named():
    assert RUNNER["split_lane"](["tests/test_api.py", "-x"]) == (
        ("embedded", "driver"),
        ["tests/test_api.py", "-x"],
    )
    assert RUNNER["split_lane"](["--lane", "driver", "-x"]) == (("driver",), ["-x"])
    with pytest.raises(SystemExit):
        RUNNER["split_lane"](["--lane", "mongo"])


def test_a_server_named_for_the_driver_lane_stays_out_of_the_embedded_lane():
    base = {"TEST_MONGODB_URI": "mongodb://db.example/inkwell_test", "PATH": "/usr/bin"}
    embedded = RUNNER["lane_environment"]("embedded", base)
    driver = RUNNER["lane_environment"]("driver", base)
    assert "TEST_MONGODB_URI" not in embedded and "INKWELL_TEST_LANE" not in embedded
    assert driver["TEST_MONGODB_URI"] == "mongodb://db.example/inkwell_test"
    assert driver["INKWELL_TEST_LANE"] == "driver"
    assert embedded["COVERAGE_FILE"] != driver["COVERAGE_FILE"]


def test_the_driver_lane_leaves_the_browser_journeys_to_the_embedded_lane():
    embedded = RUNNER["lane_command"]("embedded", ["tests"], ["-x"])
    driver = RUNNER["lane_command"]("driver", ["tests"], ["-x"])
    assert not any(arg.startswith("--ignore") for arg in embedded)
    assert any(arg.startswith("--ignore") and arg.endswith("browser") for arg in driver)
    assert embedded[-1] == driver[-1] == "-x"  # the caller's arguments come last, and win


def test_coverage_is_measured_on_the_embedded_lane_only():
    embedded = RUNNER["lane_command"]("embedded", ["tests"], [])
    driver = RUNNER["lane_command"]("driver", ["tests"], [])
    assert "--cov=site_app" in embedded and "--cov-branch" in embedded
    assert not any(arg.startswith("--cov") for arg in driver)


def test_each_lane_spreads_over_the_cores_unless_told(monkeypatch):
    def workers(command):
        return command[command.index("-n") + 1]

    monkeypatch.setenv("TEST_WORKERS_PER_LANE", "3")
    assert workers(RUNNER["lane_command"]("driver", ["tests"], [])) == "3"
    monkeypatch.delenv("TEST_WORKERS_PER_LANE")
    assert workers(RUNNER["lane_command"]("embedded", ["tests"], [])) == str(os.cpu_count() or 1)


def test_make_test_runs_the_slow_tier_that_plain_pytest_leaves_out():
    command = RUNNER["lane_command"]("embedded", ["tests"], [])
    chosen = command[command.index("-m", command.index("pytest")) + 1]
    assert chosen == "not soak"
    assert "not slow" in (Path(__file__).resolve().parent.parent / "pytest.ini").read_text()


def collected_by_pytest(*args):
    """What ``pytest --collect-only -q ARGS`` lists, run from the root as a
    newcomer would (pytest.ini's options included)."""
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120).stdout


def test_plain_pytest_leaves_out_a_module_that_starts_real_services():
    listed = collected_by_pytest("tests/test_shared_stores.py", "tests/test_run_tests.py")
    assert "test_run_tests.py::test_both_lanes_run_unless_one_is_named" in listed
    assert "test_shared_stores.py::" not in listed
    assert "deselected" in listed


def test_make_test_hands_out_the_longest_modules_first(pytestconfig):
    """The module that mostly sleeps (RQ's lease) starts at once, the slow
    tier next, the short modules last, where they fill both cores to the end.
    xdist would re-sort the modules by their number of tests: pytest.ini
    tells it not to (it once put RQ's 115 s sleep in the last two minutes)."""
    listed = collected_by_pytest("-m", "not soak", "-n", "0")
    modules = list(dict.fromkeys(line.split("::")[0] for line in listed.splitlines() if "::" in line))
    assert modules[0] == "tests/test_jobs_rq.py"
    last_slow = max(modules.index(name) for name in modules if name.startswith("tests/browser/"))
    assert modules.index("tests/test_api.py") > last_slow
    assert pytestconfig.option.loadscopereorder is False
