"""Shared helpers for the real-browser tests: `kinerja-sim serve FACE` on a free loopback port,
Debian's chromium driven by Playwright (Python), screenshots as git-ignored artifacts.

Use from a test module::

    from browser import ARTIFACTS, served, chromium_page

    def test_x():
        with served("sosialisasi") as url, chromium_page() as page:
            page.goto(url, timeout=120_000)

Readiness is the TCP port (never an HTTP request to ``/``: that would execute the notebook in
a fresh kernel), polled while checking that the server is still alive. Under CI (env ``CI``
set) a missing chromium or Playwright fails the test instead of skipping it; `.ci/run`
installs chromium.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"  # git-ignored
CHROMIUM = os.environ.get("KINERJA_SIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: Requests the Voila page makes to the internet (font-awesome CSS from a CDN); offline they
#: fail harmlessly (icons missing, widgets fine) and are not counted as page errors.
OFFLINE_NOISE = ("cdn.jsdelivr.net", "ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED")


def require_browser() -> None:
    """Skip when chromium or Playwright is missing locally; fail under CI."""
    missing = []
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (Python)")
    if missing:
        message = "real-browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: .ci/run installs chromium)")
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(proc: subprocess.Popen, port: int, timeout: float = 120.0) -> None:
    """Wait until something listens on ``port``; fail at once if ``proc`` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise AssertionError(f"server exited with {proc.returncode}: {err[-3000:]}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


@contextmanager
def served(face: str, *extra: str, timeout: float = 120.0) -> Iterator[str]:
    """Run ``kinerja-sim serve FACE --port P`` and yield its URL; stop it (and only it: its own
    process group) afterwards."""
    port = free_port()
    log = (ARTIFACTS / f"serve-{face}.log")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "kinerja_sim.cli", "serve", face,
                                 "--port", str(port), *extra], stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
        try:
            try:
                wait_for_port(proc, port, timeout)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{log.read_text(errors='replace')[-3000:]}"
                                     ) from None
            yield f"http://127.0.0.1:{port}/"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@contextmanager
def chromium_page(width: int = 1280, height: int = 900):
    """A Playwright page in Debian's chromium; ``page.errors`` collects page errors (JS
    exceptions and failed console errors other than the offline CDN noise)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not
                    any(s in m.text for s in OFFLINE_NOISE) and "Failed to load resource"
                    not in m.text else None)
            page.errors = errors
            yield page
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ (git-ignored) and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

