"""The view end to end: `attrition view` serves it, a real (headless) Chromium opens it at 1400x900 and checks it.

At 1400x900 it reads from the page: the smallest rendered text (computed font
sizes, SVG text scaled as drawn), where the figures sit, the summary card and
the lever values; it measures Play (days advanced per wall second, printed),
downloads both exports and parses them, checks the changed-lever mark, Reset
and the scenario picker, saves a screenshot into the test's tmp_path (path
printed), and fails on any console error. Killing `attrition view` (SIGTERM,
SIGINT) must leave nothing serving its port.

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


SMALLEST_TEXT = """() => {
    const sizes = [];
    for (const el of document.querySelectorAll('body *')) {
        const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.opacity) === 0) continue;
        let size = parseFloat(style.fontSize);
        if (el instanceof SVGElement && el.ownerSVGElement) size *= el.ownerSVGElement.getScreenCTM().a;
        sizes.push({size: size, text: el.textContent.trim().slice(0, 40), tag: el.tagName});
    }
    sizes.sort((a, b) => a.size - b.size);
    return sizes;
}"""
"""Every piece of visible text on the page with its rendered size in pixels (SVG text scaled as drawn), smallest
first."""
FIGURES = """() => Array.from(document.querySelectorAll('.theatre-map, .time-plot-chart')).map(el => {
    const box = el.getBoundingClientRect(); return {top: box.top, bottom: box.bottom, width: box.width}; })"""
DAY = """() => { const el = document.querySelector('.summary-day'); return el ? el.textContent : ''; }"""
PLAY_SECONDS = 6
"""How long the test lets the view play to measure its speed."""


def view_days_per_frame() -> int:
    from app.view import DAYS_PER_FRAME

    return DAYS_PER_FRAME


def _day(page) -> int:
    return int(page.evaluate(DAY).split()[1])


def _browser(p, chromium_path):
    return p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)


def _open(browser, url, messages, log, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page.set_default_timeout(PAGE_SECONDS * 1000)
    page.on("console", lambda m: messages.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: messages.append(f"request failed: {r.url} ({r.failure})"))
    page.goto(url, wait_until="domcontentloaded")
    try:
        expect(page.get_by_text("Day 0 of 365")).to_be_visible(timeout=PAGE_SECONDS * 1000)
    except AssertionError:
        page.screenshot(path=str(tmp_path / "blank.png"))
        pytest.fail("the page never showed 'Day 0 of 365' (blank page? offline, Solara's browser assets must be in "
                    "its cache: run `python -m app.assets`);\nbrowser:\n" + "\n".join(messages[-30:])
                    + f"\nserver:\n{_output(log)}", pytrace=False)
    return page


def _check_layout(page) -> None:
    """Text no smaller than 11 px; the map and plots fill the page's width and reach its lower part."""
    sizes = page.evaluate(SMALLEST_TEXT)
    smallest = sizes[0]
    print(f"smallest text: {smallest['size']:.1f} px ({smallest['tag']} {smallest['text']!r}); "
          f"{len(sizes)} pieces of text measured")
    assert smallest["size"] >= 11, f"text below 11 px at 1400x900: {sizes[:5]}"
    assert page.locator(".home-country").count() == 1, "the map draws Ukraine (run `python -m app.assets`)"
    figures = page.evaluate(FIGURES)
    assert len(figures) == 3
    assert figures[0]["width"] > 0.35 * 1400, f"the map uses the page: {figures}"
    assert max(f["bottom"] for f in figures) > 0.75 * 900, f"the plots reach the lower part of the page: {figures}"


def _check_card_and_levers(page) -> None:
    from playwright.sync_api import expect

    card = page.locator(".summary-card")
    for words in ("launched", "got through", "neutralised", "damage", "stock left", "PAC-3 MSE", "Shahed-type"):
        expect(card).to_contain_text(words)
    values = page.locator(".lever-value")
    expect(values.first).to_be_visible()
    expect(page.locator(".lever-value", has_text="6 of 6 batteries kept")).to_be_visible()
    expect(page.locator(".lever-value", has_text="largest salvo: 700")).to_be_visible()


def _measure_play(page) -> float:
    """Days advanced per wall-clock second while playing."""
    from playwright.sync_api import expect

    before = _day(page)
    started = time.monotonic()
    page.get_by_role("button", name="▶").click()
    time.sleep(PLAY_SECONDS)
    days = _day(page) - before  # what the page shows after PLAY_SECONDS
    elapsed = time.monotonic() - started
    page.get_by_role("button", name="❚❚").click()
    expect(page.get_by_role("button", name="▶")).to_be_visible(timeout=PAGE_SECONDS * 1000)
    rate = days / elapsed
    print(f"play speed: {days} days in {elapsed:.1f} s = {rate:.1f} days/s")
    return rate


def _check_exports(page, tmp_path) -> None:
    import io
    import tomllib

    import pandas as pd

    day = _day(page)
    with page.expect_download() as csv_download:
        page.get_by_text("daily table (CSV)").click()
    csv_path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_path)
    frame = pd.read_csv(io.BytesIO(csv_path.read_bytes()))
    assert len(frame) == day and "stock_pac3_mse" in frame.columns
    with page.expect_download() as toml_download:
        page.get_by_text("scenario (TOML)").click()
    toml_path = tmp_path / toml_download.value.suggested_filename
    toml_download.value.save_as(toml_path)
    assert tomllib.loads(toml_path.read_text())["name"] == "baseline-2025"
    print(f"exported: {csv_path.name}, {toml_path.name}")


def _check_mark_reset_and_picker(page) -> None:
    from playwright.sync_api import expect

    page.get_by_label("seed").fill("7")
    expect(page.locator(".levers-changed")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".levers-changed")).to_have_count(0)
    expect(page.get_by_text("Day 0 of 365")).to_be_visible()
    page.locator(".v-input", has=page.get_by_label("scenario")).locator(".v-field").first.click()
    page.get_by_role("option", name="production-race").click()
    expect(page.locator(".levers-changed")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("Day 0 of 1095")).to_be_visible()
    expect(page.locator(".levers-changed")).to_have_count(0)


def test_view_in_chromium_at_1400x900(view_server, chromium_path, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, process, log = view_server
    shot = tmp_path / "view-1400x900.png"
    messages: list[str] = []
    with sync_playwright() as p:
        browser = _browser(p, chromium_path)
        try:
            page = _open(browser, url, messages, log, tmp_path)
            _check_card_and_levers(page)
            page.get_by_role("button", name="Step").click()
            expect(page.get_by_text(f"Day {view_days_per_frame()} of 365")).to_be_visible()  # Step: one frame
            rate = _measure_play(page)
            _check_layout(page)
            page.screenshot(path=str(shot))
            _check_exports(page, tmp_path)
            _check_mark_reset_and_picker(page)
        finally:
            browser.close()
    print(f"screenshot: {shot}")
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    errors = [m for m in messages if m.startswith(("page error", "console error"))]
    assert not errors, "\n".join(messages)
    # Play must play; how fast is a figure the test prints (target: 5 days/s), not a timed assertion that a loaded
    # CI machine would fail at random
    assert rate > 0, "Play did not advance the day"


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_killing_attrition_view_frees_its_port(chromium_path, tmp_path, sig):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(tmp_path / "server.log", "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "experiments.cli", "view", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _answers(port):
            assert process.poll() is None, _output(tmp_path / "server.log")
            assert time.monotonic() < deadline, "`attrition view` never listened"
            time.sleep(0.25)
        process.send_signal(sig)  # to `attrition view` itself, not its process group
        process.wait(timeout=30)
        assert not _answers(port), f"after {sig.name} something still serves port {port}"
    finally:
        _stop(process)
