"""The shape of the code, as ARCHITECTURE.md draws it: models at the bottom
import none of the layers above them, and no module grows past what one
reader takes in at a sitting."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

SITE_APP = Path(__file__).resolve().parent.parent / "site_app"
# Counted in ruff format's layout, which gives a long literal or call one
# item a line: 400 lines before the tree was formatted, 450 after (the four
# longest modules grew 6-8%).
MAX_MODULE_LINES = 450
# What the models may build on: the extensions, the database handle and the
# pure helpers below them. Caches, media, views and services listen to the
# models' signals instead of being called by them.
MODEL_MAY_IMPORT = {"extensions", "database", "markup", "pagination", "text", "tokens", "models"}


def _site_app_imports(path):
    """The first-level ``site_app`` modules ``path`` imports anywhere."""
    package = path.relative_to(SITE_APP.parent).with_suffix("").parts[:-1]
    return _imports_in(path.read_text(), package)


def _imports_in(source, package):
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts] if node.module else [base + [alias.name] for alias in node.names]
            else:
                names = [node.module.split(".")] if node.module else []
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        else:
            continue
        found.update(parts[1] for parts in names if len(parts) > 1 and parts[0] == "site_app")
    return found


def test_models_import_no_layer_above_them():
    reaching_up = {}
    for path in sorted((SITE_APP / "models").glob("*.py")):
        above = _site_app_imports(path) - MODEL_MAY_IMPORT
        if above:
            reaching_up[path.name] = sorted(above)
    assert not reaching_up, f"models import layers above them: {reaching_up}"


def test_the_import_check_sees_a_model_reaching_up():
    source = (
        "from ..content_cache import content_changed\n"
        "def release():\n    from ..media import storage\n"
        "from . import users\nimport site_app.web\n"
    )
    assert _imports_in(source, ("site_app", "models")) == {"content_cache", "media", "models", "web"}


def test_no_module_is_longer_than_a_reader_takes_in():
    long = {
        str(path.relative_to(SITE_APP)): lines
        for path in SITE_APP.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_mongomock_code_stays_in_the_embedded_modules_production_never_loads():
    """mongomock and its helpers (embedded.py and the embedded_*.py beside it)
    are imported by nobody but database.py and the serving commands, each
    inside a function; a production app built and asked a page loads none."""
    importers = {
        str(path.relative_to(SITE_APP))
        for path in SITE_APP.rglob("*.py")
        if re.search(r"^\s*(import mongomock|from mongomock)", path.read_text(), re.M)
    }
    assert all(name.startswith("embedded") and "/" not in name for name in importers), importers
    program = (
        "import sys\n"
        "from site_app import create_app\n"
        "app = create_app('production', {'MONGODB_URI': 'mongodb://127.0.0.1:1/site',\n"
        "    'SKIP_DB_CHECK': True, 'SITE_URL': 'https://blog.example.com',\n"
        "    'SECRET_KEY': 'a-long-random-production-secret-0123456789'})\n"
        "app.test_client().get('/static/css/site.css', base_url='https://blog.example.com')\n"
        "print(sorted(m for m in sys.modules if m == 'mongomock' or m.startswith(\n"
        "    ('mongomock.', 'site_app.embedded'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_CONFIG", "MONGODB_URI"}}
    finished = subprocess.run(
        [sys.executable, "-c", program],
        cwd=SITE_APP.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip() == "[]"


def test_the_product_loads_nothing_only_the_tests_need():
    """An app built and asked a page outside the suite binds its database
    once (no receiver rebinding it on every app context) and shares no
    compiled templates or URL builders across apps: they live in tests/,
    which it never imports."""
    program = (
        "import sys\n"
        "from flask import appcontext_pushed\n"
        "from site_app import create_app\n"
        "app = create_app('development', {'EMBEDDED_DATA_DIR': ''})\n"
        "assert app.test_client().get('/').status_code == 200\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "    ('tests', 'database_binding', 'template_cache', 'route_cache', 'helpers', 'conftest')),\n"
        "    len(appcontext_pushed.receivers), app.jinja_env.bytecode_cache)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_CONFIG", "MONGODB_URI"}}
    finished = subprocess.run(
        [sys.executable, "-c", program],
        cwd=SITE_APP.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip().splitlines()[-1] == "[] 0 None"  # (the logs come first)


def test_a_later_app_in_one_process_uses_its_own_database():
    """A script that makes one app after another (scripts/bench_scale.py
    measures one database per size) writes through the newest app's
    documents into the newest app's database, outside the suite too."""
    program = (
        "from site_app import create_app\n"
        "from site_app.models import Role\n"
        "first = create_app('development', {'EMBEDDED_DATA_DIR': ''})\n"
        "second = create_app('development', {'EMBEDDED_DATA_DIR': ''})\n"
        "with second.app_context():\n"
        "    Role.insert_roles()\n"
        "count = lambda app: app.extensions['site_db']['db']['roles'].count_documents({})\n"
        "print(count(first), count(second) > 0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_CONFIG", "MONGODB_URI"}}
    finished = subprocess.run(
        [sys.executable, "-c", program],
        cwd=SITE_APP.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip().splitlines()[-1] == "0 True"  # (the logs come first)
