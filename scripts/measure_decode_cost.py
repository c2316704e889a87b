"""Time and peak memory of storing one crafted upload (issue 12, item 10).

    python scripts/measure_decode_cost.py

Each case runs in a fresh process (peak RSS is per process; the file is made
beforehand by the parent, so compare with the baseline case) through the same
code path as ``POST /upload``: ``storage.store_upload`` on the embedded
database. Prints one line a case: status, seconds, peak RSS in MB.
"""

import io
import json
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def png_declaring(width, height):
    """A valid PNG of ``width`` x ``height`` black pixels, tiny on disk."""
    import struct

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * width  # filter byte + grey pixels
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def gif_with_frames(frames, side):
    from PIL import Image, ImageDraw

    images = []
    for n in range(frames):  # each frame differs, so none is merged away
        frame = Image.new("RGB", (side, side), "white")
        ImageDraw.Draw(frame).rectangle([n, n, n + 10, n + 10], fill=(n % 256, 0, 0))
        images.append(frame)
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=40)
    return out.getvalue()


CASES = {
    "baseline-small-png": lambda: png_declaring(64, 64),
    "png-40mp": lambda: png_declaring(6400, 6250),
    "gif-300-frames": lambda: gif_with_frames(300, 500),
}


def _peak_rss_kb():
    # VmHWM starts afresh at exec; getrusage's ru_maxrss would carry over the
    # parent's peak (Linux keeps it across execve).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def run_case(name, path):
    import time

    from werkzeug.datastructures import FileStorage

    sys.path.insert(0, str(ROOT))
    from site_app import create_app
    from site_app.media import storage
    from site_app.models import Role, User

    data = Path(path).read_bytes()  # made by the parent: its cost is not measured
    app = create_app("testing")
    with app.test_request_context():
        Role.insert_roles()
        user = User.register(email="m@example.com", username="m", password="long enough")
        start = time.perf_counter()
        try:
            storage.store_upload(FileStorage(io.BytesIO(data), filename="x", content_type=""), user)
            status = "stored"
        except storage.UploadRejected as rejected:
            status = f"refused {rejected.status}: {rejected.message}"
        seconds = time.perf_counter() - start
    peak_mb = _peak_rss_kb() / 1024
    print(
        json.dumps(
            {
                "case": name,
                "bytes": len(data),
                "status": status,
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 2:
        run_case(sys.argv[1], sys.argv[2])
    else:
        import tempfile

        for case, make in CASES.items():
            with tempfile.NamedTemporaryFile(suffix=".upload") as upload:
                upload.write(make())
                upload.flush()
                subprocess.run([sys.executable, __file__, case, upload.name], check=True)
