"""End to end in headless Chromium: a municipality's portfolio, an invitation, a stakeholder's
rating and the aggregate the municipality then sees."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from matcher.settings import Settings
from matcher.store.db import session_scope
from matcher.store.models import Organisation

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_portfolio_invite_rate_and_aggregate(server: str, browser: Any,
                                             broker_settings: Settings) -> None:  # fmt: skip
    with session_scope(broker_settings.database_url) as session:
        vantaa = session.scalar(select(Organisation.id).where(Organisation.name == "Vantaan kaupunki"))
    page = browser.new_page()
    # Sign in as Vantaa's buyer and open the city's portfolio (public page, own user).
    page.goto(f"{server}/login?lang=fi")
    page.fill("#email", "vantaa@demo.invalid")
    page.fill("#password", "e2e-password-4711")  # set by the server fixture
    page.press("#password", "Enter")
    page.wait_for_url(f"{server}/board")
    page.goto(f"{server}/organisations/{vantaa}/portfolio?lang=fi")
    assert page.inner_text("h1").startswith("Hankintasalkku")
    assert page.locator("#categories tbody tr").count() >= 1
    matrix = page.locator("img#matrix")
    assert matrix.evaluate("img => img.complete && img.naturalWidth > 0")
    first = page.locator("#categories tbody tr").first.get_attribute("data-category")
    assert page.locator(f"#cat-{first} table.measures tr[data-measure]").count() == 7
    # Invite a stakeholder; the link is shown once.
    page.fill("#label", "Nuorisovaltuusto")
    page.click("#invite-button")
    link = page.inner_text("#invite-link")
    assert "/portfolio/invite/" in link
    # The stakeholder opens the link in another browser (no account) and rates the category.
    other = browser.new_context().new_page()
    other.goto(link + "?lang=sv")
    assert other.inner_text("#rate-intro h2") == "Bedöm kategorierna"
    form = other.locator(f"#cat-{first} form.rate")
    form.locator("select[name=importance]").select_option("5")
    form.locator("input[name=comment]").fill("Viktigt för klimatmålen")
    form.locator("button[type=submit]").click()
    other.wait_for_selector(f"#cat-{first} .ratings .mean")
    assert other.inner_text(f"#cat-{first} .ratings .mean") == "5.0/5"
    # Back at the city: the aggregate stands beside the data, with the comment.
    page.reload()
    assert page.inner_text(f'td[data-agg="{first}"]') == "5.0/5 (n=1)"
    assert "Viktigt för klimatmålen" in page.inner_text(f"#cat-{first} .ratings")
    page.close()
    other.close()


def test_portfolio_fits_a_phone(server: str, browser: Any, broker_settings: Settings) -> None:
    with session_scope(broker_settings.database_url) as session:
        vantaa = session.scalar(select(Organisation.id).where(Organisation.name == "Vantaan kaupunki"))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/organisations/{vantaa}/portfolio?lang=sv")
    assert page.inner_text("h1").startswith("Upphandlingsportfölj")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow
    page.close()
