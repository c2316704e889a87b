"""The home page and the health check."""
from flask import current_app, jsonify, render_template

from ..database import ping
from ..extensions import csrf, limiter
from . import main


@main.route("/")
def index():
    return render_template("index.html")


@main.route("/healthz")
@csrf.exempt
@limiter.exempt
def healthz():
    if ping(current_app):
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503
