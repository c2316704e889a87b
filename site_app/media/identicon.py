"""Generated avatars: a symmetric 5 x 5 pattern in a colour, both taken
from a hash of the username, drawn as a small SVG. No third-party service
learns who reads which page.
"""

import hashlib

_GRID = 5


def identicon_svg(seed, size):
    """The SVG identicon for ``seed`` (a username), ``size`` pixels square."""
    digest = hashlib.sha256(seed.strip().lower().encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    saturation = 45 + digest[2] % 30
    lightness = 40 + digest[3] % 20
    colour = f"hsl({hue}, {saturation}%, {lightness}%)"
    cells = []
    half = (_GRID + 1) // 2
    for row in range(_GRID):
        for column in range(half):
            if digest[4 + row * half + column] % 2:
                # Mirrored so the pattern reads like a face or a badge.
                for x in {column, _GRID - 1 - column}:
                    cells.append(f'<rect x="{x}" y="{row}" width="1" height="1"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="-0.5 -0.5 {_GRID + 1} {_GRID + 1}" shape-rendering="crispEdges">'
        f'<rect x="-0.5" y="-0.5" width="{_GRID + 1}" height="{_GRID + 1}" fill="#f0f0f0"/>'
        f'<g fill="{colour}">{"".join(cells)}</g></svg>'
    )
