"""/docs and /redoc in a real browser: headless Chromium (Debian's, driven by chromedriver
through Selenium) opens an app's Swagger UI, sees its operations, runs one with "Try it
out" against the live server and reads the answer; opens ReDoc and sees the operations
rendered. The pages load only what the server itself serves (the assets from npm): the
browser is given no other network, so a page that reached for a CDN would stay empty."""

from __future__ import annotations

import dataclasses
import shutil
from typing import Annotated, Any, Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from data_bridge import FastAPI, Query
from data_bridge.testing import serve


@dataclasses.dataclass
class Item:
    name: str
    price: float


def make_app() -> FastAPI:
    app = FastAPI(title="Browser shop", version="1.2.3")

    @app.get("/items/{item_id}", tags=["items"])
    async def read_item(item_id: int, q: Annotated[str | None, Query()] = None) -> dict:
        """Reads one item."""
        return {"item_id": item_id, "q": q}

    @app.post("/items/", tags=["items"], status_code=201)
    async def create_item(item: Item) -> Item:
        return item

    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(make_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000",
                # Nothing but the server under test: a page that reached elsewhere fails.
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"):
        options.add_argument(arg)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: Any, seconds: float = 30) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def test_pages_and_assets_are_served(base_url: str) -> None:
    docs = httpx.get(base_url + "/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "<title>Browser shop - Swagger UI</title>" in docs.text
    assert "'/openapi.json'" in docs.text or '"/openapi.json"' in docs.text
    redoc = httpx.get(base_url + "/redoc")
    assert "<title>Browser shop - ReDoc</title>" in redoc.text
    assert 'spec-url="/openapi.json"' in redoc.text
    for page in (docs.text, redoc.text):
        assert "https://" not in page  # nothing from elsewhere
    js = httpx.get(base_url + "/_data_bridge/docs/swagger-ui-bundle.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert len(js.content) > 100_000
    css = httpx.get(base_url + "/_data_bridge/docs/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css")
    redirect = httpx.get(base_url + "/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "swaggerUIRedirectOauth2" in redirect.text
    assert "/docs" not in httpx.get(base_url + "/openapi.json").json()["paths"]


def test_swagger_ui_runs_an_operation(browser: Any, base_url: str) -> None:
    browser.get(base_url + "/docs")
    title = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".info .title")))
    assert "Browser shop" in title.text
    operations = wait(browser).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
    paths = {o.get_attribute("data-path") or o.text for o in operations}
    assert {"/items/{item_id}", "/items/"} <= paths

    block = browser.find_element(By.ID, "operations-items-read_item_items__item_id__get")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait(browser).until(lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    inputs = wait(browser).until(
        lambda d: block.find_elements(By.CSS_SELECTOR, ".parameters input[type=text]"))
    inputs[0].send_keys("42")  # item_id
    inputs[1].send_keys("hello")  # q
    block.find_element(By.CSS_SELECTOR, ".execute").click()
    body = wait(browser).until(lambda d: block.find_element(
        By.CSS_SELECTOR, ".live-responses-table .response-col_description pre"))
    wait(browser).until(lambda d: "42" in body.text)
    assert '"item_id": 42' in body.text and '"q": "hello"' in body.text
    status = block.find_element(By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status")
    assert status.text.strip() == "200"


def test_redoc_renders_the_operations(browser: Any, base_url: str) -> None:
    browser.get(base_url + "/redoc")
    wait(browser).until(lambda d: "Reads one item." in d.find_element(By.TAG_NAME, "body").text)
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Browser shop" in text and "Read Item" in text and "Create Item" in text


def test_the_pages_follow_the_apps_settings() -> None:
    app = FastAPI(title="Tuned", docs_url="/api-docs", redoc_url=None,
                  swagger_ui_parameters={"deepLinking": False, "syntaxHighlight": False},
                  swagger_ui_init_oauth={"clientId": "abc", "appName": "<x>"},
                  swagger_ui_oauth2_redirect_url="/api-docs/redirect")

    @app.get("/x")
    def x() -> int:
        return 1

    with serve(app) as url:
        page = httpx.get(url + "/api-docs").text
        assert '"deepLinking": false' in page and '"syntaxHighlight": false' in page
        assert '"dom_id": "#swagger-ui"' in page  # the defaults stay
        assert "oauth2RedirectUrl: window.location.origin + \"/api-docs/redirect\"" in page
        assert 'ui.initOAuth({"clientId": "abc", "appName": "\\u003cx\\u003e"})' in page
        assert httpx.get(url + "/api-docs/redirect").status_code == 200
        assert httpx.get(url + "/docs").status_code == 404
        assert httpx.get(url + "/redoc").status_code == 404
