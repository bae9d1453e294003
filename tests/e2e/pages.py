"""What a person does in the browser, in a few verbs (Selenium underneath)."""

from __future__ import annotations

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.accessibility import blocking, describe, violations

NEXT_PAGE = "return window.__leaving === undefined && document.readyState === 'complete'"


class Browser:
    """A participant or organiser using the pages; axe-core audits every page it reaches."""

    def __init__(self, driver):
        self.driver = driver
        self.audited: list[str] = []

    def open(self, url: str) -> None:
        self.driver.get(url)
        self.check_accessibility()

    def check_accessibility(self) -> None:
        """No serious or critical axe-core violation on the page as it stands."""
        found = blocking(violations(self.driver))
        assert not found, describe(self.driver.current_url, found)
        self.audited.append(self.driver.current_url)

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "body") -> str:
        return self.find(css).text

    def fill(self, **fields: str) -> None:
        """Type into the fields named like the form (``venue__name`` for ``venue.name``)."""
        for name, value in fields.items():
            element = self.find(f'[name="{name.replace("__", ".")}"]')
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif element.get_attribute("type") in {"datetime-local", "date", "time", "number"}:
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.clear()
                element.send_keys(value)

    def tick(self, name: str) -> None:
        box = self.find(f'input[name="{name}"]')
        if not box.is_selected():
            box.click()

    def press(self, label: str) -> None:
        """Click the button (or link styled as one) with this text and wait for the next page."""
        for element in self.all("button, a.button"):
            if element.text.strip() == label:
                self._navigate(element)
                return
        raise AssertionError(f"no button {label!r} on {self.driver.current_url}")

    def follow(self, css: str) -> None:
        """Follow a link and wait for the next page."""
        self._navigate(self.find(css))

    def _navigate(self, element) -> None:
        self.driver.execute_script("window.__leaving = true")  # gone once the next page loads
        element.click()
        WebDriverWait(self.driver, 10).until(lambda driver: driver.execute_script(NEXT_PAGE))
        self.check_accessibility()

    def until(self, predicate, timeout: float = 20.0, reload: bool = False):
        """Wait (reloading the page if asked) until the predicate holds."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out on {self.driver.current_url}: {self.text()[:500]}")
            time.sleep(0.2)
            if reload:
                self.driver.refresh()

    def login(self, credential: str) -> None:
        """Log in on the organiser login page this browser was sent to."""
        self.fill(credential=credential)
        self.press("Log in")
