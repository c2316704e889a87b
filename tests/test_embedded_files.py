"""The embedded default keeps a writer's blog between runs: `flask demo`
started on a folder, a post with an uploaded picture written, the server
stopped (cleanly, or killed after the save interval), started again: the post
and its picture are there. A damaged file stops the start with one line
naming it; `--reset` starts afresh; tests and scripts stay in memory."""

import io
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from helpers import child_site_environment
from PIL import Image

from site_app.embedded_files import FILE_NAME, SAVE_EVERY_SECONDS
from site_app.seed.documents import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.embedded_only("about keeping the embedded backend in a folder"), pytest.mark.slow]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Demo:
    """``flask demo`` (or ``flask run``) in its own process, on ``folder``."""

    def __init__(self, folder, *options, command="demo"):
        self.url = f"http://127.0.0.1:{_free_port()}"
        env = child_site_environment("SITE_URL")
        env.update(EMBEDDED_DATA_DIR=str(folder), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "site_app",
                command,
                "--port",
                self.url.rsplit(":", 1)[1],
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.web = requests.Session()

    def wait_until_serving(self):
        deadline = time.monotonic() + 60
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError("the demo did not start:\n" + self.stop(signal.SIGKILL)[1])

    def stop(self, how=signal.SIGTERM):
        """(exit code, what it wrote on stderr)"""
        self.process.send_signal(how)
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr

    def get(self, path):
        return self.web.get(self.url + path, timeout=10)

    def csrf_token(self, path):
        page = self.get(path).text
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|data-csrf-token="([^"]+)"', page)
        return found.group(1) or found.group(2)

    def log_in(self):
        response = self.web.post(
            self.url + "/auth/login",
            allow_redirects=False,
            data={
                "email": "demo@example.com",
                "password": DEMO_PASSWORD,
                "csrf_token": self.csrf_token("/auth/login"),
            },
        )
        assert response.status_code == 302

    def write_post_with_picture(self, title, colour):
        """Upload a picture as the editor does, publish a post showing it;
        returns (the post's path, the picture's path)."""
        picture = io.BytesIO()
        Image.new("RGB", (320, 200), colour).save(picture, "PNG")
        token = self.csrf_token("/write")
        uploaded = self.web.post(
            self.url + "/upload",
            headers={"X-CSRFToken": token},
            files={"file": (f"{colour}.png", picture.getvalue(), "image/png")},
        )
        assert uploaded.status_code == 201, uploaded.text
        stored = uploaded.json()
        published = self.web.post(
            self.url + "/write",
            allow_redirects=False,
            data={
                "csrf_token": token,
                "title": title,
                "tags": "keeping",
                "body": f"Kept between runs.\n\n{stored['markdown']}\n",
            },
        )
        assert published.status_code == 302, published.text
        return published.headers["Location"].replace(self.url, ""), stored["url"]


def read_back(demo, post, picture):
    """(the post page's status, the picture's status, its bytes)"""
    page, image = demo.get(post), demo.get(picture)
    return page.status_code, image.status_code, image.content


def test_posts_and_pictures_outlive_a_stop_and_a_crash(tmp_path):
    demo = Demo(tmp_path).wait_until_serving()
    demo.log_in()
    post, picture = demo.write_post_with_picture("Kept through a crash", "teal")
    before = read_back(demo, post, picture)
    assert before[:2] == (200, 200)
    data_file = tmp_path / FILE_NAME
    written = data_file.stat().st_mtime
    time.sleep(SAVE_EVERY_SECONDS + 1.5)  # the saver's turn
    assert data_file.stat().st_mtime > written
    demo.stop(signal.SIGKILL)  # a crash: nothing saved on the way out

    demo = Demo(tmp_path).wait_until_serving()
    assert read_back(demo, post, picture) == before
    assert "Kept through a crash" in demo.get(post).text
    demo.log_in()
    second, second_picture = demo.write_post_with_picture("Kept through a stop", "plum")
    kept = read_back(demo, second, second_picture)
    code, _ = demo.stop()  # at once: only the clean stop saves it
    assert code == 0

    demo = Demo(tmp_path, command="run").wait_until_serving()  # `flask run` keeps it too
    assert read_back(demo, second, second_picture) == kept
    assert read_back(demo, post, picture) == before
    assert "Kept through a stop" in demo.get("/").text
    demo.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no temporary left

    demo = Demo(tmp_path, "--reset").wait_until_serving()
    assert demo.get(post).status_code == 404
    assert demo.get(picture).status_code == 404
    demo.log_in()  # the demo content, afresh
    demo.stop()


def test_a_damaged_data_file_stops_the_start_with_one_line_naming_it(tmp_path):
    Demo(tmp_path).wait_until_serving().stop()
    data_file = tmp_path / FILE_NAME
    data_file.write_bytes(data_file.read_bytes()[:5000])  # cut short

    demo = Demo(tmp_path)
    code, stderr = demo.process.wait(timeout=60), demo.process.stderr.read()

    assert code == 1
    assert "Traceback" not in stderr
    [line] = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: the embedded data file {data_file} is damaged (")
    assert data_file.stat().st_size == 5000  # left as it was, for the writer to keep


def test_apps_tests_and_scripts_build_stay_in_memory(tmp_path, monkeypatch, make_app):
    monkeypatch.chdir(tmp_path)
    app = make_app(config_name="development", EMBEDDED_DATA_DIR=str(tmp_path))
    with app.app_context():
        from site_app.models import Role

        Role.insert_roles()
    assert "embedded_store" not in app.extensions
    assert list(tmp_path.iterdir()) == []
    assert make_app().config["EMBEDDED_DATA_DIR"] is None
