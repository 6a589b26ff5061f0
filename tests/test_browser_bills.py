"""One real browser on the account page: the bill preview of an issued invoice (m2c apps, headless Chromium).
The screenshot is kept in var/test-output/bills/ to be looked at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import CHROMEDRIVER, CHROMIUM, served  # noqa: F401  (the fixture)

OUTPUT = Path(__file__).parent.parent / "var" / "test-output" / "bills"


@pytest.mark.browser
@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs Debian chromium and chromium-driver (make test installs them)"
)
def test_account_page_previews_a_bill_in_chromium(served: str) -> None:  # noqa: F811
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,2200")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:

        def body_has(*words: str):
            return lambda d: all(w in d.find_element(By.TAG_NAME, "body").text for w in words)

        driver.get(f"{served}/account")
        WebDriverWait(driver, 90).until(body_has("Search an account"))
        search = driver.find_element(By.CSS_SELECTOR, "input[aria-label^='Search an account']")
        search.send_keys("A0000007", Keys.ENTER)
        WebDriverWait(driver, 120).until(body_has("Bills", "Download the bill (PDF, marked copy)", "page 1 (copy)"))
        preview = driver.find_element(By.CSS_SELECTOR, "img[alt*='page 1'], [data-testid='stImage'] img")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", preview)
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return arguments[0].naturalWidth", preview) > 500)
        driver.save_screenshot(str(OUTPUT / "account_bill_preview.png"))
    finally:
        driver.quit()
    assert (OUTPUT / "account_bill_preview.png").stat().st_size > 50_000
