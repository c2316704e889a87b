"""URL builders are compiled once per process, shared by every app, and a
rule that bakes a default into its builder keeps its own."""

import route_cache
from flask import Flask, url_for
from werkzeug.routing import Map, Rule


def _bound(path, **options):
    rule = Rule(path, **options)
    Map([rule])
    return rule


def test_identical_rules_in_two_apps_share_their_builders(make_app):
    first, second = make_app(), make_app()
    rule_of = {
        app: next(r for r in app.url_map.iter_rules() if r.endpoint == "posts.post")
        for app in (first, second)
    }
    assert rule_of[first]._build.__func__ is rule_of[second]._build.__func__
    assert rule_of[first]._build_unknown.__func__ is rule_of[second]._build_unknown.__func__


def test_a_shared_builder_builds_each_rules_own_url():
    one, other = _bound("/user/<username>"), _bound("/user/<username>")
    assert one.build({"username": "ann"}) == ("", "/user/ann")
    assert other.build({"username": "bob", "page": 2}) == ("", "/user/bob?page=2")
    assert one._build.__func__ is other._build.__func__


def test_different_rules_get_different_builders():
    one, other = _bound("/user/<username>"), _bound("/tag/<username>")
    assert other.build({"username": "x"}) == ("", "/tag/x")
    assert one._build.__func__ is not other._build.__func__


def test_a_default_for_a_rules_own_variable_is_compiled_into_its_builder():
    first = _bound("/page/<int:page>", defaults={"page": 1})
    second = _bound("/page/<int:page>", defaults={"page": 2})
    assert first.build({}) == ("", "/page/1")
    assert second.build({}) == ("", "/page/2")


def test_the_suite_shares_builders_and_urls_still_come_out_right():
    assert Rule._compile_builder is route_cache._shared_builder
    app = Flask(__name__)
    app.add_url_rule("/a/<int:n>", "a", lambda n: "")
    with app.test_request_context():
        assert url_for("a", n=3, q="x y") == "/a/3?q=x+y"
