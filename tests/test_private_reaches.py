"""Every private name of a library the code relies on is listed here and in
ARCHITECTURE.md ("Private names of libraries"), with the version it was
checked against; each has a test that fails, naming it, when a release of
the library drops it, so an upgrade says what to fix instead of failing
somewhere in a page."""

import ast
import re
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _mongomock_collection():
    import mongomock

    return mongomock.MongoClient().db.things


def _resolve(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(import_module(module), name)


# (distribution, version checked, where the name lives, attribute, used by).
# "where" is a dotted path, or a callable giving an object that has it.
REACHES = [
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.Document",
        "_get_collection",
        "models, media, search, seed: the raw pymongo collection for atomic updates and aggregations",
    ),
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.Document",
        "_get_collection_name",
        "indexes.py, cli.py: a document's collection before it is bound",
    ),
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.Document",
        "_from_son",
        "search.py, models/comments.py: documents from a raw query's rows",
    ),
    ("MongoEngine", "0.29.3", "mongoengine.Document", "_meta", "indexes.py: the declared index specs"),
    (
        "MongoEngine",
        "0.29.3",
        lambda: _site_post().__class__,
        "_collection",
        "tests/database_binding.py: the collection a document class cached",
    ),
    (
        "MongoEngine",
        "0.29.3",
        lambda: _site_post(),
        "_data",
        "models/comments.py: authors set without marking the field changed",
    ),
    (
        "MongoEngine",
        "0.29.3",
        lambda: _site_post(),
        "_created",
        "models/users.py: a loaded account is only ever updated",
    ),
    (
        "MongoEngine",
        "0.29.3",
        lambda: _site_post().__class__.objects,
        "_query",
        "search.py: the published filter as a raw $text query's filter",
    ),
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.base.common",
        "_document_registry",
        "tests/database_binding.py: every document class",
    ),
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.connection",
        "_connections",
        "tests/database_binding.py: the default alias's client",
    ),
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.connection",
        "_dbs",
        "tests/database_binding.py: the default alias's database",
    ),
    (
        "MongoEngine",
        "0.29.3",
        "mongoengine.connection",
        "_connection_settings",
        "tests/database_binding.py: the default alias's settings",
    ),
    (
        "Flask-Caching",
        "2.5.1",
        "flask_caching.Cache",
        "cache",
        "content_cache.py: the backend, for its atomic inc (Flask-Caching has none)",
    ),
    (
        "cachelib",
        "0.17.0",
        "cachelib.BaseCache",
        "inc",
        "content_cache.py: one atomic sequence number (Redis INCR)",
    ),
    (
        "Flask-Login",
        "0.6.3",
        "flask_login.LoginManager",
        "_load_user_from_remember_cookie",
        "extensions.py: old remember cookies ignored",
    ),
    (
        "Flask-Compress",
        "1.25",
        "flask_compress.flask_compress",
        "_choose_algorithm",
        "extensions.py: an encoding the client refused is never sent",
    ),
    ("Flask-WTF", "1.3.0", "flask_wtf.csrf", "_FlaskFormCSRF", "csrf_masking.py: masked tokens in forms"),
    (
        "Flask-WTF",
        "1.3.0",
        "flask_wtf.csrf.CSRFProtect",
        "_get_csrf_token",
        "csrf_masking.py: masked tokens in headers",
    ),
    (
        "Flask-Admin",
        "2.2.1",
        "flask_admin.BaseView",
        "_handle_view",
        "admin/modelview.py: ids checked before a view (documented override)",
    ),
    (
        "Werkzeug",
        "3.1.9",
        "werkzeug.local.LocalProxy",
        "_get_current_object",
        "views: the object behind current_user / current_app (documented)",
    ),
    (
        "Werkzeug",
        "3.1.9",
        "werkzeug.routing.Rule",
        "_compile_builder",
        "tests/route_cache.py: URL builders shared by the suite's apps",
    ),
    (
        "Werkzeug",
        "3.1.9",
        lambda: _bound_rule(),
        "_trace",
        "tests/route_cache.py: a rule's parsed parts, the builders' key",
    ),
    ("pymongo", "4.20.0", "gridfs.GridOut", "_id", "media/serving.py: a file's id as its ETag (documented)"),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_store",
        "embedded_index.py: the documents behind a collection",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_get_dataset",
        "embedded_index.py: sorted finds walk a kept order",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_iter_documents",
        "embedded_index.py: candidates from the value tables",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_copy_only_fields",
        "embedded_index.py: only the returned documents copied",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_update",
        "embedded_index.py: a write renews the lookups",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_delete",
        "embedded_index.py: a write renews the lookups",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Collection",
        "_find_and_modify",
        "embedded_index.py: a write renews the lookups",
    ),
    (
        "mongomock",
        "4.3.0",
        "mongomock.collection.Cursor",
        "_compute_results",
        "embedded.py, embedded_index.py: a cursor's work, locked, timed, windowed",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection().find(),
        "_skip",
        "embedded.py, embedded_index.py: a page's window",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection().find(),
        "_limit",
        "embedded.py, embedded_index.py: a page's window",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection().find(),
        "_sort",
        "embedded.py: the sort recorded by dbstats",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection().find(),
        "_results",
        "embedded.py, embedded_index.py: a read cursor's documents",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection().find(),
        "_factory",
        "embedded_index.py: a page's window",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection().aggregate([]),
        "_collection",
        "embedded.py: an aggregation's rows counted",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection()._store,
        "_documents",
        "embedded_index.py, embedded_lookups.py: the stored documents",
    ),
    (
        "mongomock",
        "4.3.0",
        lambda: _mongomock_collection()._store,
        "_ttl_indexes",
        "embedded_index.py: TTL collections left to mongomock",
    ),
]
# Names site_app gives objects itself (its own marks on library objects).
OWN = {"_dbstats_pending", "_dbstats_entry", "_window", "_window_key", "_following_excluded"}


def _bound_rule():
    from werkzeug.routing import Map, Rule

    rule = Rule("/post/<int:id>")
    Map([rule])
    return rule


def _site_post():
    from site_app.models import Post

    return Post()


def _row_id(row):
    where = row[2] if isinstance(row[2], str) else "instance"
    return f"{row[0]}:{where}.{row[3]}"


@pytest.mark.parametrize("row", REACHES, ids=_row_id)
def test_each_private_name_the_code_relies_on_is_still_there(app_context, row):
    distribution, checked, where, attribute, used_by = row
    holder = _resolve(where) if isinstance(where, str) else where()
    assert hasattr(holder, attribute), (
        f"{distribution} {version(distribution)} has no {attribute} on {holder!r} any more "
        f"(checked against {checked}); {used_by} relies on it: see ARCHITECTURE.md, "
        '"Private names of libraries"'
    )


def test_architecture_lists_every_private_name():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    section = text.split("## Private names of libraries", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| (\S+) \| [^|]+ \| `([^`]+)` \|", section, re.M))
    wanted = {(row[0], row[3]) for row in REACHES}
    assert {(lib, name) for lib, name in listed} == wanted


def _private_reaches(source):
    """The private attributes ``source`` reads on objects other than
    ``self``/``cls``/``super()``, sets on library classes, or imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and re.match(r"_[a-zA-Z]", node.attr):
            value = node.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls"):
                continue
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super":
                continue
            found.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "site_app":
                found.update(a.name for a in node.names if a.name.startswith("_"))
    return found


def test_no_unlisted_private_name_of_a_library_is_used():
    used = set()
    for path in (ROOT / "site_app").rglob("*.py"):
        used |= _private_reaches(path.read_text())
    namedtuple_methods = {"_replace", "_asdict", "_fields", "_make"}
    unlisted = used - {row[3] for row in REACHES} - OWN - namedtuple_methods
    assert not unlisted, (
        f"private names of libraries used but not listed in "
        f"tests/test_private_reaches.py and ARCHITECTURE.md: {sorted(unlisted)}"
    )


def test_the_scan_sees_a_private_read_an_import_and_skips_self():
    source = (
        "from flask_compress.flask_compress import _compress_data\n"
        "x = thing._secret\nself._mine = 1\nsuper()._hook()\n"
    )
    assert _private_reaches(source) == {"_compress_data", "_secret"}
