"""Templates are compiled once per process, shared by every app, and
compiled again when their source changes."""

from jinja2 import DictLoader, Environment
from template_cache import ProcessBytecodeCache, shared


class CountingCache(ProcessBytecodeCache):
    def __init__(self):
        super().__init__()
        self.compiled = 0

    def dump_bytecode(self, bucket):
        self.compiled += 1
        super().dump_bytecode(bucket)


def test_a_second_environment_reuses_the_compiled_template():
    cache = CountingCache()
    sources = {"page.html": "Hello {{ name }}"}
    first = Environment(loader=DictLoader(sources), bytecode_cache=cache)
    second = Environment(loader=DictLoader(sources), bytecode_cache=cache)
    assert first.get_template("page.html").render(name="Ann") == "Hello Ann"
    assert second.get_template("page.html").render(name="Bob") == "Hello Bob"
    assert cache.compiled == 1


def test_an_edited_template_is_compiled_again():
    cache = CountingCache()
    sources = {"page.html": "Hello {{ name }}"}
    Environment(loader=DictLoader(sources), bytecode_cache=cache).get_template("page.html")
    sources["page.html"] = "Goodbye {{ name }}"
    edited = Environment(loader=DictLoader(sources), bytecode_cache=cache)
    assert edited.get_template("page.html").render(name="Ann") == "Goodbye Ann"
    assert cache.compiled == 2


def test_every_app_uses_the_shared_cache(make_app):
    first, second = make_app(), make_app()
    assert first.jinja_env.bytecode_cache is shared
    assert second.jinja_env.bytecode_cache is shared
    for app in (first, second):
        assert app.test_client().get("/auth/login").status_code == 200
