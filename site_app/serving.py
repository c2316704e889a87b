"""What the command serving this process was told: ``flask run`` builds the
app before it serves it, so while the factory runs, run's options (or
FLASK_RUN_HOST/PORT) say where it will answer. ``flask demo`` says so itself
(``seed/commands.py``)."""

import click
from flask.helpers import get_debug_flag
from werkzeug.serving import is_running_from_reloader


def flask_run_options():
    """``flask run``'s options while it builds the app, else ``None``."""
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run" or "port" not in context.params:
        return None
    return context.params


def is_reloader_watcher(options):
    """Whether this ``flask run`` process only watches the files and starts
    the one that serves (the reloader, on with ``--debug``)."""
    reload = options.get("reload")
    if reload is None:
        reload = get_debug_flag()
    return bool(reload) and not is_running_from_reloader()
