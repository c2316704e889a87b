"""Pictures for the demo posts, drawn with Pillow: no files shipped, no
network, and the same seed draws the same pictures."""

from io import BytesIO


def picture(rng, number):
    """A small abstract picture: a two-colour gradient with a few shapes, as
    ``(bytes, content type, file extension)``. Alternates PNG and JPEG so
    both paths of the file server get exercised."""
    from PIL import Image, ImageDraw, ImageOps

    width, height = rng.choice([(640, 400), (800, 450), (600, 600), (480, 640)])
    start, end = _colour(rng), _colour(rng)
    gradient = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270]))
    drawn = ImageOps.colorize(gradient.resize((width, height)), start, end)
    draw = ImageDraw.Draw(drawn)
    for _ in range(rng.randint(3, 9)):
        x, y = rng.randrange(width), rng.randrange(height)
        size = rng.randint(min(width, height) // 12, min(width, height) // 3)
        box = [x - size, y - size, x + size, y + size]
        shape = rng.choice(["ellipse", "rectangle", "triangle"])
        if shape == "ellipse":
            draw.ellipse(box, fill=_colour(rng))
        elif shape == "rectangle":
            draw.rectangle(box, fill=_colour(rng))
        else:
            draw.polygon([(x, y - size), (x - size, y + size), (x + size, y + size)], fill=_colour(rng))
    buffer = BytesIO()
    if number % 2:
        drawn.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "image/png", "png"
    drawn.save(buffer, "JPEG", quality=82)
    return buffer.getvalue(), "image/jpeg", "jpg"


def _colour(rng):
    return tuple(rng.randrange(256) for _ in range(3))
