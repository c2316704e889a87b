"""What the command serving this process was told: ``flask run`` builds the
app before it serves it, so while the factory runs, run's options (or
FLASK_RUN_HOST/PORT) say where it will answer. ``flask demo`` says so itself
(``seed/commands.py``)."""
import click


def flask_run_options():
    """``flask run``'s options while it builds the app, else ``None``."""
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run" or "port" not in context.params:
        return None
    return context.params
