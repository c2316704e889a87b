"""The kept apps of the ``app`` fixture (tests/app_pool.py): a test gets an
app that looks new, whatever the test before it did."""

import app_pool
import pytest
from app_pool import AppPool
from helpers import DRIVER_LANE, build_app, close_app

from site_app.extensions import cache
from site_app.models import Post, Role, User

pytestmark = pytest.mark.skipif(not app_pool.ENABLED, reason="TEST_APP_POOL=0: no app is kept")


@pytest.fixture
def pool():
    pool = AppPool(build=lambda settings: build_app(**settings), close=close_app)
    if DRIVER_LANE:
        pool.watch_the_driver()
    yield pool
    pool.close_all()


def _leave_a_post(app):
    with app.app_context():
        writer = User(email="w@example.com", username="w", confirmed=True).save()
        Post.publish(writer, "Left behind", "text")


def test_a_kept_app_comes_back_empty_with_its_roles(pool):
    first = pool.take({})
    _leave_a_post(first)
    pool.give_back(first)
    again = pool.take({})
    assert again is first
    with again.app_context():
        assert User.objects.count() == 0 and Post.objects.count() == 0
        assert sorted(role.name for role in Role.objects) == sorted(Role.ROLES)
    assert again.test_client().get("/").status_code == 200
    pool.give_back(again)


def test_an_app_whose_settings_changed_is_closed_not_kept(pool):
    first = pool.take({})
    first.config["POSTS_PER_PAGE"] = 1
    pool.give_back(first)
    assert first.extensions["site_db"]["closed"]
    again = pool.take({})
    assert again is not first and again.config["POSTS_PER_PAGE"] != 1
    pool.give_back(again)


def test_an_app_given_a_route_is_closed_not_kept(pool):
    first = pool.take({})
    first.add_url_rule("/only-here", "only_here", lambda: "here")
    pool.give_back(first)
    assert first.extensions["site_db"]["closed"]
    assert pool.take({}).test_client().get("/only-here").status_code == 404


def test_an_app_whose_indexes_changed_is_closed_not_kept(pool):
    first = pool.take({})
    with first.app_context():
        Post._get_collection().drop_index("files_1")
    pool.give_back(first)
    assert first.extensions["site_db"]["closed"]
    again = pool.take({})
    with again.app_context():
        assert "files_1" in Post._get_collection().index_information()
    pool.give_back(again)


def test_each_set_of_settings_has_its_own_app_and_a_cleared_cache(pool):
    cached = pool.take({"CACHE_TYPE": "SimpleCache"})
    plain = pool.take({})
    assert cached is not plain and plain.config["CACHE_TYPE"] == "NullCache"
    with cached.app_context():
        cache.set("left", "behind")
    pool.give_back(cached)
    pool.give_back(plain)
    again = pool.take({"CACHE_TYPE": "SimpleCache"})
    assert again is cached
    with again.app_context():
        assert cache.get("left") is None
    pool.give_back(again)
