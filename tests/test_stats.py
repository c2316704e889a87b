"""A writer's stats: views of each post counted per day, the page cache's
answers included, crawlers and the writer's own visits left out; ``/stats``
shows views, likes and comments of the last 30 days, a chart and its table."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from helpers import signed_in_client

from site_app import view_counting
from site_app.models import Like, Post, User, utcnow
from site_app.models.post_days import KEEP_DAYS, PostDay, day_of
from site_app.seed import DEMO_PASSWORD

# The in-process page cache on (testing turns it off), as in production.
pytestmark = pytest.mark.app_config(CACHE_TYPE="SimpleCache")

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}


class _Tables(HTMLParser):
    """The cells' text of each row of the tables with an id, as a person reads them."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "id" in attrs:
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def tables(html):
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def stats_page(client):
    response = client.get("/stats")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_rows(client):
    """``{title: [views, likes, comments]}`` as /stats lists them."""
    rows = tables(stats_page(client)).get("post-numbers", [])
    return {row[0]: [int(n) for n in row[1:]] for row in rows[1:]}


@pytest.fixture
def writer(make_user):
    return make_user("writer")


@pytest.fixture
def post(writer):
    return Post.publish(writer, "Lamp post", "About a **lamp**", "lamp")


@pytest.fixture
def writer_browser(app, writer):
    return signed_in_client(app, writer)


def read(client, post, headers=BROWSER, status=200):
    response = client.get(f"/post/{post.id}", headers=headers)
    assert response.status_code == status
    return response


def test_views_are_counted_on_rendered_and_cached_pages(app, post, writer_browser):
    anonymous = app.test_client()
    assert read(anonymous, post).headers["X-Page-Cache"] == "miss"
    cached = read(anonymous, post)
    assert cached.headers["X-Page-Cache"] == "hit"
    # A browser revalidating its copy shows the page again: a view too.
    read(anonymous, post, headers={**BROWSER, "If-None-Match": cached.headers["ETag"]}, status=304)
    assert post_rows(writer_browser) == {"Lamp post": [3, 0, 0]}


def test_a_cached_page_kept_by_another_worker_is_counted_for_its_writer(app, post, writer_browser):
    anonymous = app.test_client()
    read(anonymous, post)
    view_counting._AUTHORS.clear()  # as in a worker that never rendered the page
    assert read(anonymous, post).headers["X-Page-Cache"] == "hit"
    assert post_rows(writer_browser) == {"Lamp post": [2, 0, 0]}


@pytest.mark.app_config(CACHE_TYPE="SimpleCache", VIEW_COUNT_FLUSH_SECONDS=3600)
def test_views_tallied_in_the_process_are_written_together(app, post, writer_browser):
    anonymous = app.test_client()
    for _ in range(3):
        read(anonymous, post)
    assert PostDay.objects.count() == 0  # held for a while: one write for many views
    assert post_rows(writer_browser) == {"Lamp post": [3, 0, 0]}  # /stats writes them first
    assert PostDay.objects.get(post=post.id).views == 3


def test_crawlers_prefetches_and_other_methods_are_not_counted(app, post, writer_browser):
    anonymous = app.test_client()
    read(anonymous, post)
    for agent in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ):
        read(anonymous, post, headers={"User-Agent": agent})
    read(anonymous, post, headers={**BROWSER, "Sec-Purpose": "prefetch"})
    assert anonymous.head(f"/post/{post.id}", headers=BROWSER).status_code == 200
    assert post_rows(writer_browser) == {"Lamp post": [1, 0, 0]}


def test_the_writers_own_views_are_not_counted_other_members_are(
    app, post, writer, writer_browser, make_user
):
    read(writer_browser, post)
    assert post_rows(writer_browser) == {}
    assert "None of your posts was read in the last 30 days." in stats_page(writer_browser)
    read(signed_in_client(app, make_user("friend")), post)
    assert post_rows(writer_browser) == {"Lamp post": [1, 0, 0]}


def test_drafts_and_missing_posts_count_nothing(app, writer, writer_browser, make_user):
    draft = Post.publish(writer, "Not yet", "Draft body", draft=True)
    admin = signed_in_client(app, make_user("boss", role="Administrator"))
    read(admin, draft)  # an administrator may read it; still no reader's view
    read(app.test_client(), draft, status=404)
    assert PostDay.objects.count() == 0
    assert post_rows(writer_browser) == {}


def test_stats_show_views_likes_and_comments_of_the_writers_posts(
    app, post, writer, writer_browser, make_user
):
    other = Post.publish(writer, "Second post", "More", "lamp")
    someone_elses = Post.publish(make_user("rival"), "Not mine", "Body")
    friend = make_user("friend")
    friend_browser = signed_in_client(app, friend)
    for _ in range(2):
        read(friend_browser, post)
    read(app.test_client(), other)
    read(app.test_client(), someone_elses)
    assert friend_browser.post(f"/post/{post.id}/like").status_code == 302
    assert friend_browser.post(f"/post/{post.id}", data={"body": "A fine lamp"}).status_code == 302
    post.add_comment(writer, "Thank you")  # a reply of the writer is a comment too

    html = stats_page(writer_browser)
    assert post_rows(writer_browser) == {"Lamp post": [2, 1, 2], "Second post": [1, 0, 0]}
    assert "Not mine" not in html
    days = tables(html)["views-per-day"]
    assert len(days) == 1 + 30
    today = utcnow()
    assert days[1] == [f"{today:%a} {today.day} {today:%b %Y}", "3", "0"]
    assert all(row[1] == "0" for row in days[2:])


def test_the_chart_is_an_accessible_svg_without_inline_style(app, post, writer_browser):
    read(app.test_client(), post)
    html = stats_page(writer_browser)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="views-chart-title views-chart-desc"' in svg
    assert '<title id="views-chart-title">Views per day, ' in svg
    assert "1 view in all; the busiest day had 1." in svg
    assert svg.count('<rect class="stats-bar"') == 30
    assert "style=" not in svg
    # Today's bar reaches the top line; the others lie on the axis.
    assert 'y="8.0" width="16.7" height="132.0"' in svg
    assert svg.count('height="0.0"') == 29


def test_a_removed_comment_leaves_the_count(app, post, writer_browser, make_user):
    friend = make_user("friend")
    comment = post.add_comment(friend, "Soon gone")
    post.add_comment(friend, "Stays")
    assert post_rows(writer_browser) == {"Lamp post": [0, 0, 2]}
    assert (
        signed_in_client(app, friend).post(f"/post/{post.id}/comment/{comment.id}/delete").status_code == 302
    )
    assert post_rows(writer_browser) == {"Lamp post": [0, 0, 1]}


def test_likes_older_than_the_window_are_left_out(app, post, writer_browser, make_user):
    read(app.test_client(), post)
    Like.add(post, make_user("friend"))
    Like.objects(post=post.id).update(set__timestamp=utcnow() - timedelta(days=31))
    assert post_rows(writer_browser) == {"Lamp post": [1, 0, 0]}


def test_a_post_keeps_only_its_recent_days(app, post, writer):
    long_ago = utcnow() - timedelta(days=KEEP_DAYS + 5)
    PostDay.count(post.id, writer.id, moment=long_ago)
    PostDay.count(post.id, writer.id, moment=utcnow() - timedelta(days=KEEP_DAYS - 1))
    read(app.test_client(), post)  # the first view of today prunes the days past keeping
    kept = sorted(day.day for day in PostDay.objects(post=post.id))
    assert kept == [day_of(utcnow() - timedelta(days=KEEP_DAYS - 1)), day_of(utcnow())]


def test_a_deleted_posts_days_go_with_it(app, post, writer_browser):
    read(app.test_client(), post)
    assert writer_browser.post(f"/delete/{post.id}").status_code == 302
    assert PostDay.objects(post=post.id).count() == 0


def test_stats_are_for_signed_in_writers(client):
    response = client.get("/stats")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_demo_writer_has_30_days_of_stats_to_read(app, runner, client):
    result = runner.invoke(
        args=[
            "seed",
            "--users",
            "8",
            "--posts",
            "30",
            "--comments",
            "60",
            "--follows",
            "10",
            "--images",
            "0",
            "--seed",
            "3",
        ]
    )
    assert result.exit_code == 0, result.output
    client.post("/auth/login", data={"email": "demo@example.com", "password": DEMO_PASSWORD})
    with app.app_context():
        demo = User.objects.get(username="demo")
        published = Post.published().filter(author=demo.id).count()
    html = stats_page(client)
    found = tables(html)
    assert published > 0 and len(found["post-numbers"]) == 1 + published
    per_day = [int(views) for _day, views, _joined in found["views-per-day"][1:]]
    assert len(per_day) == 30
    assert f"{sum(per_day)} views in all" in html


def test_new_subscribers_are_counted_by_the_day_they_said_yes(app, writer, writer_browser):
    """Confirmed in the window and still subscribed: a pending address, one
    that left and one from before the window are not new subscribers."""
    from site_app.models.subscriptions import Subscription

    today = utcnow()
    Subscription.switch_on(writer.id, "today@example.com")
    for email, days_ago in (("lately@example.com", 3), ("long-ago@example.com", 45)):
        made = Subscription.switch_on(writer.id, email)
        Subscription.objects(id=made.id).update_one(set__confirmed_at=today - timedelta(days=days_ago))
    Subscription.request(writer.id, "pending@example.com")
    Subscription.end(Subscription.switch_on(writer.id, "left@example.com").id)

    html = stats_page(writer_browser)
    assert '<dd id="new-subscribers"><a href="/subscribers">2</a></dd>' in html
    joined = [row[2] for row in tables(html)["views-per-day"][1:]]
    assert joined[0] == "1" and joined[3] == "1" and joined.count("0") == 28


def test_days_and_numbers_are_written_in_the_readers_language(app, writer, post, writer_browser):
    from babel.dates import format_date

    for _ in range(1200):
        PostDay.count(post.id, writer.id)
    html = writer_browser.get("/stats", headers={"Accept-Language": "es"}).text
    today = tables(html)["views-per-day"][1]
    assert today == [format_date(utcnow(), "EEE d MMM y", locale="es"), "1.200", "0"]
    assert "1.200" in html.split('id="post-numbers"')[1]  # Spanish groups thousands with a dot
    english = tables(writer_browser.get("/stats").text)["post-numbers"][1]
    assert english[1] == "1,200"
