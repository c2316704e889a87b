"""Sending GridFS files the way a CDN would: streamed in bounded chunks,
with validators (ETag, Last-Modified), conditional GET and single ranges.
"""

from flask import request
from flask.wrappers import Response
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified, parse_range_header

from ..errors import error_response
from .storage import is_inline_image

# Stored content never changes under its id, so browsers and proxies may
# keep it for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
# Served files run no script and load nothing, whatever they contain.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def stream_gridfs_file(grid_out, cache_control=IMMUTABLE):
    """The response for one stored file: 200, 206, 304 or 416.

    Only the requested bytes are read, one GridFS chunk at a time, while
    the response is being sent.
    """
    metadata = grid_out.metadata or {}
    content_type = metadata.get("content_type") or "application/octet-stream"
    length = grid_out.length
    etag = metadata.get("sha256") or str(grid_out._id)
    last_modified = grid_out.upload_date

    response = Response(status=200)
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = cache_control
    response.headers["Accept-Ranges"] = "bytes"
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        grid_out.close()
        response.status_code = 304
        return response

    start, stop = 0, length
    if "Range" in request.headers and _range_applies(etag, last_modified):
        requested = _single_range(request.headers["Range"], length)
        if requested is None:
            grid_out.close()
            return error_response(
                416, _("The requested range is not within the file."), {"Content-Range": f"bytes */{length}"}
            )
        if requested is not False:
            start, stop = requested
            response.status_code = 206
            response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{length}"

    response.response = _read_chunks(grid_out, start, stop)
    response.direct_passthrough = True
    response.content_length = stop - start
    response.headers["Content-Type"] = content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    disposition = "inline" if is_inline_image(content_type) else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{grid_out.filename}"'
    return response


def _read_chunks(grid_out, start, stop):
    """Yield bytes ``start``..``stop`` of a file, one GridFS chunk at a time."""
    try:
        grid_out.seek(start)
        remaining = stop - start
        while remaining > 0:
            data = grid_out.read(min(grid_out.chunk_size, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        grid_out.close()


def _single_range(header, length):
    """``(start, stop)`` for one satisfiable range, ``False`` to ignore the
    header (several ranges: the whole file is the simpler answer), or
    ``None`` when it is malformed or unsatisfiable (416)."""
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes":
        return None
    if len(parsed.ranges) != 1:
        return False
    start, stop = parsed.ranges[0]
    if start < 0 and stop is None and length > 0:
        # A suffix longer than the file selects all of it (RFC 9110 14.1.2);
        # werkzeug calls it unsatisfiable.
        return max(length + start, 0), length
    return parsed.range_for_length(length)


def _range_applies(etag, last_modified):
    """``If-Range``: a range is only valid for the version the client has."""
    if_range = request.if_range
    if if_range.etag is not None:
        return if_range.etag == etag
    if if_range.date is not None:
        return last_modified is not None and (
            if_range.date.replace(tzinfo=None) == last_modified.replace(microsecond=0)
        )
    return True
