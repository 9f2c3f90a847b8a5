"""The run sheet in a real browser: a facilitator running late sees how late the day ends and
what to shorten or move, takes the suggestion over; participants and the projector see what
comes next; the agenda is edited with the keyboard alone; a started step offers its planned
minutes for the timer."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, signed_in, with_token
from cocreate import protocol as p
from support import BRAND, FRICTION, GOALS, PLATFORM, Workshop, ok

pytestmark = pytest.mark.e2e

ZONE = "Europe/Amsterdam"
FACILITATOR_SIZE = (1440, 900)
PHONE = (390, 844)
PROJECTOR = (1920, 1080)


def wall(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def agenda_from(start):
    """Today's agenda from `start`: goals, coffee, then two steps of an hour."""
    return {
        "zone": ZONE,
        "days": [
            {
                "start": wall(start),
                "items": [
                    {"step": GOALS, "minutes": 30},
                    {"break": "Koffie", "minutes": 15},
                    {"step": BRAND, "minutes": 60},
                    {"step": FRICTION, "minutes": 60},
                ],
            }
        ],
    }


def started_late(room, minutes, plan=agenda_from):
    """Start the first step, then plan the day to have started `minutes` before that (to the
    nearest minute: the plan has no seconds); returns the planned start."""
    ok(room.facilitator.call(p.STEP_GO, {"index": GOALS}))
    started = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["steps"][GOALS]["started_at"]
    at = datetime.fromisoformat(started).astimezone(ZoneInfo(ZONE))
    start = (at + timedelta(seconds=30)).replace(second=0, microsecond=0) - timedelta(minutes=minutes)
    ok(room.facilitator.call(p.SET_AGENDA, plan(start)))
    return start


def with_tea_and_lunch(start):
    """Short goals, brand, tea, friction, lunch from `start`: the lunch ends the day."""
    return {
        "zone": ZONE,
        "days": [
            {
                "start": wall(start),
                "items": [
                    {"step": GOALS, "minutes": 5},
                    {"step": BRAND, "minutes": 60},
                    {"break": "Thee", "minutes": 15},
                    {"step": FRICTION, "minutes": 60},
                    {"break": "Lunch", "minutes": 45},
                ],
            }
        ],
    }


def test_a_facilitator_running_late_sees_the_suggestion_and_the_room_sees_what_is_next(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, "Sanne", connect_facilitator=True)
    start = started_late(room, 40)

    page = open_page(
        signed_in(contexts, room, width=FACILITATOR_SIZE[0], height=FACILITATOR_SIZE[1]), room.url("/facilitate")
    )
    sheet = bound(page, "run-sheet")
    warning = sheet.locator(".agenda-warning")
    expect(warning).to_contain_text("De dag loopt 40 min uit.")
    expect(bound(page, "announcer")).to_have_text("De dag loopt 40 min uit.")  # said once
    # The running goals give what they can too (they keep two thirds), each change with the
    # times the run sheet will show once it is taken over.
    then = {minutes: wall(start + timedelta(minutes=minutes))[11:] for minutes in (62, 77, 121, 165)}
    expect(warning).to_contain_text(f"Rond ‘Doelen stellen’ 8 min eerder af (22 min in totaal): klaar om {then[62]}.")
    expect(warning).to_contain_text(f"Maak ‘Persoonlijk merk’ 16 min korter (44 min): verwacht {then[77]}–{then[121]}.")
    expect(warning).to_contain_text(
        f"Maak ‘Knuppel in het hoenderhok’ 16 min korter (44 min): verwacht {then[121]}–{then[165]}."
    )
    # The coffee right after the running goals gives its time to them already: moving it
    # would save nothing, so it is not proposed.
    expect(warning.locator("li")).to_have_count(3)
    expect(warning).not_to_contain_text("Koffie")
    moved = wall(start + timedelta(minutes=70))[11:]
    expect(sheet.locator(".agenda-running")).to_contain_text("Doelen stellen")
    expect(sheet.locator(".agenda-ends dd").last).to_have_text(
        f"{wall(start + timedelta(minutes=205))[11:]} (40 min te laat)"
    )
    page.screenshot(path=str(artifacts / "agenda-facilitator-late.png"))
    sheet.screenshot(path=str(artifacts / "agenda-run-sheet-late.png"))

    # Participants and the projector see what comes next, and when.
    phone = open_page(signed_in(contexts, room, "Sanne", *PHONE), room.url())
    expect(bound(phone, "whats-next")).to_have_text(f"Hierna: Koffie om {moved}")
    phone.screenshot(path=str(artifacts / "agenda-phone-next.png"))
    projector = open_page(signed_in(contexts, room, width=PROJECTOR[0], height=PROJECTOR[1]), room.url("/present"))
    expect(bound(projector, "whats-next")).to_have_text(f"Hierna: Koffie om {moved}")
    projector.screenshot(path=str(artifacts / "agenda-projector-next.png"))

    # Taking the suggestion over shortens the later steps and gives their time to the
    # step that runs late: the day ends as planned again.
    warning.get_by_role("button", name="Voorstel overnemen").click()

    expect(sheet.locator(".agenda-warning")).to_have_count(0)
    expect(sheet.locator(".agenda-ends dd").last).to_have_text(f"{then[165]} (op tijd)")
    # The run sheet shows what the suggestion said.
    expect(sheet.locator(".agenda-running")).to_contain_text(f"klaar om {then[62]}")
    expect(sheet.locator(".agenda-running")).to_contain_text("22 min (was 30)")
    expect(sheet.locator(".agenda-item").nth(2)).to_contain_text(f"verwacht {then[77]}–{then[121]}")
    synced = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["workshop"]["agenda"]
    assert synced["days"][0]["items"] == [
        {"step": GOALS, "minutes": 22, "planned": 30},
        {"break": "Koffie", "minutes": 15},
        {"step": BRAND, "minutes": 44, "planned": 60},
        {"step": FRICTION, "minutes": 44, "planned": 60},
    ]
    assert synced["days"][0]["end"] == wall(start + timedelta(minutes=165))
    # A fresh forecast (the page opened again) sees the day fit: no new suggestion.
    page.reload()
    sheet = bound(page, "run-sheet")
    expect(sheet.locator(".agenda-ends dd").last).to_have_text(f"{then[165]} (op tijd)")
    expect(sheet.locator(".agenda-warning")).to_have_count(0)
    sheet.screenshot(path=str(artifacts / "agenda-run-sheet-taken.png"))
    for context in (page.context, phone.context, projector.context):
        assert context.page_errors == []


def test_the_agenda_is_made_with_the_keyboard_alone_and_a_started_step_offers_its_minutes(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, connect_facilitator=True)
    context = contexts(*FACILITATOR_SIZE, bypass_csp=True)  # bypass_csp: axe is injected
    context.add_cookies([{"name": f"cc_{room.id}", "value": room.token(), "url": server.url}])
    page = open_page(context, room.url("/facilitate"))
    keys = page.keyboard

    def press(locator, key="Enter"):
        locator.focus()
        keys.press(key)

    def retype(locator, text):
        locator.focus()
        keys.press("Control+A")
        keys.type(text)

    form = bound(page, "agenda-form")
    press(bound(page, "agenda-editor").locator("summary"))
    expect(form.locator(".agenda-edit-item")).to_have_count(4)  # every step, its minutes
    for item, minutes in enumerate(("60", "75", "90", "120")):
        expect(form.locator(f'[data-item="{item}"][data-part="minutes"]')).to_have_value(minutes)
    retype(form.locator('[data-day="0"][data-item="0"][data-part="minutes"]'), "45")
    press(form.get_by_role("button", name="Pauze toevoegen"))
    expect(page.locator(":focus")).to_have_value("Koffie")  # the new break's title
    retype(page.locator(":focus"), "Lunch")
    press(form.get_by_role("button", name="‘Lunch’ eerder"))
    keys.press("Enter")  # the focus stays on the moved break's button
    press(form.get_by_role("button", name="‘Platform van betrokkenheid’ weghalen"))
    press(form.get_by_role("button", name="Dag toevoegen"))
    press(form.locator('[data-day="1"]').get_by_role("button", name="Stap toevoegen"))
    form.screenshot(path=str(artifacts / "agenda-editor.png"))
    press(form.get_by_role("button", name="Agenda opslaan"))
    expect(bound(page, "agenda-saved")).to_have_text("Agenda opgeslagen.")

    agenda = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["workshop"]["agenda"]
    assert agenda["zone"] == page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    first, second = agenda["days"]
    assert first["items"] == [
        {"step": GOALS, "minutes": 45},
        {"step": BRAND, "minutes": 75},
        {"break": "Lunch", "minutes": 15},
        {"step": FRICTION, "minutes": 90},
    ]
    assert second["items"] == [{"step": 3, "minutes": 120}]
    assert first["start"].endswith("T09:00") and second["start"].endswith("T09:00")
    assert second["start"] > first["start"]

    # Starting the step starts its clock, and offers its planned minutes for the timer.
    press(bound(page, "agenda-start"))
    expect(bound(page, "agenda-start")).to_be_hidden()
    expect(bound(page, "timer-form").locator("input[name=minutes]")).to_have_value("45")
    press(bound(page, "agenda-timer"))
    expect(bound(page, "timer-value").first).to_have_text("45:00")
    expect(bound(page, "run-sheet").locator(".agenda-running")).to_contain_text("Doelen stellen")

    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    expect(form.locator(".agenda-edit-item")).to_have_count(5)
    page.screenshot(path=str(artifacts / "agenda-facilitator-editing.png"), full_page=True)
    assert axe_violations(page) == []
    assert context.page_errors == []


def test_the_remote_shows_the_day_running_late_with_what_to_do(server, clients, contexts):
    room = Workshop(server, clients, "Sanne", connect_facilitator=True)
    start = started_late(room, 40)
    remote = open_page(
        with_token(contexts(*PHONE, bypass_csp=True), server, room.id, room.token()), room.url("/remote")
    )
    agenda = bound(remote, "remote-agenda")
    expect(agenda).to_contain_text("(40 min te laat)")
    expect(bound(remote, "remote-agenda-warning")).to_contain_text("De dag loopt 40 min uit.")
    expect(bound(remote, "remote-agenda-warning")).to_contain_text("Maak ‘Persoonlijk merk’ 16 min korter (44 min)")
    moved = wall(start + timedelta(minutes=70))[11:]
    expect(bound(remote, "remote-agenda-next")).to_have_text(f"Hierna: Koffie om {moved}")
    assert axe_violations(remote) == []


@pytest.mark.parametrize(
    "language, ends",
    [
        (
            "nl",
            [
                "Einde van de dag",
                "10:30 (vast)",
                "Onderdelen gepland tot",
                "11:00 (30 min te veel gepland)",
                "Verwacht einde",
            ],
        ),
        (
            "en",
            [
                "End of the day",
                "10:30 (fixed)",
                "Items planned until",
                "11:00 (30 min too much planned)",
                "Expected end",
            ],
        ),
    ],
)
def test_a_day_whose_items_run_past_its_end_says_each_end_with_its_label(
    server, clients, contexts, artifacts, language, ends
):
    room = Workshop(server, clients, connect_facilitator=True, language=language)
    context = contexts(*FACILITATOR_SIZE, bypass_csp=True)  # bypass_csp: axe is injected
    context.add_cookies([{"name": f"cc_{room.id}", "value": room.token(), "url": server.url}])
    page = open_page(context, room.url("/facilitate"))
    bound(page, "agenda-editor").locator("summary").click()
    form = bound(page, "agenda-form")
    expect(form.locator(".agenda-edit-item")).to_have_count(4)
    for item in (3, 2):  # keep the goals (60) and the brand (75): until 11:15 from 09:00
        form.locator(f'[data-do="remove"][data-item="{item}"]').click()
    form.locator('[data-day="0"][data-item="1"][data-part="minutes"]').fill("60")
    form.locator('[data-day="0"][data-part="end"]').fill("10:30")
    form.locator("button[type=submit]").click()
    # The run sheet says it, labelled, and keeps it up to date (a note at saving would not).
    shown = bound(page, "run-sheet").locator(".agenda-ends").locator("dt, dd")
    expect(shown).to_have_text([*ends, re.compile(r"^\d\d:\d\d \(")])
    expect(bound(page, "agenda-saved")).to_have_text("Agenda opgeslagen." if language == "nl" else "Agenda saved.")
    bound(page, "run-sheet").screenshot(path=str(artifacts / f"agenda-saved-past-end-{language}.png"))
    assert axe_violations(page) == []
    agenda = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["workshop"]["agenda"]
    assert agenda["days"][0]["end"].endswith("T10:30")
    # A day that fits says only that it was saved. (Opening the editor again draws it anew
    # from the saved agenda: wait for that before typing.)
    form.locator('[data-part="end"]').evaluate("(input) => { input.dataset.stale = 'yes'; }")
    bound(page, "agenda-editor").locator("summary").click()
    end = form.locator('[data-day="0"][data-part="end"]:not([data-stale])')
    expect(end).to_have_value("10:30")
    end.fill("11:00")
    form.locator("button[type=submit]").click()
    expect(shown).to_have_count(4)  # the items fit: no row of their own
    expect(shown.nth(1)).to_have_text(ends[1].replace("10:30", "11:00"))
    assert page.context.page_errors == []


def test_when_shortening_steps_is_not_enough_a_break_that_saves_time_is_proposed_and_taken(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, connect_facilitator=True)
    start = started_late(room, 50, with_tea_and_lunch)
    page = open_page(
        signed_in(contexts, room, width=FACILITATOR_SIZE[0], height=FACILITATOR_SIZE[1]), room.url("/facilitate")
    )
    warning = bound(page, "run-sheet").locator(".agenda-warning")
    expect(warning).to_contain_text("De dag loopt 50 min uit.")
    # The running goals (5 min) cannot give; the steps give 40 minutes; the tea could give 5
    # of the 10 still short, the lunch all 10: it starts where the day pushed it.
    moved, end = (wall(start + timedelta(minutes=m))[11:] for m in (150, 185))
    expect(warning).to_contain_text(f"Maak de pauze ‘Lunch’ 10 min korter (35 min): verwacht {moved}–{end}.")
    expect(warning).not_to_contain_text("Thee")
    expect(warning).not_to_contain_text("te laat")
    bound(page, "run-sheet").screenshot(path=str(artifacts / "agenda-run-sheet-break.png"))

    warning.get_by_role("button", name="Voorstel overnemen").click()
    expect(bound(page, "run-sheet").locator(".agenda-warning")).to_have_count(0)
    # The lunch is where the suggestion said, 35 of the 45 minutes planned.
    lunch = bound(page, "run-sheet").locator(".agenda-item").last
    expect(lunch).to_contain_text("35 min (was 45)")
    expect(lunch).to_contain_text(f"verwacht {moved}–{end}")
    agenda = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["workshop"]["agenda"]
    assert agenda["days"][0]["items"] == [
        {"step": GOALS, "minutes": 5},
        {"step": BRAND, "minutes": 40, "planned": 60},
        {"break": "Thee", "minutes": 15},
        {"step": FRICTION, "minutes": 40, "planned": 60},
        {"break": "Lunch", "minutes": 35, "planned": 45},
    ]
    remote = open_page(with_token(contexts(*PHONE), server, room.id, room.token()), room.url("/remote"))
    expect(bound(remote, "remote-agenda")).to_contain_text("(op tijd)")
    expect(bound(remote, "remote-agenda-warning")).to_be_hidden()
    remote.screenshot(path=str(artifacts / "agenda-remote-taken.png"))
    assert page.context.page_errors == [] and remote.context.page_errors == []


def test_when_nothing_is_left_to_shorten_the_warning_says_so_in_a_sentence_of_its_own(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, connect_facilitator=True)

    def too_short_to_give(start):
        """Five minutes of goals and five of coffee: neither can give a minute."""
        return {
            "zone": ZONE,
            "days": [
                {"start": wall(start), "items": [{"step": GOALS, "minutes": 5}, {"break": "Koffie", "minutes": 5}]}
            ],
        }

    start = started_late(room, 20, too_short_to_give)
    page = open_page(
        signed_in(contexts, room, width=FACILITATOR_SIZE[0], height=FACILITATOR_SIZE[1]), room.url("/facilitate")
    )
    warning = bound(page, "run-sheet").locator(".agenda-warning")
    expect(warning).to_contain_text("De dag loopt 20 min uit.")
    end = wall(start + timedelta(minutes=30))[11:]
    expect(warning.locator("p.agenda-rest")).to_have_text(
        "Er valt niets meer in te korten (elk onderdeel houdt minstens twee derde van zijn tijd),"
        f" dus de dag eindigt om {end}, 20 min te laat: schrap of verplaats een onderdeel,"
        " of spreek een later einde af."
    )
    # No list with a lone remainder, and no proposal to take over.
    expect(warning.locator("li")).to_have_count(0)
    expect(warning.get_by_role("button")).to_have_count(0)
    bound(page, "run-sheet").screenshot(path=str(artifacts / "agenda-nothing-to-shorten.png"))
    assert page.context.page_errors == []


def test_a_step_started_before_the_run_sheet_opened_offers_no_start_button(server, clients, contexts, artifacts):
    room = Workshop(server, clients, connect_facilitator=True)
    page = open_page(
        signed_in(contexts, room, width=FACILITATOR_SIZE[0], height=FACILITATOR_SIZE[1]), room.url("/facilitate")
    )
    # The room moves on while the page has no agenda (no run sheet yet); then one is made.
    ok(room.facilitator.call(p.STEP_GO, {"index": BRAND}))
    expect(bound(page, "step-title")).to_have_text("Persoonlijk merk")
    now = datetime.now(ZoneInfo(ZONE))
    ok(room.facilitator.call(p.SET_AGENDA, agenda_from(now - timedelta(minutes=30))))
    sheet = bound(page, "run-sheet")
    expect(sheet.locator(".agenda-running")).to_contain_text("loopt sinds")
    expect(bound(page, "agenda-start")).to_be_hidden()
    expect(bound(page, "agenda-timer")).to_be_visible()
    sheet.screenshot(path=str(artifacts / "agenda-started-before.png"))
    assert page.context.page_errors == []


def test_starting_the_step_the_room_opened_on_shows_it_running_and_says_since_when(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, connect_facilitator=True)
    now = datetime.now(ZoneInfo(ZONE))
    ok(room.facilitator.call(p.SET_AGENDA, agenda_from(now)))
    page = open_page(
        signed_in(contexts, room, width=FACILITATOR_SIZE[0], height=FACILITATOR_SIZE[1]), room.url("/facilitate")
    )
    start = bound(page, "agenda-start")
    expect(start).to_have_text("Begintijd vastleggen: ‘Doelen stellen’ begint nu")
    expect(bound(page, "agenda-timer")).to_be_hidden()
    start.focus()
    page.keyboard.press("Enter")
    expect(start).to_be_hidden()
    expect(bound(page, "run-sheet").locator(".agenda-running")).to_contain_text("loopt sinds")
    expect(bound(page, "announcer")).to_have_text(re.compile(r"^‘Doelen stellen’ loopt sinds \d\d:\d\d\.$"))
    expect(bound(page, "agenda-timer")).to_be_focused()
    bound(page, "run-sheet").screenshot(path=str(artifacts / "agenda-started-now.png"))
    assert page.context.page_errors == []


def test_the_walkthroughs_afternoon_tells_one_story_and_the_proposal_taken_is_what_it_shows(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, connect_facilitator=True)
    for index in (BRAND, FRICTION, PLATFORM):  # the first steps went quickly
        ok(room.facilitator.call(p.STEP_GO, {"index": index}))
    started = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["steps"][PLATFORM]["started_at"]
    at = datetime.fromisoformat(started).astimezone(ZoneInfo(ZONE))
    # Planned from 75 minutes ago until a fixed end: the platform began 5 minutes late.
    start = (at + timedelta(seconds=30)).replace(second=0, microsecond=0) - timedelta(minutes=75)
    ok(
        room.facilitator.call(
            p.SET_AGENDA,
            {
                "zone": ZONE,
                "days": [
                    {
                        "start": wall(start),
                        "end": wall(start + timedelta(minutes=120)),
                        "items": [
                            {"step": GOALS, "minutes": 20},
                            {"step": BRAND, "minutes": 20},
                            {"step": FRICTION, "minutes": 30},
                            {"step": PLATFORM, "minutes": 45},
                            {"break": "Koffie", "minutes": 15},
                        ],
                    }
                ],
            },
        )
    )
    clock = {minutes: wall(start + timedelta(minutes=minutes))[11:] for minutes in (105, 120, 130, 135)}
    page = open_page(
        signed_in(contexts, room, width=FACILITATOR_SIZE[0], height=FACILITATOR_SIZE[1]), room.url("/facilitate")
    )
    sheet = bound(page, "run-sheet")
    ends = sheet.locator(".agenda-ends").locator("dt, dd")
    expect(ends).to_have_text(
        [
            "Einde van de dag",
            f"{clock[120]} (vast)",
            "Onderdelen gepland tot",
            f"{clock[130]} (10 min te veel gepland)",
            "Verwacht einde",
            f"{clock[135]} (15 min te laat)",
        ]
    )
    warning = sheet.locator(".agenda-warning")
    expect(warning.locator(".agenda-warning-title")).to_have_text("De dag loopt 15 min uit.")
    expect(warning.locator("li")).to_have_text(
        [f"Rond ‘Platform van betrokkenheid’ 15 min eerder af (30 min in totaal): klaar om {clock[105]}."]
    )
    expect(warning.locator(".agenda-rest")).to_have_count(0)
    expect(bound(page, "agenda-start")).to_be_hidden()  # it is running: nothing to start
    sheet.screenshot(path=str(artifacts / "agenda-walkthrough-late.png"))

    warning.get_by_role("button", name="Voorstel overnemen").click()
    expect(sheet.locator(".agenda-warning")).to_have_count(0)
    expect(ends.last).to_have_text(f"{clock[120]} (op tijd)")
    expect(sheet.locator(".agenda-running")).to_contain_text("30 min (was 45)")
    expect(sheet.locator(".agenda-running")).to_contain_text(f"klaar om {clock[105]}")
    expect(sheet.locator(".agenda-item").last).to_contain_text(f"verwacht {clock[105]}–{clock[120]}")
    sheet.screenshot(path=str(artifacts / "agenda-walkthrough-taken.png"))
    assert page.context.page_errors == []
