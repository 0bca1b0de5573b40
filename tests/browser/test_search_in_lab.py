"""Lateral reading in a real JupyterLab: the first Enter-submitted query finds records, an
empty search clears the old message, and the menus list only what the searches found."""

from __future__ import annotations

from typing import Any

import pytest
from lab_driver import wait_until

pytestmark = pytest.mark.browser

READY = "input[type='search']"


def test_enter_searches_an_empty_search_clears_and_menus_grow_with_what_is_found(
        open_notebook: Any) -> None:
    nb = open_notebook("search")
    nb.run_all(ready=READY)
    w = nb.widget()
    author = w.locator("[data-item-id='original|author'] select")
    assert author.locator("option").all_inner_texts() == ["—", "not given anywhere"]
    assert "Erika Solomon" not in w.inner_text() and "Financial Times" not in w.inner_text()

    # The first query, submitted with Enter, a few words of one of the article's sentences.
    box = w.locator(READY)
    box.click()
    nb.page.keyboard.type("morale was not falling, it already hit the ground")
    nb.page.keyboard.press("Enter")
    count = w.locator(".sw-count")
    wait_until(lambda: count.count() and "record(s) found" in count.inner_text(),
               what="the first query's results")
    titles = w.locator("button.sw-result").all_inner_texts()
    assert titles[0].startswith("mideasttime.com:") and any(t.startswith("CNBC:") for t in titles)
    assert "Erika Solomon" in author.locator("option").all_inner_texts()

    # A query that finds nothing, then an empty search: its message goes.
    box = w.locator(READY)
    box.fill("zzzz qqqq")
    box.press("Enter")
    wait_until(lambda: count.count() and "No record found for “zzzz qqqq”" in count.inner_text(),
               what="the no-result message")
    box = w.locator(READY)
    box.fill("")
    box.press("Enter")
    wait_until(lambda: count.count() == 0, what="the message to clear")
    box = w.locator(READY)
    box.press("Enter")  # a second empty search: still no message
    nb.page.wait_for_timeout(500)
    assert w.locator(".sw-count").count() == 0
