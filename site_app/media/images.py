"""Image decoding and re-encoding with Pillow.

Every image is decoded and written again before it is stored: that proves it
is an image, drops every metadata block (EXIF with GPS and serials, XMP,
ICC profiles, JPEG comments, GIF comment blocks, PNG text chunks) and any
payload glued after the pixels, and lets us bound its dimensions. The work
an image *declares* (width x height x frames) is checked against one budget
before a single pixel is decoded, so a small file that claims 40 MP or
300 frames costs nothing.
"""

import io
import struct
import warnings
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

# Formats we decode, and the content type each is served as. Pillow is told
# to try only these, so exotic decoders never see uploaded bytes.
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Animated images multiply the pixels to decode by their frame count.
MAX_FRAMES = 300
# What an encoder may take over from the decoded image: how frames are timed
# and which palette entry is transparent. Everything else in ``info``
# (comment, exif, xmp, icc_profile, text chunks, extensions) is metadata.
_PIXEL_INFO = {"transparency", "duration", "loop", "background", "disposal"}


class NotAnImage(ValueError):
    """The bytes are not an image in a format we accept."""


class BadImage(ValueError):
    """The bytes look like an image but cannot be used (damaged, too large)."""


@dataclass
class EncodedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def open_image(stream, max_pixels):
    """Open an upload as an image and check its declared size, decoding
    nothing yet. Raises :class:`NotAnImage` or :class:`BadImage`."""
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (and at twice its own limit raises) for large
            # images; our limit is checked just below, with a clear message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=list(IMAGE_TYPES))
    except Image.DecompressionBombError as exc:
        raise BadImage(_("The image declares more pixels than the site accepts (%(exc)s).", exc=exc)) from exc
    except UnidentifiedImageError as exc:
        raise NotAnImage(_("The file is not a JPEG, PNG, GIF or WebP image.")) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise BadImage(_("The image could not be read: %(exc)s", exc=exc)) from exc
    width, height = image.size
    frames = getattr(image, "n_frames", 1) if getattr(image, "is_animated", False) else 1
    if width < 1 or height < 1:
        raise BadImage(_("The image has no pixels."))
    if width * height > max_pixels:
        raise BadImage(
            _(
                "The image is %(width)s x %(height)s pixels; the site accepts at most %(max_pixels)s pixels.",
                width=width,
                height=height,
                max_pixels=format_number(max_pixels),
            )
        )
    # One budget for the whole upload: every frame is decoded.
    if frames > MAX_FRAMES or width * height * frames > max_pixels:
        raise BadImage(
            _(
                "The animation has %(frames)s frames of %(width)s x %(height)s pixels; "
                "the site decodes at most %(MAX_FRAMES)s frames and %(max_pixels)s "
                "pixels per image (frames x width x height).",
                frames=frames,
                width=width,
                height=height,
                MAX_FRAMES=MAX_FRAMES,
                max_pixels=format_number(max_pixels),
            )
        )
    return image


def _decode(image):
    """Decode every pixel now, so damage shows up as a clear error."""
    try:
        image.load()
    except Image.DecompressionBombError as exc:
        raise BadImage(_("The image is too large to decode.")) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise BadImage(_("The image is damaged or truncated (%(exc)s).", exc=exc)) from exc


def reencode(image, max_dimension):
    """The image decoded, turned upright, scaled to fit ``max_dimension``
    and encoded again without its metadata."""
    image_format = image.format
    _decode(image)
    if getattr(image, "is_animated", False):
        return _reencode_animation(image, image_format, max_dimension)
    upright = _upright(image)
    upright.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)
    return _encode(upright, image_format)


def thumbnail_of(image, size):
    """A smaller copy (first frame of an animation) for listings, or
    ``None`` when the image already fits."""
    if image.width <= size and image.height <= size:
        return None
    image.seek(0)
    still = _upright(image.copy())
    still.thumbnail((size, size), Image.Resampling.LANCZOS)
    return _encode(still, image.format)


def square(image, side):
    """A centred square crop scaled to at most ``side`` pixels (avatars),
    in RGB, or RGBA when the image has transparency."""
    _decode(image)
    image.seek(0)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    upright = _upright(image.copy()).convert("RGBA" if has_alpha else "RGB")
    shortest = min(upright.size)
    return ImageOps.fit(upright, (min(shortest, side),) * 2, Image.Resampling.LANCZOS)


def encode_avatar(image, side):
    """One avatar size: PNG when it has transparency, else JPEG."""
    if image.width > side:
        image = image.resize((side, side), Image.Resampling.LANCZOS)
    return _encode(image, "PNG" if image.mode == "RGBA" else "JPEG")


def _upright(image):
    """The image turned as its EXIF orientation says. A damaged EXIF block
    (Pillow raises SyntaxError on it) only loses the orientation: the
    pixels are fine, and the block is dropped anyway."""
    try:
        return ImageOps.exif_transpose(image)
    except (SyntaxError, ValueError, OSError, struct.error):
        return image.copy()


def _without_metadata(image):
    image.info = {key: value for key, value in image.info.items() if key in _PIXEL_INFO}
    return image


def _encode(image, image_format):
    out = io.BytesIO()
    image = _without_metadata(image)
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True)
    elif image_format == "PNG":
        image.save(out, format="PNG", optimize=True)
    elif image_format == "GIF":
        image.save(out, format="GIF")
    else:
        image.save(out, format="WEBP", quality=85)
    return EncodedImage(
        out.getvalue(), IMAGE_TYPES[image_format], _EXTENSIONS[image_format], image.width, image.height
    )


def _reencode_animation(image, image_format, max_dimension):
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        copy = _without_metadata(frame.convert("RGBA"))
        copy.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)
        frames.append(copy)
        durations.append(frame.info.get("duration", 100))
    out = io.BytesIO()
    frames[0].save(
        out,
        format=image_format,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=image.info.get("loop", 0),
        disposal=2,
    )
    first = frames[0]
    return EncodedImage(
        out.getvalue(), IMAGE_TYPES[image_format], _EXTENSIONS[image_format], first.width, first.height
    )
