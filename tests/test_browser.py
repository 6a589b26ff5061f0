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


@pytest.mark.browser
@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs Debian chromium and chromium-driver (make test installs them)"
)
def test_overview_and_review_queue_in_chromium(served: str, tmp_path: Path) -> None:
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
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:

        def page_text_contains(*words: str):
            return lambda d: all(w in d.find_element(By.TAG_NAME, "body").text for w in words)

        driver.get(served)
        WebDriverWait(driver, 90).until(page_text_contains("Overview · 2024-04", "Total AR", "Billed revenue"))
        driver.save_screenshot(str(tmp_path / "overview.png"))

        driver.get(f"{served}/review_bills")
        WebDriverWait(driver, 90).until(page_text_contains("Held bills", "bills held in 2024-04"))
        driver.save_screenshot(str(tmp_path / "review_bills.png"))
    finally:
        driver.quit()
    for name in ("overview.png", "review_bills.png"):
        assert (tmp_path / name).stat().st_size > 10_000
