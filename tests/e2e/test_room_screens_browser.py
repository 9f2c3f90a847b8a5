"""The room's screens as a workshop is run in front of people: the result moment on the
projector, the timer that closes writing, the words the room reads, and what a phone
shows (and what a screen reader hears)."""

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, with_token
from support import Workshop, add_note, new_id, ok

pytestmark = pytest.mark.e2e

PROJECTOR = (1920, 1080)
DESK = (1440, 900)
PHONE = (390, 844)
PLATFORM = 3


def open_as(contexts, workshop, who, size, path="", step_title=None):
    """`who`'s page (`path`: "", "/facilitate" or "/present") at a screen `size`; axe-core
    can be injected into it (the page's own CSP stays as it is)."""
    context = with_token(contexts(*size, bypass_csp=True), workshop.server, workshop.id, workshop.token(who))
    return open_page(context, workshop.url(path), step_title)


RANKING_WORDS = {
    "nl": {
        "step": "Platform van betrokkenheid",
        "votes": "{n} stemmen",
        "tie": "gedeeld",
        "rest": "1 notitie zonder stemmen",
    },
    "en": {"step": "Engagement platform", "votes": "{n} votes", "tie": "tied", "rest": "1 note without votes"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_projector_shows_the_ranking_when_voting_closes_with_ties_as_ties(
    server, clients, contexts, artifacts, language
):
    words = RANKING_WORDS[language]
    room = Workshop(server, clients, "Anouk", "Bram", "Cas", connect_facilitator=True, language=language)
    ok(room.facilitator.call("step:go", {"index": PLATFORM}))
    anouk = room.connect("Anouk")
    texts = ["Maandelijks koffiegesprek met de directie", "Open agenda's", "Vaste inloopuren", "Retro na elk project"]
    ids = [add_note(anouk, PLATFORM, text)[0] for text in texts]
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present", words["step"])
    ok(room.facilitator.call("voting:open", {"step": PLATFORM, "budget": 3}))
    # 3, 2, 2 and 0 votes: the second place is shared.
    for who, picks in {"Anouk": [0, 1, 2], "Bram": [0, 1], "Cas": [0, 2]}.items():
        voter = room.connect(who)
        for pick in picks:
            ok(voter.call("vote:cast", {"note_id": ids[pick], "id": new_id()}))
    expect(bound(projector, "ranking")).to_be_hidden()
    ok(room.facilitator.call("voting:close", {}))

    ranked = projector.locator(".ranked")
    expect(bound(projector, "ranking")).to_be_visible()
    expect(bound(projector, "board")).to_be_hidden()
    expect(ranked).to_have_count(3)
    expect(ranked.first.locator(".ranked-text")).to_have_text(texts[0])
    assert sorted(ranked.locator(".ranked-text").all_text_contents()[1:]) == sorted(texts[1:3])
    expect(ranked.locator(".ranked-votes")).to_have_text([words["votes"].format(n=n) for n in (3, 2, 2)])
    assert [ranked.nth(n).get_attribute("data-place") for n in range(3)] == ["1", "2", "2"]
    expect(ranked.nth(0).locator(".ranked-tie")).to_have_count(0)
    expect(ranked.nth(1).locator(".ranked-tie")).to_have_text(words["tie"])
    expect(ranked.nth(2).locator(".ranked-tie")).to_have_text(words["tie"])
    expect(bound(projector, "ranking-more")).to_have_text(words["rest"])
    # The first place is the largest; a shared place is as large as its peer.
    sizes = [float(ranked.nth(n).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) for n in range(3)]
    assert sizes[0] > sizes[1] == sizes[2] >= 32
    projector.screenshot(path=artifacts / f"projector-ranking-{language}.png")
    assert axe_violations(projector) == []

    # Reopening the vote brings the board back (the result is hidden again).
    ok(room.facilitator.call("voting:open", {"step": PLATFORM, "budget": 3}))
    expect(bound(projector, "ranking")).to_be_hidden()
    expect(projector.locator(".board .note")).to_have_count(4)
    assert projector.context.page_errors == []


def test_a_timer_that_closes_writing_tells_the_facilitator_and_the_lock_button_opens_it_again(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, "Anouk")
    desk = open_as(contexts, room, "facilitator", DESK, "/facilitate", "Doelen stellen")
    phone = open_as(contexts, room, "Anouk", PHONE, "", "Doelen stellen")
    wall = open_as(contexts, room, "facilitator", PROJECTOR, "/present", "Doelen stellen")
    lock = bound(desk, "lock-toggle")
    expect(lock).to_have_attribute("aria-pressed", "false")
    desk.get_by_label("Schrijven sluiten als de tijd om is").check()
    desk.get_by_label("Minuten").fill("1")
    ok(room.connect().call("timer:start", {"seconds": 5, "lock_at_end": True}))

    expect(bound(phone, "locked-banner")).to_be_visible(timeout=15_000)
    expect(lock).to_have_text("Bord ontgrendelen")
    expect(lock).to_have_attribute("aria-pressed", "true")
    expect(bound(desk, "locked-banner")).to_contain_text("De tijd is om")
    # "Tijd is om" once, not "Tijd Tijd is om", and on one line on the projector.
    for page in (desk, phone, wall):
        expect(bound(page, "timer").locator("visible=true")).to_have_text("Tijd is om", use_inner_text=True)
    clock = wall.locator(".timer-large")
    assert clock.evaluate("e => e.getBoundingClientRect().height") < 2 * clock.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight)"
    )
    wall.screenshot(path=artifacts / "projector-time-up.png")
    desk.screenshot(path=artifacts / "facilitator-time-up.png")
    assert axe_violations(desk) == [] and axe_violations(wall) == []

    # The box the facilitator ticked is still ticked after a reload.
    desk.reload()
    expect(bound(desk, "connection")).to_have_attribute("data-state", "online")
    expect(desk.get_by_label("Schrijven sluiten als de tijd om is")).to_be_checked()
    lock.click()
    expect(bound(phone, "locked-banner")).to_be_hidden()
    expect(lock).to_have_attribute("aria-pressed", "false")
    expect(bound(desk, "locked-banner")).to_be_hidden()
    expect(bound(phone, "timer")).to_be_hidden()
    expect(phone.locator("#composer-text")).to_be_enabled()
    expect(desk.get_by_label("Schrijven sluiten als de tijd om is")).to_be_checked()
    assert desk.context.page_errors == [] and phone.context.page_errors == []


@pytest.mark.parametrize("page_of", ["join", "update"])
def test_the_skip_link_of_the_join_and_update_pages_leads_into_the_page_and_is_no_second_button(
    server, clients, contexts, page_of
):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True)
    if page_of == "join":
        address = f"{server.url}/j/{room.created['join_code']}"
    else:
        action = new_id()
        ok(
            room.facilitator.call(
                "action:add", {"id": action, "title": "Koffie met de directie", "owner": room.pid("Anouk")}
            )
        )
        address = next(a for a in room.connect("Anouk").snapshots[-1]["actions"] if a["id"] == action)["update_url"]
    page = contexts(*PHONE, bypass_csp=True).new_page()
    page.goto(address)
    skip = page.locator(".skip-link")
    expect(skip).to_have_text("Naar de inhoud")
    buttons = page.get_by_role("button").all_text_contents()
    assert all(text.strip() != "Naar de inhoud" for text in buttons), buttons
    skip.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    assert axe_violations(page) == []


def test_a_screen_reader_hears_no_undefined_note_during_private_writing(server, clients, contexts):
    room = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    ok(room.facilitator.call("step:go", {"index": 2}))  # "Knuppel in het hoenderhok": private
    phone = open_as(contexts, room, "Bram", PHONE, "", "Knuppel in het hoenderhok")
    desk = open_as(contexts, room, "facilitator", DESK, "/facilitate", "Knuppel in het hoenderhok")
    bound(phone, "announcer").evaluate("e => { e.textContent = 'stil'; }")
    bound(desk, "announcer").evaluate("e => { e.textContent = 'stil'; }")
    add_note(room.connect("Anouk"), 2, "Niemand durft nee te zeggen")
    expect(phone.locator(".private-counts, [data-bind=private-counts]").first).to_contain_text("1")
    expect(desk.get_by_role("button", name="Notities tonen (1)")).to_be_visible()
    for page in (phone, desk):
        expect(bound(page, "announcer")).to_have_text("stil")
    # Once the notes are out in the open, a new one is read out with its text.
    ok(room.facilitator.call("notes:reveal", {"step": 2}))
    add_note(room.connect("Anouk"), 2, "Te veel losse projecten")
    expect(bound(phone, "announcer")).to_have_text("Nieuwe notitie: Te veel losse projecten")


def test_the_room_line_says_nobody_is_in_without_counting_the_facilitator_online(server, clients, contexts):
    room = Workshop(server, clients)
    desk = open_as(contexts, room, "facilitator", DESK, "/facilitate", "Doelen stellen")
    wall = open_as(contexts, room, "facilitator", PROJECTOR, "/present", "Doelen stellen")
    for page in (desk, wall):
        expect(page.locator(".room-line, .room-counts").first).to_have_text("Nog niemand binnen", use_inner_text=True)
    room.join("Anouk")
    room.connect("Anouk")
    expect(desk.locator(".room-line")).to_have_text("1 online · 0 van 1 klaar", use_inner_text=True)
    expect(bound(wall, "online-count")).to_have_text("1 online")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_landing_page_shows_every_format_whole_and_a_code_example_codes_can_have(
    server, contexts, artifacts, language
):
    from cocreate.store.tokens import JOIN_ALPHABET

    for width, height in (DESK, PHONE):
        page = contexts(width, height, bypass_csp=True).new_page()
        page.goto(f"{server.url}/?lang={language}")
        placeholder = page.locator("#code").get_attribute("placeholder")
        assert placeholder and set(placeholder) <= set(JOIN_ALPHABET), placeholder
        # Every format's name shows whole, inside the card (a select cut the long ones off).
        names = page.locator("fieldset.choice", has_text="Opzet" if language == "nl" else "Format")
        options = names.locator("label")
        expect(options).to_have_count(3)
        card = page.locator("section.card", has=names).bounding_box()
        for label in options.all():
            box = label.bounding_box()
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), label.inner_text()
            assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
        assert options.nth(0).locator("input").is_checked()
        assert axe_violations(page) == []
        page.screenshot(path=artifacts / f"landing-{language}-{width}.png", full_page=True)


def test_phones_make_actions_only_where_the_room_votes_and_the_facilitator_everywhere(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True)
    anouk = room.connect("Anouk")
    add_note(anouk, 0, "Meer klanten met minder moeite")
    add_note(anouk, PLATFORM, "Maandelijks koffiegesprek", lane="dialogue")
    phone = open_as(contexts, room, "Anouk", PHONE, "", "Doelen stellen")
    desk = open_as(contexts, room, "facilitator", DESK, "/facilitate", "Doelen stellen")
    expect(phone.locator(".note")).to_have_count(1)
    expect(phone.get_by_role("button", name="→ Actie")).to_have_count(0)
    expect(phone.locator(".actions-panel")).to_be_hidden()
    expect(desk.get_by_role("button", name="→ Actie")).to_have_count(1)
    expect(bound(desk, "action-form")).to_be_visible()
    phone.screenshot(path=artifacts / "phone-step-1.png", full_page=True)

    # An action made meanwhile shows on the phone, without the form to make more.
    ok(room.facilitator.call("action:add", {"id": new_id(), "title": "Klantdag plannen"}))
    expect(phone.locator(".action", has_text="Klantdag plannen")).to_be_visible()
    expect(bound(phone, "action-form")).to_be_hidden()

    ok(room.facilitator.call("step:go", {"index": PLATFORM}))
    expect(bound(phone, "step-title")).to_have_text("Platform van betrokkenheid")
    expect(phone.get_by_role("button", name="→ Actie")).to_have_count(1)
    expect(bound(phone, "action-form")).to_be_visible()
    assert phone.context.page_errors == []


def test_review_cards_and_the_series_page_say_where_an_action_stands_in_one_word(server, clients, contexts, artifacts):
    first = Workshop(server, clients, "Anouk", title="Teamdag maart", connect_facilitator=True)
    coffee, desk_action, talk = new_id(), new_id(), new_id()
    for action, title in (
        (coffee, "Koffie met de directie"),
        (desk_action, "Loket inrichten"),
        (talk, "Maandelijkse dialoog"),
    ):
        ok(first.facilitator.call("action:add", {"id": action, "title": title, "owner": first.pid("Anouk")}))
    follow_up = first.follow_up("Kees", title="Terugkomdag juni")
    facilitator = follow_up.connect()
    ok(facilitator.call("action:review", {"id": coffee, "decision": "keep"}))
    ok(facilitator.call("action:review", {"id": desk_action, "decision": "done"}))
    ok(facilitator.call("action:review", {"id": talk, "decision": "drop"}))
    desk = open_as(contexts, follow_up, "facilitator", DESK, "/facilitate", "Terugblik")
    phone = open_as(contexts, follow_up, "Kees", PHONE, "", "Terugblik")

    def badges(page, action):
        card = page.locator(f'.review-item[data-action-id="{action}"] .review-item-head')
        return card.locator(".status, .decision").all_text_contents()

    expect(phone.locator(".review-item")).to_have_count(3)
    expect(desk.locator(".review-item")).to_have_count(3)
    assert badges(phone, talk) == ["Gestopt"]  # not "Open" + "Gestopt"
    assert badges(phone, desk_action) == ["Klaar"]  # not "Klaar" + "Klaar"
    assert badges(phone, coffee) == ["Open", "Gaat door"]
    assert badges(desk, coffee) == ["Open"]  # the pressed "Doorgaan" says the rest
    card = desk.locator(f'.review-item[data-action-id="{desk_action}"]')
    expect(card.get_by_role("button", name="Afronden")).to_have_attribute("aria-pressed", "true")
    expect(card.get_by_role("button", name="Klaar")).to_have_count(0)  # one "Klaar": the status
    desk.screenshot(path=artifacts / "review-decided-facilitator.png", full_page=True)
    # After the review the actions list holds them (during it, the review does).
    expect(desk.locator(f'.action-list [data-action-id="{talk}"]')).to_have_count(0)
    ok(facilitator.call("step:go", {"index": 1}))
    listed = desk.locator(f'.action-list [data-action-id="{talk}"] .action-head .status')
    expect(listed).to_have_text(["Gestopt"])

    series = contexts(*PHONE, bypass_csp=True)
    series.add_cookies([{"name": f"cc_{follow_up.id}", "value": follow_up.token("Kees"), "url": server.url}])
    page = series.new_page()
    page.goto(follow_up.url("/series"))
    dropped = page.locator(".series-action", has_text="Maandelijkse dialoog")
    expect(dropped.locator(".series-action-head .status, .series-action-head .tag")).to_have_text(["Gestopt"])
    finished = page.locator(".series-action", has_text="Loket inrichten").locator(".path li").nth(1)
    expect(finished).to_contain_text("Afgerond")
    expect(finished).not_to_contain_text("Klaar")
    kept = page.locator(".series-action", has_text="Koffie met de directie").locator(".path li").nth(1)
    expect(kept.locator(".mark")).to_have_text("Gaat door")
    page.screenshot(path=artifacts / "series-decided-phone.png", full_page=True)
    assert axe_violations(page) == []


def test_a_returning_participant_carries_on_as_themselves_and_a_stranger_with_her_name_does_not(
    server, clients, contexts, artifacts
):
    first = Workshop(server, clients, "Anouk", title="Teamdag maart", connect_facilitator=True)
    coffee = new_id()
    ok(
        first.facilitator.call(
            "action:add", {"id": coffee, "title": "Koffie met de directie", "owner": first.pid("Anouk")}
        )
    )
    follow_up = first.follow_up(title="Terugkomdag juni")
    code = follow_up.created["join_code"]

    # Anouk's phone, which was at the first session: one tap.
    phone = contexts(*PHONE, bypass_csp=True)
    phone.add_cookies([{"name": f"cc_{first.id}", "value": first.token("Anouk"), "url": server.url}])
    page = phone.new_page()
    page.goto(f"{server.url}/j/{code}")
    expect(page.locator(".returning-welcome")).to_contain_text("Welkom terug, Anouk!")
    expect(page.locator(".returning-welcome")).to_contain_text("Teamdag maart")
    page.screenshot(path=artifacts / "join-returning-phone.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Verder als Anouk").click()
    expect(bound(page, "step-title")).to_have_text("Terugblik")
    mine = page.locator(".review-item", has_text="Koffie met de directie")
    expect(mine.get_by_role("link", name="Mijn updatelink (ook na de workshop)")).to_be_visible()
    expect(mine.get_by_role("button", name="Ik pak dit op")).to_have_count(0)

    # Someone else's phone, typing "Anouk": a new person; the action is not theirs.
    other = contexts(*PHONE).new_page()
    other.goto(f"{server.url}/j/{code}")
    expect(other.locator(".returning-welcome")).to_have_count(0)
    other.get_by_label("Je naam").fill("Anouk")
    other.get_by_role("button", name="Naar het bord").click()
    expect(bound(other, "step-title")).to_have_text("Terugblik")
    theirs = other.locator(".review-item", has_text="Koffie met de directie")
    expect(theirs.locator(".review-meta")).to_contain_text("Eigenaar: Anouk")
    expect(theirs.get_by_role("link", name="Mijn updatelink (ook na de workshop)")).to_have_count(0)

    # A form that claims to be Anouk from a browser without her token is refused.
    claim = contexts(*PHONE).new_page()
    claim.goto(f"{server.url}/j/{code}")
    answer = claim.request.post(f"{server.url}/j/{code}", form={"name": "Anouk", "returning": first.id})
    assert answer.status == 403
    assert "We herkennen je niet" in answer.text()
    people = [
        person["name"]
        for person in follow_up.connect().snapshots[-1]["participants"]
        if person["role"] == "participant"
    ]
    assert sorted(people) == ["Anouk", "Anouk"]  # the returning one and the stranger
    assert page.context.page_errors == [] and other.context.page_errors == []


def test_a_long_ranking_stays_on_the_projector_and_says_how_many_more_there_are(server, clients, contexts):
    voters = [f"Deelnemer {n}" for n in range(1, 13)]
    room = Workshop(server, clients, *voters, connect_facilitator=True)
    ok(room.facilitator.call("step:go", {"index": PLATFORM}))
    writer = room.connect(voters[0])
    long = (
        "Een maandelijks koffiegesprek met de directie waarin iedereen vragen kan stellen "
        "over de koers en de cijfers van het kwartaal"
    )
    ids = [add_note(writer, PLATFORM, long if n == 0 else f"Bouwsteen nummer {n + 1}")[0] for n in range(13)]
    ok(room.facilitator.call("voting:open", {"step": PLATFORM, "budget": 12}))
    for k, name in enumerate(voters):  # note n gets 12 - n votes; the last none
        voter = room.connect(name)
        for note_id in ids[: 12 - k]:
            ok(voter.call("vote:cast", {"note_id": note_id, "id": new_id()}))
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present", "Platform van betrokkenheid")
    ok(room.facilitator.call("voting:close", {}))
    expect(bound(projector, "ranking-more")).to_be_visible()
    shown = projector.locator(".ranked").count()
    assert 3 <= shown < 12
    more = bound(projector, "ranking-more")
    expect(more).to_have_text(f"nog {12 - shown} notities met stemmen · 1 notitie zonder stemmen")
    bottom = projector.evaluate("() => document.querySelector('[data-bind=ranking]').getBoundingClientRect().bottom")
    assert bottom <= PROJECTOR[1]


def test_a_phone_finishes_and_dates_only_its_own_actions_and_shows_no_empty_votes(server, clients, contexts):
    room = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    for title, owner in (("Klantdag plannen", room.pid("Anouk")), ("Nieuwsbrief", room.pid("Bram"))):
        ok(room.facilitator.call("action:add", {"id": new_id(), "title": title, "owner": owner}))
    phone = open_as(contexts, room, "Anouk", PHONE, "", "Doelen stellen")
    mine = phone.locator(".action", has_text="Klantdag plannen")
    theirs = phone.locator(".action", has_text="Nieuwsbrief")
    expect(mine.get_by_role("button", name="Klaar")).to_be_visible()
    expect(mine.get_by_role("button", name="Deadline")).to_be_visible()
    expect(theirs).to_be_visible()
    expect(theirs.get_by_role("button", name="Klaar")).to_have_count(0)
    expect(theirs.get_by_role("button", name="Deadline")).to_have_count(0)
    expect(theirs).not_to_contain_text("stemmen")  # made from no voted note
    desk = open_as(contexts, room, "facilitator", DESK, "/facilitate", "Doelen stellen")
    expect(desk.locator(".action", has_text="Nieuwsbrief").get_by_role("button", name="Klaar")).to_be_visible()
