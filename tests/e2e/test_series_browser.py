"""The next session in a browser: "Terugkomdag plannen" (without JavaScript too), the review
step on a desktop and a phone with the facilitator deciding live, and the series page —
all without axe violations."""

import pytest
import requests
from playwright.sync_api import expect

from browser_helpers import axe_violations, open_page, signed_in, with_token
from support import Workshop, bearer, new_id, ok

pytestmark = pytest.mark.e2e


@pytest.fixture
def series(server, clients):
    """A first session with three actions (Anouk's has a history), and its follow-up."""
    first = Workshop(server, clients, "Anouk", "Bram", title="Teamdag maart", connect_facilitator=True)
    first.coffee, first.desk, first.talk = new_id(), new_id(), new_id()
    ok(
        first.facilitator.call(
            "action:add",
            {"id": first.coffee, "title": "Koffie met de directie", "owner": first.pid("Anouk"), "due": "2026-12-15"},
        )
    )
    ok(
        first.facilitator.call(
            "action:add", {"id": first.desk, "title": "Loket inrichten", "owner": "Karin van Financiën"}
        )
    )
    ok(
        first.facilitator.call(
            "action:add", {"id": first.talk, "title": "Maandelijkse dialoog", "owner": first.pid("Bram")}
        )
    )
    actions = first.connect("Anouk").snapshots[-1]["actions"]
    first.link = next(a for a in actions if a["id"] == first.coffee)["update_url"]
    assert requests.post(first.link, json={"status": "doing", "text": "Agenda gestuurd"}, timeout=10).status_code == 200
    first.next = first.follow_up("Kees", title="Terugkomdag juni")
    return first


def test_the_facilitator_plans_the_follow_up_without_javascript(series, contexts):
    nojs = with_token(contexts(1280, 900, java_script_enabled=False), series.server, series.id, series.token())
    page = nojs.new_page()
    page.goto(series.url("/plan"))
    form = page.locator("form.follow-up-form")
    expect(page.get_by_label("Titel van de workshop")).to_have_value("Teamdag maart — terugkomdag")
    page.get_by_label("Titel van de workshop").fill("   ")  # passes the browser, not the server
    form.get_by_role("button", name="Terugkomdag aanmaken").click()
    expect(page.locator("#title-error")).to_be_visible()  # the plan page again, nothing made
    expect(page.get_by_label("Titel van de workshop")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Titel van de workshop").fill("Terugkomdag september")
    page.get_by_label("Opzet").select_option("eigenaarschap")
    page.get_by_label("Datum (niet verplicht)").fill("2027-09-14")
    form.get_by_role("button", name="Terugkomdag aanmaken").click()
    page.wait_for_url("**/facilitate")
    workshop_id = page.url.split("/w/")[1].split("/")[0]
    assert workshop_id != series.id
    token = next(c["value"] for c in nojs.cookies() if c["name"] == f"cc_{workshop_id}")
    backup = requests.get(f"{series.server.url}/w/{workshop_id}/export.json", headers=bearer(token), timeout=10).json()
    assert (backup["workshop"]["title"], backup["workshop"]["format"], backup["workshop"]["date"]) == (
        "Terugkomdag september",
        "eigenaarschap",
        "2027-09-14",
    )
    assert backup["steps"][0]["key"] == "review" and backup["steps"][1]["key"] == "inspiration"
    assert {a["id"] for a in backup["actions"]} == {series.coffee, series.desk, series.talk}


def test_the_review_step_on_a_desktop_and_a_phone_with_the_facilitator_deciding(series, contexts, artifacts):
    follow_up = series.next
    desk = open_page(signed_in(contexts, follow_up, "facilitator"), follow_up.url("/facilitate"), "Terugblik")
    phone = open_page(signed_in(contexts, follow_up, "Kees", 390, 844), follow_up.url(), "Terugblik")
    for page in (desk, phone):
        expect(page.locator(".review-item")).to_have_count(3)
        coffee = page.locator(f'.review-item[data-action-id="{series.coffee}"]')
        expect(coffee.locator(".review-title")).to_have_text("Koffie met de directie")
        expect(coffee).to_contain_text("Anouk")
        expect(coffee.locator(".action-latest")).to_contain_text("Agenda gestuurd")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone.locator(".review-decide")).to_have_count(0)  # participants do not decide

    # The facilitator decides; the phone follows live.
    item = desk.locator(f'.review-item[data-action-id="{series.desk}"]')
    item.get_by_role("button", name="Afronden").click()
    expect(item.get_by_role("button", name="Afronden")).to_have_attribute("aria-pressed", "true")
    on_phone = phone.locator(f'.review-item[data-action-id="{series.desk}"]')
    expect(on_phone.locator(".review-item-head .status")).to_have_text("Klaar")
    talk = desk.locator(f'.review-item[data-action-id="{series.talk}"]')
    talk.get_by_role("button", name="Stoppen").click()
    expect(phone.locator(f'.review-item[data-action-id="{series.talk}"] .decision')).to_have_text("Gestopt")
    expect(phone.locator(".review-counts")).to_have_text("2 van 3 besproken")
    # What the room says, typed by the facilitator; and the owner's own link, live too.
    coffee = desk.locator(f'.review-item[data-action-id="{series.coffee}"]')
    coffee.get_by_label("Status").select_option("blocked")
    coffee.get_by_label("Wat zegt de groep?").fill("Wacht op budget")
    coffee.get_by_role("button", name="Bijwerken").click()
    phone_coffee = phone.locator(f'.review-item[data-action-id="{series.coffee}"]')
    expect(phone_coffee.locator(".action-latest")).to_contain_text("Wacht op budget")
    requests.post(series.link, json={"text": "Datum staat: 3 februari"}, timeout=10)
    expect(phone_coffee.locator(".action-latest")).to_contain_text("3 februari")
    phone_coffee.locator("summary").click()
    expect(phone_coffee.locator(".history li")).to_have_count(3)
    desk.screenshot(path=str(artifacts / "review-facilitator.png"), full_page=True)
    phone.screenshot(path=str(artifacts / "review-phone.png"), full_page=True)
    # The first session's board saw the decisions' effects on the shared actions.
    first = open_page(signed_in(contexts, series, "Anouk"), series.url())
    expect(first.locator(f'[data-action-id="{series.desk}"] .status')).to_have_text("Klaar")


def test_the_review_step_and_the_series_page_have_no_axe_violations(series, contexts):
    follow_up = series.next
    ok(follow_up.connect().call("action:review", {"id": series.desk, "decision": "keep"}))
    found = {}
    for width, height in ((1280, 900), (390, 844)):
        for who, path, board in (
            ("facilitator", "/facilitate", True),
            ("Kees", "", True),
            ("facilitator", "/present", True),
            ("Kees", "/series", False),
            ("facilitator", "/series", False),
            ("facilitator", "/plan", False),
        ):
            # bypass_csp lets Playwright inject axe; the pages keep their strict CSP.
            context = with_token(
                contexts(width, height, bypass_csp=True), follow_up.server, follow_up.id, follow_up.token(who)
            )
            page = open_page(context, follow_up.url(path)) if board else context.new_page()
            if board:
                expect(page.locator(".review-item")).to_have_count(3)
                if path != "/present":  # the projector shows no history
                    page.locator(".review-history summary").first.click()
            else:
                page.goto(follow_up.url(path))
                for summary in page.locator("details summary").all():
                    summary.click()
            found[f"{who}{path} {width}"] = axe_violations(page)
    assert all(not violations for violations in found.values()), found


def test_the_series_page_on_a_phone(series, contexts, artifacts):
    page = signed_in(contexts, series.next, "Kees", 390, 844).new_page()
    page.goto(series.next.url("/series"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teamdag maart")
    sessions = page.locator(".session")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(1)).to_have_attribute("aria-current", "page")
    expect(sessions.nth(0).get_by_role("link")).to_have_count(0)  # Kees was not at the first
    coffee = page.locator(".series-action", has_text="Koffie met de directie")
    expect(coffee.locator(".path li")).to_have_count(2)
    expect(coffee.locator(".path li").nth(0)).to_contain_text("Nieuw")
    expect(coffee.locator(".path li").nth(1)).to_contain_text("Nog niet besproken")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "series-phone.png"), full_page=True)


def test_a_long_history_is_counted_whole_and_grows_live_on_the_review_step(series, contexts):
    for number in range(24):  # with the fixture's one: four more than a board holds
        assert requests.post(series.link, json={"text": f"Stap {number}"}, timeout=10).status_code == 200
    follow_up = series.next
    phone = open_page(signed_in(contexts, follow_up, "Kees", 390, 844), follow_up.url(), "Terugblik")
    coffee = phone.locator(f'.review-item[data-action-id="{series.coffee}"]')
    expect(coffee.locator("summary")).to_have_text("Geschiedenis (25 updates)")
    requests.post(series.link, json={"text": "Datum staat"}, timeout=10)
    expect(coffee.locator("summary")).to_have_text("Geschiedenis (26 updates)")
    expect(coffee.locator(".action-latest")).to_contain_text("Datum staat")
    coffee.locator("summary").click()
    expect(coffee.locator(".history li")).to_have_count(20)
    assert coffee.locator(".history").evaluate("list => list.start") == 26
    assert phone.context.page_errors == []


def test_the_review_step_lists_each_carried_action_once_with_its_owners_link(series, contexts, artifacts):
    follow_up = series.next
    ok(follow_up.connect().call("action:edit", {"id": series.coffee, "owner": follow_up.pid("Kees")}))
    phone = open_page(signed_in(contexts, follow_up, "Kees", 390, 844), follow_up.url(), "Terugblik")
    desk = open_page(signed_in(contexts, follow_up, "facilitator"), follow_up.url("/facilitate"), "Terugblik")
    for page in (phone, desk):
        expect(page.locator(".review-item")).to_have_count(3)
        for title in ("Koffie met de directie", "Loket inrichten", "Maandelijkse dialoog"):
            expect(page.get_by_text(title, exact=True)).to_have_count(1)
    # Kees's own link is on his review card, the facilitator has every owner's.
    coffee = phone.locator(f'.review-item[data-action-id="{series.coffee}"]')
    expect(coffee.get_by_role("link", name="Mijn updatelink (ook na de workshop)")).to_be_visible()
    expect(phone.locator(".review-item .action-link")).to_have_count(1)
    expect(desk.locator(".review-item .action-link")).to_have_count(3)
    expect(phone.locator(".actions-panel")).to_be_hidden()
    projector = open_page(signed_in(contexts, follow_up, "facilitator", 1920, 1080), follow_up.url("/present"))
    expect(projector.locator(".review-item")).to_have_count(3)
    expect(projector.locator(".review-item .action-link")).to_have_count(0)  # not on the wall
    # A new action of this session is in the actions list as ever.
    ok(follow_up.connect().call("action:add", {"id": new_id(), "title": "Nieuwe folder"}))
    expect(desk.locator(".action-list .action")).to_have_count(1)
    expect(desk.locator(".action-list")).to_contain_text("Nieuwe folder")
    phone.screenshot(path=str(artifacts / "review-once-phone.png"), full_page=True)


def test_a_stopped_action_offers_no_status_beside_its_gestopt(series, contexts, artifacts):
    follow_up = series.next
    desk = open_page(signed_in(contexts, follow_up, "facilitator"), follow_up.url("/facilitate"), "Terugblik")
    talk = desk.locator(f'.review-item[data-action-id="{series.talk}"]')
    expect(talk.get_by_label("Status")).to_have_value("open")
    talk.get_by_role("button", name="Stoppen").click()
    expect(talk.locator(".decision")).to_have_text("Gestopt")
    expect(talk.get_by_label("Status")).to_be_hidden()
    expect(talk.get_by_label("Wat zegt de groep?")).to_be_visible()  # the room's words still
    desk.screenshot(path=str(artifacts / "review-stopped.png"))
    talk.get_by_role("button", name="Doorgaan").click()
    expect(talk.get_by_label("Status")).to_be_visible()
    expect(talk.get_by_label("Status")).to_have_value("open")
