"""Workshops built with the domain alone, for the tests of the domain and of the downloads:
one builder, and the two-day agenda the agenda's tests run against a hand-moved clock."""

from cocreate.domain import FACILITATOR, PARTICIPANT, join, load_format, new_workshop, steps_in_language
from cocreate.domain.series import review_step

NOW = "2026-11-22T09:00:00+00:00"
ANN_AND_BOB = {"ann": "Ann", "bob": "Bob"}
GOALS, BRAND, FRICTION, PLATFORM = range(4)  # the co-creation format's steps


def domain_workshop(
    people=ANN_AND_BOB,
    *,
    facilitators=("fac",),
    now=NOW,
    title="Teamdag",
    goal="",
    language="nl",
    format_key="cocreation",
    workshop_id="w1",
    join_code="ABC234",
    **options,
):
    """A fresh workshop of `format_key` in `language`, made at `now`, with `facilitators`
    (ids, each named "Begeleider") and then `people` (`{id: name}`) joined.

    A follow-up (`follow_up_of=`) starts with the review step, as the store makes it; other
    `options` (`date=`, …) go to `new_workshop`.
    """
    steps = steps_in_language(load_format(format_key), language)
    if options.get("follow_up_of"):
        steps = [review_step(language)] + steps
    workshop = new_workshop(workshop_id, join_code, title, goal, language, format_key, steps, now, **options)
    for facilitator in facilitators:
        join(workshop, facilitator, "Begeleider", FACILITATOR, now)
    for person, name in people.items():
        join(workshop, person, name, PARTICIPANT, now)
    return workshop


def numbered_people(count):
    """`{"p0": "Deelnemer 0", …}`: `count` participants."""
    return {f"p{index}": f"Deelnemer {index}" for index in range(count)}


# -- a two-day programme, in Amsterdam ------------------------------------------------

DAY_ONE, DAY_TWO = "2026-03-10", "2026-03-11"
AGENDA = {
    "zone": "Europe/Amsterdam",
    "days": [
        {
            "start": f"{DAY_ONE}T09:00",
            "items": [
                {"step": GOALS, "minutes": 60},
                {"break": "Koffie", "minutes": 15},
                {"step": BRAND, "minutes": 75},
                {"break": "Lunch", "minutes": 45},
                {"step": FRICTION, "minutes": 90},
            ],
        },
        {"start": f"{DAY_TWO}T09:00", "items": [{"step": PLATFORM, "minutes": 120}]},
    ],
}


def at(clock, day=DAY_ONE):
    """A moment of the hand-moved clock: wall-clock time in Amsterdam (UTC+1 in March),
    as the server writes times (UTC)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return f"{day}T{hours - 1:02d}:{minutes:02d}:00+00:00"
