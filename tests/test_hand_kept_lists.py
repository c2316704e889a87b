"""The lists kept by hand are checked against the real sets they list: a
document class missing from ``indexes.documents()`` never gets its indexes
on deploy, a blueprint never registered serves nothing."""

import importlib
import pkgutil
import sys

from flask import Blueprint
from mongoengine import Document

import site_app
from site_app import indexes


def _every_site_module():
    for found in pkgutil.walk_packages(site_app.__path__, "site_app."):
        importlib.import_module(found.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_document_with_indexes_is_one_deploy_creates():
    _every_site_module()
    ours = {
        document
        for document in _subclasses(Document)
        if document.__module__.startswith("site_app.")
        and not document._meta.get("abstract")
        and document._meta.get("index_specs")
    }
    missing = sorted(document.__name__ for document in ours - set(indexes.documents()))
    assert not missing, f"add these to site_app/indexes.py documents(): {missing}"
    assert len(ours) >= 12


def test_every_blueprint_in_the_package_is_registered(make_app):

    _every_site_module()
    declared = set()
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("site_app") and module is not None:
            declared |= {value.name for value in vars(module).values() if isinstance(value, Blueprint)}
    unregistered = sorted(declared - set(make_app().blueprints))
    assert not unregistered, f"blueprints never registered in create_app: {unregistered}"
    assert {"main", "auth", "posts", "api"} <= declared
