"""The API fuzzed from its own OpenAPI document (schemathesis, in-process
through the WSGI app), signed in as a real confirmed user: whatever it is
sent, it never answers 5xx and every answer matches the document.

Path ids are drawn both at random and from real posts, comments and users,
so the fuzzer reaches the success paths (reads, edits, comments, deletes),
not only the 404s. The app is built in a module fixture, never at import:
schemathesis loads the schema from it when the test runs and reports each
operation as a subtest.
"""

import copy
import os

import pytest
import schemathesis
from helpers import DRIVER_LANE, basic_auth, build_app, close_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from site_app import tokens
from site_app.models import Post, User

# `make test` runs the same cases every time (derandomized: Hypothesis
# draws them from a seed fixed by the test's name, and keeps no example
# database), so a failure there replays on any machine with the same code.
# About 1,600 cases over the API's 25 operations on the embedded lane.
# FUZZ_DEEP=1 runs a deeper, random search instead (FUZZ_EXAMPLES cases per
# operation, 400 by default); a failure prints schemathesis's curl line and
# Hypothesis's @reproduce_failure blob, which replay it.
# The driver lane sends a quarter of the cases: the same validation runs on
# both lanes, and what only the driver adds (every value encoded to BSON on
# its way to a server) shows in the first cases of each operation.
DEEP = os.environ.get("FUZZ_DEEP") == "1"
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "400")) if DEEP else 10 if DRIVER_LANE else 40
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=not DEEP,
    print_blob=DEEP,
    **({} if DEEP else {"database": None}),
    # Named: the autouse fixture below is function-scoped by design (it
    # only renames the node), and a WSGI call per case is slower than
    # Hypothesis's budget for a pure function.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

CASES_RUN = {}  # operation -> cases sent, for the report at the end
STATUSES = {}


def _real_ids(schema_dict, ids):
    """A copy of the document whose path ids are a real id or any string."""
    document = copy.deepcopy(schema_dict)
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                known = ids.get(parameter["name"])
                if parameter["in"] == "path" and known:
                    parameter["schema"] = {"anyOf": [{"enum": known}, {"type": "string"}]}
    return document


@pytest.fixture(scope="module")
def fuzz_target():
    """An app with content, its document (real ids added) and the auth
    header of its confirmed writer, built once for the module and its
    database dropped after it."""
    app = build_app()
    with app.app_context():
        writer = User(email="fuzz@example.com", username="fuzz", confirmed=True)
        writer.password = "fuzz password"
        writer.save()
        other = User(email="other@example.com", username="other", confirmed=True).save()
        writer.follow(other)
        mine = Post.publish(writer, "Mine", "*text*", tags=["fuzz"])
        theirs = Post.publish(other, "Theirs", "text")
        comment = theirs.add_comment(writer, "a comment")
        ids = {
            "post_id": [str(mine.id), str(theirs.id)],
            "comment_id": [str(comment.id)],
            "user_id": [str(writer.id), str(other.id)],
        }
        document = app.test_client().get("/api/v1/openapi.json").get_json()
        headers = basic_auth(writer.generate_token(tokens.API))
    yield app, _real_ids(document, ids), headers
    close_app(app)


@pytest.fixture(scope="module")
def api_schema(fuzz_target):
    """The schema schemathesis fuzzes, called in-process through WSGI.
    Loaded from a fixture (``from_fixture`` below), so no app is built
    when the module is imported or collected."""
    app, document, _headers = fuzz_target
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    return schema


@pytest.fixture(scope="module")
def auth_headers(fuzz_target):
    return fuzz_target[2]


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request):
    # schemathesis 4.32's fixture loader names each operation's subtest by
    # rewriting ``request.node._nodeid``, which pytest 9.2 replaced (the id
    # is ``nodeid`` now): give it the string it expects. Remove when
    # schemathesis reads ``nodeid``.
    request.node._nodeid = request.node.nodeid


@pytest.fixture(scope="module", autouse=True)
def report_cases(request):
    yield
    total = sum(CASES_RUN.values())
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and total:
        operations = len(CASES_RUN) - ("wrong method" in CASES_RUN)
        answers = ", ".join(f"{count} {status}" for status, count in sorted(STATUSES.items()))
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nAPI fuzz: {total} cases over {operations} operations "
                f"({CASES_RUN.get('wrong method', 0)} with a wrong method); "
                f"answers: {answers}"
            )


@schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_survives_whatever_it_is_sent(case, auth_headers):
    if case.operation.path != "/openapi.json":
        case.headers = {**(case.headers or {}), **auth_headers}
    # Schemathesis asks for gzip but its WSGI transport does not unpack the
    # body; compression has its own tests (test_static_assets.py).
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call_and_validate(checks=CHECKS)
    documented = case.method.lower() == case.operation.method.lower()
    label = f"{case.method.upper()} {case.operation.path}" if documented else "wrong method"
    CASES_RUN[label] = CASES_RUN.get(label, 0) + 1
    STATUSES[f"{response.status_code // 100}xx"] = STATUSES.get(f"{response.status_code // 100}xx", 0) + 1
