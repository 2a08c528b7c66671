"""An event dated by a step from the sentence before it ("the next day", "two days later", "the day
before", "al día siguiente"): another event than the one before, dated by the step (issue 18,
dates attached to the event). General phrasing written for these tests."""

from __future__ import annotations

from processors.rules import extract_from_text

PUBLISHED = "2021-03-09"  # a Tuesday


def _by_date(text: str) -> dict[str, tuple[str, int | None]]:
    return {
        str(i.date): (i.sub_event_type, i.fatalities)
        for i in extract_from_text(text, PUBLISHED, doc_id="step")
    }


def test_the_next_day_tells_another_event_dated_the_day_after() -> None:
    got = _by_date(
        "Fighting broke out between two armed groups in Kani on Sunday. The next day, gunmen "
        "killed four soldiers at a checkpoint in the town."
    )
    assert set(got) == {"2021-03-07", "2021-03-08"}
    assert got["2021-03-08"][1] == 4


def test_days_later_with_a_killing_is_a_new_incident_with_its_own_toll() -> None:
    got = _by_date(
        "Gunmen attacked a village near Kano on 2 March. Two days later, troops killed 12 "
        "insurgents in Dikwa."
    )
    assert set(got) == {"2021-03-02", "2021-03-04"}
    assert got["2021-03-04"][1] == 12
    assert got["2021-03-02"][1] is None


def test_the_day_before_steps_back() -> None:
    got = _by_date(
        "A roadside bomb killed three police officers in Kandahar on 5 March. The day before, "
        "militants had killed two soldiers in an ambush in Helmand."
    )
    assert got.get("2021-03-04", (None, None))[1] == 2
    assert got.get("2021-03-05", (None, None))[1] == 3


def test_spanish_al_dia_siguiente() -> None:
    got = _by_date(
        "Hombres armados atacaron un bar en Culiacán el 2 de marzo. Al día siguiente, militares "
        "mataron a cinco presuntos sicarios en Navolato."
    )
    assert got.get("2021-03-03", (None, None))[1] == 5


def test_more_deaths_of_the_wounded_the_next_day_stay_the_same_event() -> None:
    got = extract_from_text(
        "Gunmen attacked a village near Kano on 2 March, killing three. Two of the wounded died "
        "the next day.",
        PUBLISHED,
        doc_id="step",
    )
    assert len(got) == 1
    assert str(got[0].date) == "2021-03-02"
    assert got[0].fatalities == 5


def test_a_step_past_publication_dates_nothing() -> None:
    got = extract_from_text(
        "Gunmen attacked a village near Kano on 9 March. The next day, troops killed 12 "
        "insurgents in Dikwa.",
        PUBLISHED,
        doc_id="step",
    )
    assert all(str(i.date) <= PUBLISHED for i in got)


def test_there_takes_the_place_of_the_sentence_before_that_told_another_event() -> None:
    got = extract_from_text(
        "Gunmen attacked a village near Kano on 2 March. Two days later, troops killed 12 "
        "insurgents there.",
        PUBLISHED,
        doc_id="step",
    )
    later = [i for i in got if str(i.date) == "2021-03-04"]
    assert len(later) == 1
    assert later[0].location is not None
    assert later[0].location.country == "Nigeria"
    # with no "there", another event's place is not lent
    got = extract_from_text(
        "Gunmen attacked a village near Kano on 2 March. Two days later, troops killed 12 "
        "insurgents.",
        PUBLISHED,
        doc_id="step",
    )
    later = [i for i in got if str(i.date) == "2021-03-04"]
    assert len(later) == 1
    assert later[0].location is None
