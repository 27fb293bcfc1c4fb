"""WCAG 2.2 A and AA on every main page (axe-core), as an analyst sees them, charts drawn."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations, describe, wait_for_charts

pytestmark = pytest.mark.browser

#: the main pages of the parts built so far; other menu entries are swept by the last test
PAGES = [
    "/",
    "/?place=Fellbeck",
    "/metrics/staff_in_post_fte/?segment=secondary_care",
    "/metrics/vacancy_rate/",
    "/agency/",
    "/coverage/",
    "/coverage/secondary_care/vacancy_rate/",
    "/submissions/",
    "/submissions/upload/",
    "/published/",
    "/accessibility/",
    "/accounts/",
    "/registers/risks/",
    "/registers/baf/",
    "/glossary/",
]


def _check(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response.status}"
    wait_for_charts(page)
    violations = axe_violations(page)
    assert not violations, f"{path} fails WCAG 2.2 AA:\n{describe(violations)}"


def test_the_sign_in_page(anonymous_page):
    _check(anonymous_page, "/accounts/login/")


@pytest.mark.parametrize("path", PAGES)
def test_main_page(analyst_page, path):
    _check(analyst_page, path)


def test_a_submission_in_the_ledger(analyst_page):
    page = analyst_page
    page.goto("/submissions/")
    link = page.locator("main table a[href*='/submissions/']").first
    href = link.get_attribute("href")
    assert href, "the demo's submissions should be listed"
    _check(page, href)


def test_every_other_page_in_the_menu(analyst_page):
    """Pages added to the menu later (registers, board packs, planning) are swept too."""
    page = analyst_page
    page.goto("/published/")
    links = page.locator(".nhsuk-header__navigation-list a.nhsuk-header__navigation-link")
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert {"/", "/agency/", "/coverage/", "/submissions/", "/published/"} <= set(hrefs)
    others = [h for h in hrefs if h not in PAGES]
    for path in others:
        _check(page, path)
