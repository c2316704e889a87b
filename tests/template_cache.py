"""Compiled templates shared by every app the test suite builds.

Jinja compiles each template once per environment, and every app has its
own environment. A server runs one app per process, so it gains nothing from
this; the test suite builds an app for each test, and compiling the same
templates again for each one was most of its time. Jinja keys each entry by
the template's name and checks the checksum of its source, so an edited
template is compiled anew (Jinja's documented ``BytecodeCache`` interface).
``conftest.py`` gives it to every app through Flask's ``jinja_options``.
"""

import threading

from flask import Flask
from jinja2 import BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    """Jinja bytecode kept in this process's memory."""

    def __init__(self):
        self._code = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket):
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code

    def clear(self):
        with self._lock:
            self._code.clear()


shared = ProcessBytecodeCache()


def share_compiled_templates():
    """Every Flask app made from now on in this process uses ``shared``
    (``Flask.jinja_options``: what each app's environment is built with)."""
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": shared}
