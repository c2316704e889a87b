"""``/api/docs``: the OpenAPI document rendered for people, from local
assets only (the page fetches ``/api/v1/openapi.json`` and draws it)."""

from flask import render_template, url_for

from . import api_docs


@api_docs.get("/api/docs")
def docs_page():
    return render_template("api/docs.html", spec_url=url_for("api.openapi_json"))
