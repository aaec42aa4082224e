"""The view end to end: `attrition view` serves it, a real (headless) Chromium opens it, steps it and screenshots it.

Needs Playwright's Python package and a Chromium binary: Debian's `chromium`
package, or the path in ATTRITION_CHROMIUM. Without them the tests are
skipped, with the reason; with ATTRITION_REQUIRE_BROWSER=1 (CI sets it) they
fail instead. Offline, the page also needs Solara's browser assets in the
venv's cache (`python -m app.assets`, run by `make setup`): without them it
stays blank, and the failure says so.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ATTRITION_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REQUIRED = os.environ.get("ATTRITION_REQUIRE_BROWSER") == "1"
SERVER_START_SECONDS = 60
PAGE_SECONDS = 30


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install playwright (the project's `test` extra)"
    if not CHROMIUM:
        return "no Chromium found: install Debian's chromium package or set ATTRITION_CHROMIUM"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium found: ATTRITION_CHROMIUM={CHROMIUM} is not an executable file; install Debian's "
                "chromium package or set ATTRITION_CHROMIUM")
    return None


@pytest.fixture(scope="module")
def chromium_path() -> str:
    why = _missing_browser()
    if why is not None:
        if REQUIRED:
            pytest.fail(f"ATTRITION_REQUIRE_BROWSER=1 but {why}", pytrace=False)
        pytest.skip(why)
    return CHROMIUM


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _output(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else "(no output)"


@pytest.fixture(scope="module")
def view_server(chromium_path, tmp_path_factory):
    """`attrition view` on a free port, answering HTTP; stopped (its whole process group) afterwards."""
    port = free_port()
    log = tmp_path_factory.mktemp("view-server") / "server.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "experiments.cli", "view", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://localhost:{port}/"
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"`attrition view` exited with status {process.returncode} before answering; "
                            f"its output:\n{_output(log)}", pytrace=False)
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"`attrition view` did not answer on {url} within {SERVER_START_SECONDS} s; "
                            f"its output:\n{_output(log)}", pytrace=False)
            time.sleep(0.25)
        yield url, process, log
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and the `solara run` it started: both are in the process group it leads."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # what is left of the group, the grandchild included
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


IMAGES = """() => Array.from(document.querySelectorAll('img'))
    .filter(img => img.complete && img.naturalWidth > 0)
    .map(img => ({src: img.src, width: img.naturalWidth, height: img.naturalHeight}))"""
"""The page's rendered images (the map first, then the plots), as the browser decoded them."""
MAP_REDRAWN = f"(old) => {{ const now = ({IMAGES})(); return now.length >= 2 && now[0].src !== old; }}"
"""True once the map's image is no longer the one whose src is passed."""


def test_view_serves_steps_and_redraws_in_chromium(view_server, chromium_path, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, process, log = view_server
    shot = tmp_path / "view-e2e.png"
    messages: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(PAGE_SECONDS * 1000)
            page.on("console", lambda m: messages.append(f"console {m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: messages.append(f"request failed: {r.url} ({r.failure})"))
            page.goto(url, wait_until="domcontentloaded")
            try:
                expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=PAGE_SECONDS * 1000)
                shown = True
            except AssertionError:
                shown = False
            if not shown:
                page.screenshot(path=str(tmp_path / "blank.png"))
                pytest.fail("the page never showed 'Time: 0.0' (blank page? offline, Solara's browser assets must be "
                            "in its cache: run `python -m app.assets`);\nbrowser:\n" + "\n".join(messages[-30:])
                            + f"\nserver:\n{_output(log)}", pytrace=False)
            page.wait_for_function(f"({IMAGES})().length >= 2")
            before = page.evaluate(IMAGES)
            assert len(before) == 2, f"expected the map and the plots, found {before!r:.300}"
            assert all(img["width"] > 100 and img["height"] > 100 for img in before)
            map_src = before[0]["src"]

            page.get_by_role("button", name="Step").click()
            expect(page.get_by_text("Time: 1.0")).to_be_visible(timeout=PAGE_SECONDS * 1000)
            page.wait_for_function(MAP_REDRAWN, arg=map_src)
            after = page.evaluate(IMAGES)
            assert after[0]["src"] != map_src, "the map is redrawn after a step"
            assert after[1]["src"] != before[1]["src"], "the plots are redrawn after a step"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    print(f"screenshot: {shot}")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    assert not [m for m in messages if m.startswith("page error")], "\n".join(messages)
