"""URL builders shared by every app the test suite builds.

Werkzeug compiles two small Python functions for each URL rule when the
rule is added to an app (``Rule.compile``: one builds the rule's URL, the
other appends unknown arguments as a query string), by generating an AST and
compiling it. A server does that once per process; the suite builds an app
for each test, and compiling the same ~175 rules again was three quarters of
``create_app``'s time (35 of 50 ms, ~200 s of CPU over ``make test``).

A builder depends only on the rule's parsed parts (``Rule._trace``: its
static text and the names of its variables), the names of its defaults and
which of the two it is; it reaches the rule's converters through its first
argument at call time. So the same function serves every rule with the same
parts. A rule with a default for one of its own variables bakes that value
into its builder (converted by the rule's converter), so it is compiled as
Werkzeug does. ``test_private_reaches.py`` names ``_compile_builder`` and
``_trace`` if a Werkzeug release drops them.
"""

from werkzeug.routing import Rule

_builders = {}
_compile_builder = Rule._compile_builder


def _shared_builder(rule, append_unknown=True):
    defaults = rule.defaults or {}
    trace = tuple(rule._trace)
    if any(dynamic and name in defaults for dynamic, name in trace):
        return _compile_builder(rule, append_unknown)
    key = (trace, tuple(defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:  # setdefault: one builder a key, threads or not
        builder = _builders.setdefault(key, _compile_builder(rule, append_unknown))
    return builder


def share_url_builders():
    """Every URL rule compiled from now on in this process reuses the
    builder of an identical rule compiled before."""
    Rule._compile_builder = _shared_builder
