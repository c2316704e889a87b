"""What a site served by a child process of the suite inherits."""

import os

import flask.cli
from helpers import child_site_environment


def test_a_cli_test_run_before_leaves_child_sites_able_to_serve(app, monkeypatch):
    # Flask's command group sets FLASK_RUN_FROM_CLI for the rest of the
    # process (test_public_address drives it); a site started afterwards by
    # app.run() refused to serve: 19 browser journeys failed when a worker
    # had run such a test first.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")  # put back as it was after the test
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    monkeypatch.setenv("MONGODB_URI", "mongodb://elsewhere/site")
    flask.cli.FlaskGroup(create_app=lambda: app).main(args=["routes"], standalone_mode=False)
    assert os.environ["FLASK_RUN_FROM_CLI"] == "true"
    env = child_site_environment("SITE_URL")
    assert "FLASK_RUN_FROM_CLI" not in env
    assert "MONGODB_URI" not in env and "SITE_URL" not in env
