"""Posts stored before a field existed, brought up to date by ``flask
deploy`` (safe to run again: each step touches only the posts still
missing the field, each with a conditional update that never undoes a
write made meanwhile)."""

import re

from ..markup import excerpt, file_ids_in
from .posts import Post
from .reading import ReadingAids
from .sizes import comment_bytes, newest_time
from .tags import normalise_tags
from .users import utcnow

# Steps that read every post run once: the ones done are kept here.
_DONE = "migrations"


def backfill_comment_stats():
    """Give posts stored before ``comment_bytes``/``last_comment_at``
    existed their values; returns how many. Reads every commented post (its
    filter cannot be told from the index alone), so it runs once, ever:
    every comment since is written with them."""
    done = Post._get_collection().database[_DONE]
    if done.find_one({"_id": "comment_stats"}):
        return 0
    stale = {"comment_count": {"$gt": 0}, "last_comment_at": None}
    fixed = sum(
        _backfill_comment_stats_of(doc["_id"]) for doc in Post._get_collection().find(stale, {"_id": 1})
    )
    done.update_one({"_id": "comment_stats"}, {"$set": {"at": utcnow()}}, upsert=True)
    return fixed


def _backfill_comment_stats_of(post_id, attempts=5):
    """Set one post's statistics from its comments, only while no comment
    came or went since they were read (re-read and tried again otherwise),
    so a comment written meanwhile is never undone."""
    collection = Post._get_collection()
    for _ in range(attempts):
        doc = collection.find_one({"_id": post_id}, {"comments": 1, "comment_count": 1, "comment_bytes": 1})
        if doc is None:
            return False
        comments = doc.get("comments", [])
        unchanged = {
            "_id": post_id,
            "comment_count": doc.get("comment_count"),
            "comment_bytes": doc.get("comment_bytes"),
        }
        if collection.update_one(
            unchanged,
            {"$set": {"comment_bytes": comment_bytes(comments), "last_comment_at": newest_time(comments)}},
        ).matched_count:
            return True
    return False


def backfill_sizes_and_files():
    """Give posts stored before ``post_bytes`` existed their own size and
    the files their body links to (posts written through the API or the
    admin listed none, so ``media gc`` would take their images); returns
    how many. Reads every post, so it runs once, ever."""
    done = Post._get_collection().database[_DONE]
    if done.find_one({"_id": "post_sizes_and_files"}):
        return 0
    fixed = 0
    for post in Post.objects(post_bytes=None).exclude("comments"):
        changes = {"set__post_bytes": post.own_bytes()}
        linked = file_ids_in(post.body)
        if linked:
            changes["add_to_set__files"] = linked
        fixed += Post.objects(id=post.id, post_bytes=None).update_one(**changes)
    done.update_one({"_id": "post_sizes_and_files"}, {"$set": {"at": utcnow()}}, upsert=True)
    return fixed


def backfill_reading():
    """Give posts stored before reading times and covers existed theirs, and
    an excerpt that ends its blocks as sentences; returns how many. Reads
    every post, so it runs once, ever; each update is conditional on the
    post still lacking them (an edit meanwhile wrote its own)."""
    done = Post._get_collection().database[_DONE]
    if done.find_one({"_id": "post_reading"}):
        return 0
    fixed = 0
    for post in Post.objects(reading=None).only("body_html"):
        fixed += Post.objects(id=post.id, reading=None).update_one(
            set__reading=ReadingAids.of(post.body_html), set__excerpt=excerpt(post.body_html or "")
        )
    done.update_one({"_id": "post_reading"}, {"$set": {"at": utcnow()}}, upsert=True)
    return fixed


def backfill_tag_spaces():
    """Rename tags stored with spaces to today's rule (models/tags.py:
    ``editor ux`` is ``editor-ux``); returns how many posts. Only posts
    holding such a tag are read, through the tags index; a post edited
    meanwhile (other tags) is left as its writer saved it."""
    fixed = 0
    for post in Post.objects(tags=re.compile(" ")).only("tags"):
        fixed += Post.objects(id=post.id, tags=post.tags).update_one(set__tags=normalise_tags(post.tags))
    return fixed
