"""Draw static/img/favicon.ico from the shapes of static/img/favicon.svg
(browsers and crawlers still ask for /favicon.ico). Pillow only: run once
after changing the logo, `python scripts/build_favicon.py`."""

from pathlib import Path

from PIL import Image, ImageDraw

SCALE = 8  # draw at 512 px, then let the ICO writer scale down smoothly
IMG = Path(__file__).resolve().parent.parent / "static" / "img"


def cubic(p0, p1, p2, p3, steps=24):
    return [
        tuple(
            (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d
            for a, b, c, d in zip(p0, p1, p2, p3)
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def main():
    image = Image.new("RGBA", (64 * SCALE, 64 * SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 64 * SCALE - 1, 64 * SCALE - 1), radius=14 * SCALE, fill="#1f4e79")
    # The nib: "M20 46 c10-4 18-14 24-30 -8 6-16 10-22 20 l-4 10z" of the SVG.
    nib = (
        cubic((20, 46), (30, 42), (38, 32), (44, 16))
        + cubic((44, 16), (36, 22), (28, 26), (22, 36))
        + [(18, 46)]
    )
    draw.polygon([(x * SCALE, y * SCALE) for x, y in nib], fill="#ffffff")
    draw.ellipse(((44 - 5) * SCALE, (46 - 5) * SCALE, (44 + 5) * SCALE, (46 + 5) * SCALE), fill="#f2b134")
    image.save(IMG / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
