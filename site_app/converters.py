"""URL converters: ``<objectid:post_id>`` matches only a 24-hex ObjectId and
hands the view an ``ObjectId``, so a malformed id is a 404 before any view
runs and no view parses ids itself."""

from bson import ObjectId
from werkzeug.routing import BaseConverter


class ObjectIdConverter(BaseConverter):
    regex = "[0-9a-fA-F]{24}"

    def to_python(self, value):
        return ObjectId(value)

    def to_url(self, value):
        return str(value)


def register(app):
    app.url_map.converters["objectid"] = ObjectIdConverter
