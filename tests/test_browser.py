"""One real browser: `m2c apps` served on loopback, headless Chromium (Debian's) loads two pages."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import AppData

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(app_data: AppData) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "M2C_DATABASE_URL": app_data.url}
    server = subprocess.Popen(
        [sys.executable, "-m", "m2c.cli", "apps", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield base
    finally:
        # SIGTERM first; SIGKILL where it is ignored (a background job can inherit SIGTERM ignored).
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


PAGES = {
    "": ("Overview · 2024-04", "AR subledger closing", "Held for review"),
    "trends": ("Sales and usage", "Billed usage by service"),
    "arrears": ("Arrears and aging", "Accounts per dunning stage"),
    "account": ("Account", "Type an account id"),
    "review_readings": ("Reading anomalies", "waiting for a decision"),
    "review_bills": ("Held bills", "bills held in 2024-04", "Average of the last 6 invoices"),
    "review_payments": ("Unapplied cash", "payments unapplied"),
    "review_write_offs": ("Write-off candidates", "write-off candidates at the end of"),
}


@pytest.mark.browser
@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs Debian chromium and chromium-driver (make test installs them)"
)
def test_every_page_in_chromium(served: str, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1400,2400",
    ):
        options.add_argument(flag)
    # Every page, with words it must show; screenshots in M2C_SHOTS (to look at) or the test's folder.
    shots = Path(os.environ.get("M2C_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:

        def page_text_contains(*words: str):
            return lambda d: all(w in d.find_element(By.TAG_NAME, "body").text for w in words)

        for path, words in PAGES.items():
            driver.get(f"{served}/{path}")
            WebDriverWait(driver, 120).until(page_text_contains(*words))
            time.sleep(2)  # charts draw after the text
            driver.save_screenshot(str(shots / f"{path or 'overview'}.png"))
    finally:
        driver.quit()
    for path in PAGES:
        assert (shots / f"{path or 'overview'}.png").stat().st_size > 10_000
