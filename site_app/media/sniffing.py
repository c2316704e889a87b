"""What a non-image upload really is, judged by its bytes, never its name.

Only a few types are recognised; the ``ALLOWED_ATTACHMENT_TYPES`` setting
chooses which of them the site accepts.
"""

import codecs
import re

_READ_SIZE = 64 * 1024
# Markup a browser could run script from: refused even though it is text.
_MARKUP = re.compile(rb"^\s*<(\?xml|!doctype|html|svg|script|head|body|iframe|object|!--)", re.IGNORECASE)
_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
]


def looks_like_markup(stream):
    """True for HTML, SVG and XML documents (a byte order mark allowed)."""
    stream.seek(0)
    head = stream.read(1024)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return bool(_MARKUP.match(head)) or b"<svg" in head.lower()


def sniff_type(stream):
    """The content type the bytes show, or ``None`` when unknown.

    Plain text is valid UTF-8 with no NUL bytes, checked over the whole file
    in bounded reads.
    """
    stream.seek(0)
    head = stream.read(16)
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return "text/plain" if _is_utf8_text(stream) else None


def _is_utf8_text(stream):
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while True:
            block = stream.read(_READ_SIZE)
            if not block:
                decoder.decode(b"", final=True)
                return True
            if b"\x00" in block:
                return False
            decoder.decode(block)
    except UnicodeDecodeError:
        return False
