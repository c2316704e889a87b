"""Small real-shaped files for the import tests, made by hand (the shapes
of an Inkwell export, WordPress WXR, a Ghost export, a Medium export and
feeds), and the upload helper."""

import io
import json
import re
import zipfile

from PIL import Image


def png_bytes(colour="teal", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    """A zip of ``{name or ZipInfo: bytes or str}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def inkwell_post(title, body, post_id, date="2023-04-05T06:07:08Z", **front):
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        f"date: '{date}'",
        f"updated: '{front.pop('updated', date)}'",
        f"id: {post_id}",
        f"slug: {re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}",
    ]
    lines += [f"{key}: {json.dumps(value)}" for key, value in front.items()]
    return "\n".join([*lines, "---", body, ""])


def inkwell_export(posts, extra=None):
    """``posts``: ``{folder: index.md text}``; ``extra``: other members."""
    members = {"account.json": json.dumps({"username": "wendy", "posts": len(posts)})}
    members.update({f"posts/{folder}/index.md": text for folder, text in posts.items()})
    members.update(extra or {})
    return zip_of(members)


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Harbour notes</title><link>https://harbour.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title>Low tide</title>
    <link>https://harbour.example/2019/03/low-tide/</link>
    <guid isPermaLink="false">https://harbour.example/?p=11</guid>
    <dc:creator><![CDATA[wendy]]></dc:creator>
    <content:encoded><![CDATA[<p>The water <strong>left</strong> the harbour.</p>
<script>alert(1)</script>
<h2>Mud</h2><ul><li>crabs</li><li>boats</li></ul>]]></content:encoded>
    <excerpt:encoded><![CDATA[Where the water goes.]]></excerpt:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date_gmt>2019-03-02 10:20:30</wp:post_date_gmt>
    <wp:post_modified_gmt>2019-03-04 08:00:00</wp:post_modified_gmt>
    <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    <category domain="category" nicename="sea"><![CDATA[Sea]]></category>
    <category domain="post_tag" nicename="tides"><![CDATA[Tides]]></category>
  </item>
  <item>
    <title>Half written</title>
    <link>https://harbour.example/?p=12</link>
    <guid isPermaLink="false">https://harbour.example/?p=12</guid>
    <content:encoded><![CDATA[<p>Not yet.</p>]]></content:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
    <wp:status>draft</wp:status><wp:post_type>post</wp:post_type>
  </item>
  <item>
    <title>About</title><link>https://harbour.example/about/</link>
    <guid isPermaLink="false">https://harbour.example/?page_id=2</guid>
    <content:encoded><![CDATA[<p>A page, not a post.</p>]]></content:encoded>
    <wp:post_id>2</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
  </item>
</channel>
</rss>
"""


def ghost_export(published_at="2021-06-07T08:09:10.000Z"):
    return json.dumps(
        {
            "db": [
                {
                    "meta": {"exported_on": 1620000000000, "version": "5.0.0"},
                    "data": {
                        "posts": [
                            {
                                "id": "6001",
                                "uuid": "a1b2",
                                "title": "Fog signals",
                                "slug": "fog-signals",
                                "html": "<p>Two long blasts <em>every</em> two minutes.</p>",
                                "status": "published",
                                "type": "post",
                                "published_at": published_at,
                                "created_at": "2021-06-01T00:00:00.000Z",
                                "updated_at": "2021-06-08T00:00:00.000Z",
                                "custom_excerpt": "What the horn says.",
                                "canonical_url": "https://ghost.example/fog-signals/",
                            },
                            {
                                "id": "6002",
                                "uuid": "c3d4",
                                "title": "Buoys",
                                "slug": "buoys",
                                "html": "<p>Red right returning.</p>",
                                "status": "draft",
                                "type": "post",
                                "published_at": None,
                                "created_at": "2021-07-01T00:00:00.000Z",
                                "updated_at": "2021-07-01T00:00:00.000Z",
                            },
                            {
                                "id": "6003",
                                "title": "Contact",
                                "html": "<p>page</p>",
                                "status": "published",
                                "type": "page",
                                "published_at": "2021-01-01T00:00:00.000Z",
                            },
                        ],
                        "tags": [{"id": "t1", "name": "Navigation"}, {"id": "t2", "name": "Sound"}],
                        "posts_tags": [
                            {"post_id": "6001", "tag_id": "t1"},
                            {"post_id": "6001", "tag_id": "t2"},
                        ],
                    },
                }
            ]
        }
    )


MEDIUM_POST = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lighthouse keepers</title></head>
<body><article class="h-entry">
<header><h1 class="p-name">Lighthouse keepers</h1></header>
<section data-field="subtitle" class="p-summary">The last of them</section>
<section data-field="body" class="e-content"><section class="section"><div>
<p>They kept the <a href="https://example.org/lamp">lamp</a> lit.</p>
<blockquote>Every night.</blockquote></div></section></section>
<footer><p>By <a href="https://medium.com/@wendy" class="p-author h-card">Wendy</a> on
<a href="https://medium.com/p/abc123"><time class="dt-published"
 datetime="2018-09-10T11:12:13.000Z">September 10, 2018</time></a>.</p>
<p><a href="https://medium.com/@wendy/lighthouse-keepers-abc123"
 class="p-canonical">Canonical link</a></p></footer>
</article></body></html>"""

MEDIUM_DRAFT = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Untold</title></head>
<body><article class="h-entry"><header><h1 class="p-name">Untold</h1></header>
<section data-field="body" class="e-content"><p>A draft.</p></section>
<footer><p><a href="https://medium.com/p/def456/edit" class="p-canonical">Canonical link</a></p></footer>
</article></body></html>"""


def medium_export():
    return zip_of(
        {
            "README.html": "<p>Your Medium archive</p>",
            "profile/profile.html": "<p>Wendy</p>",
            "posts/2018-09-10_Lighthouse-keepers-abc123.html": MEDIUM_POST,
            "posts/draft_Untold-def456.html": MEDIUM_DRAFT,
        }
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wendy's log</title><id>tag:log.example,2020:feed</id><updated>2020-02-03T04:05:06Z</updated>
  <entry>
    <title>Storm warning</title><id>tag:log.example,2020:storm</id>
    <link rel="alternate" href="https://log.example/storm"/>
    <published>2020-02-01T10:00:00+02:00</published><updated>2020-02-03T04:05:06Z</updated>
    <category term="weather"/>
    <content type="html">&lt;p&gt;Gale force &lt;b&gt;nine&lt;/b&gt;.&lt;/p&gt;</content>
  </entry>
</feed>"""

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Log</title><link>https://rss.example/</link>
<item><title>Calm</title><link>https://rss.example/calm</link><guid>https://rss.example/calm</guid>
<pubDate>Tue, 10 Mar 2020 09:00:00 GMT</pubDate><category>weather</category>
<description>&lt;p&gt;Flat sea.&lt;/p&gt;</description></item>
</channel></rss>"""


def upload(client, data, filename="export.zip"):
    """POST the file to /import as the form does."""
    if isinstance(data, str):
        data = data.encode()
    return client.post(
        "/import", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def summary(client, response):
    """The run's page text after an accepted upload (the job ran at once)."""
    assert response.status_code == 302, response.text[:2000]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.text
