"""The exported HTML page in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`) opens
the file from disk, and the tests look at what a person would see — the facts drawn, a clicked fact's sources,
the "as of" slider moved with the keyboard — and save a screenshot.

Skipped, with the reason, only where /usr/bin/chromium or /usr/bin/chromedriver is absent. Facts added here are
the invented test data of tests/test_exports.py, marked "(test data)".
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import chromium, missing
from tests.conftest import SAMPLE_FACTS
from tests.test_exports import export, with_test_facts

pytestmark = pytest.mark.skipif(missing() is not None, reason=missing() or "")

RECEPTION = "nhsc-reception-2022-03-23"
VNA_QUOTE = "Secretary of the Party Committee of Hanoi Dinh Tien Dung on March 23 hosted a reception"
VIETNAMESE_QUOTE = "Ngày 23/3, Ủy viên Bộ Chính trị, Bí thư Thành ủy Đinh Tiến Dũng"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium(1200, 900) as driver:
        yield driver


class Page:
    """The exported page open in the browser, read and worked as a person would."""

    def __init__(self, driver, path: Path):  # type: ignore[no-untyped-def]
        from selenium.webdriver.common.by import By

        self.driver, self.by = driver, By
        driver.get(path.resolve().as_uri())

    def find(self, css: str):  # type: ignore[no-untyped-def]
        return self.driver.find_element(self.by.CSS_SELECTOR, css)

    def shown_facts(self) -> dict[str, str]:
        """The facts drawn on the chart, by id, with the text of their label."""
        buttons = self.driver.find_elements(self.by.CSS_SELECTOR, "#chart button.fact")
        return {b.get_attribute("data-id"): b.text for b in buttons if b.is_displayed()}

    def fact(self, fact_id: str):  # type: ignore[no-untyped-def]
        return self.find(f'#chart button.fact[data-id="{fact_id}"]')

    def as_of(self, *keys: str) -> str:
        """Move the as-of slider with the keyboard; returns the day it shows."""
        self.find("#asof").send_keys(*keys)
        return self.find("#asof-day").text

    def detail(self) -> str:
        return self.find("#detail").text


def open_export(cli, browser, *args: str) -> Page:  # type: ignore[no-untyped-def]
    Path("page.html").write_text(export(cli, "--format", "html", *args), encoding="utf-8")
    return Page(browser, Path("page.html"))


def test_browser_draws_every_sample_fact(cli, sample_store, browser):
    page = open_export(cli, browser)
    shown = page.shown_facts()
    assert len(shown) == SAMPLE_FACTS
    assert page.find("#count").text == f"{SAMPLE_FACTS} of {SAMPLE_FACTS} facts"
    assert shown["hanoi-delegation-visits-japan-2023-11"].startswith("2023-11 Hanoi delegation")
    assert "uncertain" in page.fact("hanoi-guangzhou-working-session-2025").get_attribute("class")
    month_bar = page.fact("hanoi-delegation-visits-japan-2023-11").find_element(page.by.CSS_SELECTOR, ".mark")
    day_dot = page.fact(RECEPTION).find_element(page.by.CSS_SELECTOR, ".mark")
    assert month_bar.size["width"] > day_dot.size["width"]  # a month is drawn as a span, a day as a dot


def test_clicking_a_fact_shows_its_sources_with_their_quotes(cli, sample_store, browser):
    page = open_export(cli, browser)
    assert VNA_QUOTE not in page.detail()
    page.fact(RECEPTION).click()
    detail = page.detail()
    assert "Hanoi Party Secretary receives the Japanese Ambassador" in detail
    assert "VNA (en, 2022-03-24)" in detail and VNA_QUOTE in detail and VIETNAMESE_QUOTE in detail
    quotes = page.driver.find_elements(page.by.CSS_SELECTOR, "#detail blockquote.quote")
    assert len(quotes) == 2 and all(q.is_displayed() for q in quotes)


def test_as_of_slider_hides_facts_reported_later_and_shows_sources_as_they_stood(cli, sample_store, browser):
    from selenium.webdriver.common.keys import Keys

    page = open_export(cli, browser)
    page.fact(RECEPTION).click()
    assert page.as_of(Keys.HOME) == "2022-03-24"
    assert set(page.shown_facts()) == {RECEPTION, "nhsc-land-clearance-basically-met-2022-03"}
    assert page.find("#count").text == f"2 of {SAMPLE_FACTS} facts"
    detail = page.detail()  # only VNA's English report was out: the Vietnamese page counts from 2022-03-31
    assert VNA_QUOTE in detail and VIETNAMESE_QUOTE not in detail
    assert page.as_of(Keys.ARROW_RIGHT) == "2022-03-31"
    assert len(page.shown_facts()) == 3 and VIETNAMESE_QUOTE in page.detail()
    assert page.as_of(Keys.END) == "2025-12-31 (latest)"
    assert len(page.shown_facts()) == SAMPLE_FACTS


def test_as_of_slider_shows_a_status_as_it_stood_and_a_retraction_from_its_day(cli, sample_store, browser):
    from selenium.webdriver.common.keys import Keys

    with_test_facts(cli)
    page = open_export(cli, browser)
    scheduled, withdrawn = "test-scheduled-then-postponed", "test-retracted-announcement"
    assert "(postponed)" in page.shown_facts()[scheduled]
    page.fact(scheduled).click()
    assert "Disagreements" in page.detail() and "status: scheduled — per Example News" in page.detail()
    assert "retracted" in page.fact(withdrawn).get_attribute("class")
    days = [page.as_of(Keys.HOME)]
    while days[-1] < "2025-12-20" and len(days) < 50:  # step day by day, as a person pressing → would
        if days[-1] == "2024-01-10":
            assert "retracted" not in page.fact(withdrawn).get_attribute("class")
        days.append(page.as_of(Keys.ARROW_RIGHT))
    assert "2024-01-10" in days and days[-1] == "2025-12-20"
    assert "(scheduled)" in page.shown_facts()[scheduled] and "Disagreements" not in page.detail()
    assert "retracted" in page.fact(withdrawn).get_attribute("class")
    mark = page.fact(scheduled).find_element(page.by.CSS_SELECTOR, ".mark")
    assert mark.value_of_css_property("background-color") == "rgba(255, 255, 255, 1)"  # scheduled: hollow


def test_text_filter_keeps_the_facts_with_every_word(cli, sample_store, browser):
    page = open_export(cli, browser)
    page.find("#filter").send_keys("GUANGZHOU gdp")
    assert set(page.shown_facts()) == {"guangzhou-gdp-2024"}
    assert page.find("#count").text == f"1 of {SAMPLE_FACTS} facts"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk (fails on anything that is not a PNG)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", head[16:24])


def test_screenshot_of_the_sample_timeline_is_a_real_png(cli, sample_store, browser):
    page = open_export(cli, browser)
    page.fact(RECEPTION).click()
    assert page.driver.save_screenshot(str(cli.root / "timeline.png"))
    width, height = png_size(cli.root / "timeline.png")
    assert width >= 800 and height >= 400
    assert (cli.root / "timeline.png").stat().st_size > 10_000  # a drawn page, not a blank one
