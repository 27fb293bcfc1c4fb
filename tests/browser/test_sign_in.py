"""Signing in through the form, and the menu each role is given."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: the menu entries of the parts built so far, and who sees them (access.py's MATRIX, by hand:
#: the dashboard pages need view_aggregates, submissions view_submissions, everyone signed in
#: sees the published views)
MENU = {
    "admin": {"People Story", "Agency", "Coverage", "Submissions", "Published"},
    "analyst": {"People Story", "Agency", "Coverage", "Submissions", "Published"},
    "programme_lead": {"People Story", "Agency", "Coverage", "Published"},
    "org_data_lead": {"People Story", "Agency", "Coverage", "Submissions", "Published"},
    "board": {"People Story", "Agency", "Coverage", "Published"},
    "viewer": {"Published"},
}
KNOWN = set().union(*MENU.values())


def test_signing_in_leads_to_the_people_story(anonymous_page, accounts):
    page = anonymous_page
    page.goto("/")
    assert "/accounts/login/" in page.url  # not signed in: sent to the sign-in form
    username, password = accounts["analyst"]
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url.endswith("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("People Story")
    assert f"{username} (analyst)" in page.locator(".nhsuk-header__account").inner_text()


def test_a_wrong_password_is_refused_with_an_error_summary(anonymous_page, accounts):
    page = anonymous_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(accounts["board"][0])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.locator("#people-story").count() == 0


@pytest.mark.parametrize("role", sorted(MENU))
def test_each_role_sees_the_menu_its_role_allows(sign_in, role):
    page = sign_in(role, "/published/")
    shown = set(page.locator(".nhsuk-header__navigation-link").all_inner_texts())
    assert shown & KNOWN == MENU[role]
