"""Datelines' day and Mexican datelines (issue 18, round q19date).

A dateline's day is when its report was filed: an event the report tells without a day of its
own is assumed on that day (flagged with DATE_ASSUMED_FILED), not on a later publication day.
A Mexican dateline names a town and its state with no day ("Culiacán, Sinaloa.- "): its words
are no trigger and no count, and its town is the fallback place. Sentences written for this
file in wire, bulletin and headline styles; none is taken from the evaluation records."""

from __future__ import annotations

from datetime import date

import pytest

from processors.rules import _report_filed_day
from processors.sentences import datelines
from tests.processors_support import first_incident
from wirewatch.contracts import DATE_ASSUMED, DATE_ASSUMED_FILED, Incident, date_assumed

# a Wednesday; the datelines below are filed on earlier days
PUB = "2021-03-10"


# --------------------------------------------------------------------------- the filed day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("KABUL, March 8 (Reuters) - Gunmen killed four soldiers at a checkpoint.", "2021-03-08"),
        ("MOGADISHU, 6 March 2021 (AFP) -- A car bomb wounded nine people.", "2021-03-06"),
        ("GOMA, Congo, Mar. 9 - Rebels attacked a village, residents said.", "2021-03-09"),
        (
            "CULIACÁN, Sin., 7 de marzo (EFE).- Hombres armados asesinaron a tres policías.",
            "2021-03-07",
        ),
    ],
)
def test_an_undated_event_of_a_filed_report_is_assumed_on_the_filed_day(
    text: str, day: str
) -> None:
    inc = first_incident(text, PUB)
    assert inc.date == day and inc.date_precision == "day"
    assert DATE_ASSUMED_FILED in inc.warnings and DATE_ASSUMED not in inc.warnings
    assert date_assumed(inc.warnings)


def test_a_day_the_report_states_beats_the_filed_day() -> None:
    inc = first_incident("KABUL, March 8 (Reuters) - Gunmen killed four soldiers on Saturday.", PUB)
    assert inc.date == "2021-03-06"
    assert not date_assumed(inc.warnings)


@pytest.mark.parametrize(
    "text",
    [
        # a dateline later than publication, or older than a background date, is no filed day
        "KABUL, March 12 (Reuters) - Gunmen killed four soldiers at a checkpoint.",
        "KABUL, 2 January 2021 (Reuters) - Gunmen killed four soldiers at a checkpoint.",
        # a dateline with no day
        "KABUL (Reuters) - Gunmen killed four soldiers at a checkpoint.",
    ],
)
def test_without_a_usable_filed_day_the_publication_day_is_assumed(text: str) -> None:
    inc = first_incident(text, PUB)
    assert inc.date == PUB
    assert DATE_ASSUMED in inc.warnings and DATE_ASSUMED_FILED not in inc.warnings


def test_each_report_of_a_page_takes_its_own_datelines_day() -> None:
    # a page of several filed reports: an event is dated by the last dateline before it
    # (extract_from_text joins the events of such a page today: see bench/README, q19date)
    page = (
        "KABUL, March 8 (Reuters) - Gunmen killed four soldiers at a checkpoint.\n\n"
        "MOGADISHU, March 9 (Reuters) - A car bomb killed six people near the port.\n\n"
        "NAIROBI (Reuters) - Police dispersed a march."
    )
    filed = datelines(page)
    starts = [a for a, _b in filed]
    mogadishu, nairobi = page.index("A car bomb"), page.index("Police")
    published = date(2021, 3, 10)
    assert _report_filed_day(page, filed, starts, 30, published) == date(2021, 3, 8)
    assert _report_filed_day(page, filed, starts, mogadishu, published) == date(2021, 3, 9)
    assert _report_filed_day(page, filed, starts, nairobi, published) is None
    assert _report_filed_day(page, [], [], 30, published) is None


def test_the_filed_day_warning_is_a_valid_incident_warning() -> None:
    inc = first_incident("KABUL, March 8 (Reuters) - Gunmen killed four soldiers.", PUB)
    again = Incident.model_validate_json(inc.model_dump_json())
    assert again.warnings == inc.warnings


def test_any_date_assumed_warning_reads_as_an_assumed_date() -> None:
    # readers tolerate 1.x additions: a later "date-assumed: ..." is still an assumed date
    assert date_assumed(["date-assumed: some later reason"])
    assert not date_assumed(["non-english-text: rules read English and Spanish only"])


# --------------------------------------------------------------------------- Mexican datelines


@pytest.mark.parametrize(
    "head",
    [
        "Culiacán, Sinaloa.- ",
        "Chilpancingo, Gro.- ",
        "Ciudad de México.- ",
        "CIUDAD DE MÉXICO.- ",
        "San Luis Potosí, S.L.P.- ",
        "Tlaquepaque, Jalisco.– ",
    ],
)
def test_a_mexican_dateline_without_a_day_is_recognised_whole(head: str) -> None:
    text = head + "Hombres armados asesinaron a tres policías."
    assert [text[a:b] for a, b in datelines(text)] == [head]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # the sentence's own place is the event's; the dateline's town is where it was filed
        ("Culiacán, Sinaloa.- Hombres armados asesinaron a tres policías en Navolato.", "Navolato"),
        ("Chilpancingo, Gro.- Un ataque armado dejó tres muertos en Tixtla.", "Tixtla"),
        (
            "Ciudad de México.- Hombres armados asesinaron a tres hombres en Iztapalapa.",
            "Iztapalapa",
        ),
        # no place in the sentence: the dateline's town, not its state
        ("Dos Bocas, Tabasco.- Hombres armados asesinaron a tres comerciantes.", "Dos Bocas"),
        ("Culiacán, Sinaloa.- Hombres armados asesinaron a tres policías.", "Culiacán"),
    ],
)
def test_a_mexican_datelines_town_is_only_the_fallback_place(text: str, town: str) -> None:
    inc = first_incident(text, PUB)
    assert inc.fatalities == 3
    assert inc.location is not None and inc.location.name == town
    assert inc.location.country_iso3 == "MEX"


@pytest.mark.parametrize(
    "text",
    [
        # labels and headlines before a colon or dash are no dateline
        "BREAKING: Gunmen kill four soldiers at a checkpoint",
        "WATCH: Gunmen kill four soldiers at a checkpoint",
        "UPDATE - Gunmen kill four soldiers at a checkpoint",
        "EXCLUSIVE: Gunmen kill four soldiers at a checkpoint",
        "Breaking News: Gunmen kill four soldiers at a checkpoint",
        # a sentence in title case before ".-" that tells an event is no town
        "Matan Policías.- Hombres armados dispararon contra una patrulla.",
        "Hallan Cuerpos.- Vecinos reportaron disparos en una colonia.",
        # a Spanish title-case label before ".-"
        "Última Hora.- Hombres armados asesinaron a tres policías.",
    ],
)
def test_a_label_or_headline_is_no_dateline(text: str) -> None:
    assert datelines(text) == []


# --------------------------------------------------------------------------- the clusterer


def test_a_later_report_dated_by_its_dateline_is_not_taken_for_a_follow_up() -> None:
    # a follow-up must be dated by its text (clusters.events): a filed day is assumed too
    from tests.test_clusters import incident
    from tests.test_clusters_c14recall import MONDAY, _one_event, _report

    attack = _report(
        9,
        "Gunmen killed seven villagers in an attack on a market in Kajuru, Kaduna State, "
        "Nigeria on Monday, police said.",
        MONDAY,
    )
    filed = incident(
        10, sub=attack.sub_event_type, event_type=attack.event_type, day="2024-03-06",
        where=attack.location,
    ).model_copy(update={"warnings": [DATE_ASSUMED_FILED]})  # fmt: skip
    assert not _one_event(attack, filed)
