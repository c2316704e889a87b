"""The wiring map: ARCHITECTURE.md's "Who listens" table is what is
connected. Each row names a signal (with its sender, for MongoEngine's
signals of one document class) and its listeners; the app built by
``create_app`` must have exactly those receivers from ``site_app``, and
importing every module of ``site_app`` without building an app must
connect none."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import flask_login.signals
import mongoengine
import mongoengine.signals
from blinker import Signal

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
ROW = re.compile(r"^\| (?P<write>[^|]+) \| (?P<signal>[^|]+) \| (?P<listeners>[^|]+) \|$")
NAMED = re.compile(r"`([^`]+)`")


def documented_wiring(text=None):
    """``{(signal, sender or None, listener)}`` from the table's rows."""
    text = ARCHITECTURE.read_text() if text is None else text
    section = text.split("## Who listens", 1)[1].split("\n## ", 1)[0]
    wiring = set()
    for line in section.splitlines():
        row = ROW.match(line.strip())
        if row is None or row["write"] in ("write", "---"):
            continue
        names = NAMED.findall(row["signal"])
        signal, sender = names[0], (names[1] if len(names) > 1 else None)
        wiring.update((signal, sender, listener) for listener in NAMED.findall(row["listeners"]))
    return wiring


def watched_signals():
    """``{name: signal}``: the site's own (any blinker signal a ``site_app``
    module holds), MongoEngine's document signals and Flask-Login's."""
    found = {}
    homes = [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith("site_app") and module is not None
    ]
    homes += [mongoengine.signals, flask_login.signals]
    for module in homes:
        for name, value in vars(module).items():
            if isinstance(value, Signal):
                found.setdefault(name, value)
    return found


def _document_classes(cls=mongoengine.Document):
    for sub in cls.__subclasses__():
        yield sub
        yield from _document_classes(sub)


def _listener_name(receiver):
    if hasattr(receiver, "__self__"):  # a class's method: Revision.forget_post
        module, name = receiver.__self__.__module__, receiver.__qualname__
    else:
        module, name = receiver.__module__, receiver.__qualname__
    return f"{module.removeprefix('site_app.')}.{name}" if module.startswith("site_app") else None


def connected_wiring():
    """``{(signal, sender or None, listener)}`` of the ``site_app``
    receivers connected now, through blinker's public ``receivers_for``:
    a receiver for any sender shows for a sender nobody names."""
    wiring = set()
    for name, signal in watched_signals().items():
        for_anyone = set(map(_listener_name, signal.receivers_for(object())))
        wiring.update((name, None, listener) for listener in for_anyone if listener)
        for document in _document_classes():
            for receiver in signal.receivers_for(document):
                listener = _listener_name(receiver)
                if listener and listener not in for_anyone:
                    wiring.add((name, document.__name__, listener))
    return wiring


def _rows(wiring):
    return "\n".join(
        f"  {signal}{f' of {sender}' if sender else ''} -> {listener}"
        for signal, sender, listener in sorted(wiring, key=str)
    )


def test_the_table_names_every_receiver_the_app_connects(app):
    documented, connected = documented_wiring(), connected_wiring()
    missing, extra = connected - documented, documented - connected
    assert not missing, f"connected but not in ARCHITECTURE.md's Who listens:\n{_rows(missing)}"
    assert not extra, f"in ARCHITECTURE.md's Who listens but not connected:\n{_rows(extra)}"


def test_the_table_reading_sees_each_listener_of_a_row():
    table = textwrap.dedent("""\
        ## Who listens
        | write | signal | listeners |
        | --- | --- | --- |
        | `post.delete()` | `post_delete` of `Post` | `content_cache.gone` (why), `media.free` |
        | a like | `post_liked` | `notifications.on_like` |
        ## Next
        | `x` | `y` | `z` |
        """)
    assert documented_wiring(table) == {
        ("post_delete", "Post", "content_cache.gone"),
        ("post_delete", "Post", "media.free"),
        ("post_liked", None, "notifications.on_like"),
    }


def test_a_receiver_connected_outside_the_table_is_named(app):
    from site_app.models.signals import post_liked

    def stray(sender, **_):
        pass

    stray.__module__ = "site_app.somewhere"
    post_liked.connect(stray)
    try:
        assert (
            "post_liked",
            None,
            "somewhere.test_a_receiver_connected_outside_the_table_is_named.<locals>.stray",
        ) in connected_wiring() - documented_wiring()
    finally:
        post_liked.disconnect(stray)


def test_importing_every_module_connects_nothing():
    """In a fresh interpreter: every ``site_app`` module imported, no app
    built, and not one ``site_app`` receiver on any watched signal."""
    script = textwrap.dedent("""\
        import importlib, pkgutil, sys
        sys.path[:0] = [%r, %r]
        import site_app
        for module in pkgutil.walk_packages(site_app.__path__, "site_app."):
            importlib.import_module(module.name)
        import test_wiring
        print(sorted(test_wiring.connected_wiring()))
        """) % (str(ROOT), str(ROOT / "tests"))
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", f"connected on import: {run.stdout}"
