"""A full crawl as each role (issue 13): from the page each role lands on after signing in,
every link on this site is followed (GET only; downloads and the JSON API are not pages) and
each page, as Chromium shows it, answers 200 and reads as a board paper: no placeholder
target ("seed:"), no synthetic status text, no raw ISO timestamp, and every amount of money
written as the pages write it (``£80,000,000`` in tables, ``£80.0m`` in summaries)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import ROLES
from tests.browser.support import open_folded_sections

pytestmark = pytest.mark.browser

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
#: any amount of money on a page, and the two ways the pages may write one
MONEY = re.compile(r"-?£[\d.,]+[a-zA-Z]*")
MONEY_FORMATS = (
    re.compile(r"-?£\d{1,3}(?:,\d{3})*"),  # £80,000,000 (tables)
    re.compile(r"-?£\d{1,3}(?:,\d{3})*\.\d[mk]"),  # £80.0m (summaries)
)
#: not pages: file downloads, the JSON API, the health check
SKIP = re.compile(r"(^/api/|^/healthz|download|\.(csv|xlsx|pdf|docx|html|json)$)")
#: how many pages of one shape (ids replaced) to visit: the shape, not every record
PER_SHAPE = 2


def _shape(path: str) -> str:
    """A path with its record ids replaced, so /registers/risks/3/ and /4/ share a shape."""
    return re.sub(r"/(\d+|[0-9a-f-]{36}|[A-Z][A-Z0-9-]+)(?=/)", "/ID", path)


def bad_money(text: str) -> list[str]:
    return [
        m.rstrip(".,")
        for m in MONEY.findall(text)
        if not any(f.fullmatch(m.rstrip(".,")) for f in MONEY_FORMATS)
    ]


def test_the_links_read_from_html_are_those_a_reader_follows():
    html = (
        '<a href="/a/">A</a><a href="/b.csv" download>B</a><a>no address</a>'
        '<link href="/style.css"><A HREF="/c/?x=1">C</A>'
    )
    assert links_in(html) == ["/a/", "/c/?x=1"]


def money_cells(page) -> str:
    """The amounts the pages write themselves: table cells and values that are amounts of
    money alone (a range "£12.3m (£11.0m to £13.6m)" too). A narrative quoting a board
    paper ("avoided £9.29m of agency costs") keeps its author's words."""
    texts = page.locator("td, th, dd, .owf-value").all_inner_texts()
    return " ".join(t for t in texts if MONEY.search(t) and not MONEY.sub("", t).strip(" ()to–-,"))


def test_money_formats_are_recognised():
    # the crawl's own rule, checked both ways
    assert bad_money("spend £80,000,000 and £80.0m, £1,234.") == []
    assert bad_money("spend £80000000 and 80000000.04 and £80000000.04") == [
        "£80000000",
        "£80000000.04",
    ]


#: the addresses rendered and read in this run, by any role. Another role's visit of the same
#: address asks the server for it (its answer, and the links in its HTML) without rendering it
#: again: the pages' words do not depend on who reads them, and rendering every page once per
#: role made the crawl the longest part of CI (docs/testing.md).
RENDERED: set[str] = set()


class _Links(HTMLParser):
    """The ``href`` of each link of an HTML page that is not a download."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href") and "download" not in found:
            self.hrefs.append(str(found["href"]))


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def read(page, path: str, problems: list[str]) -> tuple[int, str, list[str]]:
    """Render ``path`` and read it as a board paper (what is wrong goes to ``problems``):
    its status, its address after any redirect, and the links on it."""
    response = page.goto(path)
    text = page.locator("body").inner_text()
    if "seed:" in text:
        problems.append(f"{path}: a placeholder target (seed:)")
    if "Synthetic monthly" in text:
        problems.append(f"{path}: synthetic status text")
    if ISO_TIMESTAMP.search(text):
        problems.append(f"{path}: a raw timestamp {ISO_TIMESTAMP.search(text).group(0)}")
    problems += [f"{path}: money written {m!r}" for m in bad_money(money_cells(page))]
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
    )
    RENDERED.add(path)
    return (response.status if response else 0), page.url, hrefs


def ask(page, path: str) -> tuple[int, str, list[str]]:
    """``path`` from the server in the signed-in session, not rendered: its status, its
    address after any redirect, and the links in its HTML."""
    response = page.request.get(path)
    return response.status, response.url, links_in(response.text())


def crawl(page, base_url: str) -> dict[str, int]:
    """Visit every same-origin link from the page the browser is on; path -> status. A page
    is rendered and read the first time any role reaches it (:func:`read`), and asked for
    again by each other role that reaches it (:func:`ask`)."""
    origin = urlsplit(base_url).netloc
    start = urlsplit(page.url)
    queue = [start.path + (f"?{start.query}" if start.query else "")]
    seen: set[str] = set(queue)
    shapes: dict[str, int] = {}
    statuses: dict[str, int] = {}
    problems: list[str] = []
    while queue:
        path = queue.pop(0)
        status, at, hrefs = ask(page, path) if path in RENDERED else read(page, path, problems)
        statuses[path] = status
        for href in hrefs:
            url = urlsplit(urljoin(at, href))
            if url.netloc != origin or not url.path or SKIP.search(url.path + url.query):
                continue
            if url.path.startswith(("/accounts/logout", "/oidc/")):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            shape = _shape(url.path)
            if target in seen or shapes.get(shape, 0) >= PER_SHAPE:
                continue
            seen.add(target)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(target)
    assert not problems, "\n".join(problems)
    return statuses


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_reads_as_a_board_paper(sign_in, base_url, role):
    page = sign_in(role)
    landing = page.goto("/start/")  # where each role lands after signing in
    assert landing is not None and landing.status == 200, role
    statuses = crawl(page, base_url)
    assert len(statuses) > 1, f"{role} reached no other page"
    failed = {p: s for p, s in statuses.items() if s != 200}
    assert not failed, f"{role}: {failed}"


def test_money_cells_read_as_a_board_paper_writes_them(sign_in):
    page = sign_in("board", "/agency/")
    # the agency table: spend in whole pounds with separators, never float noise
    cells = page.locator("table td").all_inner_texts()
    money = [c.strip() for c in cells if "£" in c]
    assert money, "the agency table should show spend"
    assert all(re.fullmatch(r"-?£\d{1,3}(,\d{3})*", c) for c in money), money
    page.goto("/planning/")
    open_folded_sections(page)  # every scenario's own tables too, not only the summary
    # the scenarios' cost: "£12.3m (£11.0m to £13.6m)", summaries in millions
    costs = [c for c in page.locator("table td").all_inner_texts() if "£" in c]
    assert costs
    for cost in costs:
        assert re.fullmatch(r"£[\d,]+\.\dm \(£[\d,]+\.\dm to £[\d,]+\.\dm\)", cost.strip()), cost
