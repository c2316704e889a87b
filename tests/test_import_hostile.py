"""Hostile or broken files sent to /import: each is refused with a clear
message and changes nothing. What opening the file shows (its kind, zip
bounds and paths, XML entities) is refused by the upload's answer (400, no
run kept); what only reading every post shows (dates, sizes, front matter)
stops the job before it stores anything, and the run's page says why."""

import os
import re
import struct
import zipfile

import pytest
from import_samples import ghost_export, inkwell_export, inkwell_post, png_bytes, summary, upload, zip_of

from site_app.database import get_db
from site_app.models import Post
from site_app.models.imports import ImportRun


@pytest.fixture
def writer(make_user, auth):
    user = make_user("wendy")
    auth.login_as(user)
    return user


def assert_refused(app, response, *words):
    assert response.status_code == 400, response.text[:500]
    assert 'id="import-error"' in response.text
    for word in words:
        assert word in response.text
    assert Post.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert get_db(app)["fs.files"].count_documents({}) == 0


def assert_stopped(app, client, response, *words):
    """The upload was taken, but the job refused the file whole."""
    assert response.status_code == 302, response.text[:500]
    page = client.get(response.headers["Location"]).text
    error = re.search(r'id="import-error">([^<]*)<', page)
    assert error and error.group(1).startswith("Nothing was imported: ")
    for word in words:
        assert word in error.group(1)
    assert Post.objects.count() == 0
    assert ImportRun.objects.get().state == "failed"
    assert get_db(app)["fs.files"].count_documents({}) == 0  # the upload is not kept


def test_a_zip_bomb_is_refused_by_its_ratio(app, client, writer):
    bomb = inkwell_export(
        {"2023-01-01-a": inkwell_post("A", "Text.", "a")},
        extra={"posts/2023-01-01-a/zeros.png": b"\0" * (20 * 1024 * 1024)},
    )

    response = upload(client, bomb)

    assert_refused(app, response, "zeros.png inflates more than 100 times")


@pytest.mark.app_config(IMPORT_MAX_MEMBER_BYTES=100_000)
def test_a_member_over_its_bound_is_refused(app, client, writer):
    big = inkwell_export(
        {"2023-01-01-a": inkwell_post("A", "Text.", "a")},
        extra={"posts/2023-01-01-a/big.png": os.urandom(200_000)},
    )

    assert_refused(app, upload(client, big), "big.png inflates past")


@pytest.mark.app_config(IMPORT_MAX_TOTAL_BYTES=50_000)
def test_an_archive_over_its_total_bound_is_refused(app, client, writer):
    members = {
        f"posts/2023-01-0{n}-p/index.md": inkwell_post(f"P{n}", "x" * 20_000, f"p{n}") for n in range(1, 5)
    }
    many = zip_of({"account.json": "{}", **members}, compression=zipfile.ZIP_STORED)

    assert_refused(app, upload(client, many), "The zip inflates past")


def test_a_member_lying_about_its_size_is_counted_not_believed(app, client, writer):
    """Headers that claim 20 bytes for 5 MB of zeros: the reader stops at
    the claim and the checksum fails, so the file is refused unread."""
    honest = zip_of(
        {
            "account.json": "{}",
            "posts/2023-01-01-a/index.md": inkwell_post("A", "Text.", "a"),
            "posts/2023-01-01-a/z.png": b"\0" * 5_000_000,
        }
    )
    data = bytearray(honest)
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.rfind(signature)  # the last member: z.png
        struct.pack_into("<I", data, start + size_at, 20)

    assert_refused(app, upload(client, bytes(data)), "z.png cannot be read from the zip")


@pytest.mark.parametrize(
    "name, words",
    [
        ("../../etc/cron.d/evil", "outside its folder"),
        ("posts/../../../evil.md", "outside its folder"),
        ("/etc/passwd", "an absolute path"),
        ("C:\\Windows\\evil.dll", "an absolute path"),
    ],
)
def test_members_climbing_out_or_from_the_root_are_refused(app, client, writer, name, words):
    export = inkwell_export({"2023-01-01-a": inkwell_post("A", "Text.", "a")}, extra={name: b"payload"})

    assert_refused(app, upload(client, export), words)


def test_a_symbolic_link_member_is_refused(app, client, writer):
    link = zipfile.ZipInfo("posts/2023-01-01-a/photo.png")
    link.external_attr = 0o120777 << 16  # a symlink's mode, as zip -y stores it
    export = inkwell_export(
        {"2023-01-01-a": inkwell_post("A", "![p](photo.png)", "a")}, extra={link: "/etc/passwd"}
    )

    assert_refused(app, upload(client, export), "a symbolic link")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title>
<item><title>&lol3;</title><guid>x</guid><description>&lol3;</description></item>
</channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id>
<entry><title>&secret;</title><id>e</id><content>&secret;</content></entry></feed>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_entities_are_refused(app, client, writer, document):
    assert_refused(app, upload(client, document, "feed.xml"), "declares entities")


@pytest.mark.app_config(MAX_CONTENT_LENGTH=1024 * 1024)
def test_an_upload_over_the_size_limit_gets_a_clear_413(app, client, writer):
    response = upload(client, b"\0" * (2 * 1024 * 1024), "huge.zip")

    assert response.status_code == 413
    assert "The upload is larger than the 1 MB the site accepts." in response.text
    assert Post.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        png_bytes(),
        b"just some words",
        zip_of({"notes/todo.txt": "milk"}),
        b'{"posts": "not a ghost export"}',
        b"<html><body>a page</body></html>",
    ],
)
def test_a_file_of_the_wrong_kind_is_refused(app, client, writer, data):
    assert_refused(app, upload(client, data, "export.zip"), "This file is not one Inkwell can import")


def test_an_empty_form_asks_for_a_file(app, client, writer):
    response = client.post("/import", data={}, content_type="multipart/form-data")

    assert response.status_code == 400
    assert "Choose a file to import." in response.text


@pytest.mark.parametrize(
    "data, words",
    [
        (
            inkwell_export(
                {
                    "2023-01-01-a": inkwell_post("Fine", "ok", "a"),
                    "2023-01-02-b": inkwell_post("B", "Text.", "b", date="the second of May"),
                }
            ),
            "“the second of May” is not a date",
        ),
        (ghost_export(published_at="2021-13-45T99:00:00Z"), "“2021-13-45T99:00:00Z” is not a date"),
        (
            """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
        <item><title>Odd</title><guid>odd</guid><pubDate>whenever</pubDate></item>
        </channel></rss>""",
            "“whenever” is not a date",
        ),
    ],
)
def test_a_malformed_date_refuses_the_whole_file(app, client, writer, data, words):
    assert_stopped(app, client, upload(client, data), words)


def test_markdown_over_the_post_size_rules_refuses_the_whole_file(app, client, writer):
    export = inkwell_export(
        {
            "2023-01-01-a": inkwell_post("Fine", "Short.", "a"),
            "2023-01-02-b": inkwell_post("Long", "word " * 30_000, "b"),
        }
    )

    assert_stopped(app, client, upload(client, export), "“Long”: its body is over 100,000 characters.")


def test_a_front_matter_that_is_not_yaml_is_refused(app, client, writer):
    export = inkwell_export({"2023-01-01-a": "---\ntitle: [unclosed\n---\nText.\n"})

    assert_stopped(app, client, upload(client, export), "its front matter cannot be read")


def test_a_broken_zip_is_refused(app, client, writer):
    data = inkwell_export({"2023-01-01-a": inkwell_post("A", "Text.", "a")})

    assert_refused(app, upload(client, data[: len(data) // 2]), "The zip file cannot be read")


def test_nothing_of_a_refused_upload_reaches_the_run_list(app, client, writer):
    upload(client, b"junk")
    assert "Earlier imports" not in client.get("/import").text


YAML_ALIASES = "\n".join(
    ["---", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]"
        for previous, name in zip("abcdefgh", "bcdefghi")
    ]
    + ["title: *i", "id: bomb", "---", "Text.", ""]
)


def test_yaml_aliases_that_would_explode_into_text_are_refused(app, client, writer):
    export = inkwell_export({"2023-01-01-a": YAML_ALIASES})

    assert_stopped(app, client, upload(client, export), "title must be a single value")


def test_json_nested_past_the_stack_is_refused(app, client, writer):
    data = b'{"db": ' * 200_000

    assert_refused(app, upload(client, data, "ghost.json"), "nested too deeply")


def test_values_of_the_wrong_types_are_read_as_missing_not_a_server_error(app, client, writer):
    data = (
        '{"db": [{"data": {"posts": [{"id": ["x"], "title": {"a": 1}, "html": 5, '
        '"status": "published", "published_at": "2021-01-01T00:00:00Z"}, '
        '{"id": "ok", "title": "Fine", "plaintext": "Some text.", "status": "draft"}], '
        '"tags": 5, "posts_tags": [{"post_id": [1], "tag_id": "t"}]}}]}'
    )

    text = summary(client, upload(client, data, "ghost.json"))

    assert "Done: 1 imported, 0 skipped, 1 failed." in text
    assert "<td>(untitled)</td><td>failed</td><td>The post has no text.</td>" in text
    assert [post.title for post in Post.objects] == ["Fine"]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, IMPORT_RATE_LIMIT="2 per hour")
def test_a_writer_sending_imports_in_a_flood_is_told_to_wait(app, client, writer):
    assert upload(client, ghost_export()).status_code == 302
    assert upload(client, b"junk").status_code == 400

    response = upload(client, ghost_export())

    assert response.status_code == 429
    assert "Too many imports at once" in response.text
    assert ImportRun.objects.count() == 1
