"""Issue 14, eleventh recall round (c14recall).

Two joins, each measured on the labelled sets before it was kept (bench/README.md, "Eleventh
round (recall, c14recall)"):

* a later report stating no toll (an inquiry, a statement, an arrest over the attack) follows up
  the one event of its type at its town that ended before it and started at most
  ``follow_up_days`` before it, when the report is dated by its text and the named parties do not
  contradict; not a report of fighting that goes on ("continued", "again"), nor one dated only
  by its publication;
* a region's or country's report joins, of several events inside its area, the one at the town
  of its name (Deir ez-Zor province beside Deir ez-Zor and Dhiban).

And the hard negatives of the round's measured and not kept rule (a report with a lower toll
than the event's joining it when all else agrees): two attacks in one town on one day with
other tolls, a second strike in the town two days later with its own toll, a follow-up that
could be of either of two events of the town. Reports are the real extractor's."""

from __future__ import annotations

from clusters.events import DATE_ASSUMED
from clusters.stage import ClusterStage
from tests.processors_support import reported
from tests.test_clusters import events_of, incident, latest, run
from wirewatch.config import Settings
from wirewatch.contracts import Incident, Location

MONDAY = "2024-03-04T18:00:00+00:00"
WEDNESDAY = "2024-03-06T18:00:00+00:00"


def _report(n: int, text: str, published: str) -> Incident:
    return reported(n, text, published)


def _attack(n: int, **fields: object) -> Incident:
    return incident(n, sub="Attack", event_type="Violence against civilians", **fields)  # type: ignore[arg-type]


def _one_event(*incidents: Incident) -> bool:
    return len(events_of(*incidents)) == 1


# ---------------------------------------------------------------- follow-ups without a toll


def test_a_statement_two_days_later_without_a_toll_follows_up_the_attack() -> None:
    attack = _report(
        1,
        "Gunmen killed seven villagers in an attack on a market in Kajuru, Kaduna State, "
        "Nigeria on Monday, police said.",
        MONDAY,
    )
    statement = _report(
        2,
        "The Kaduna State government on Wednesday condemned the attack by gunmen on a market "
        "in Kajuru, Nigeria, and said security agencies had been deployed.",
        WEDNESDAY,
    )
    assert statement.sub_event_type == attack.sub_event_type == "Attack"
    assert statement.fatalities is None and DATE_ASSUMED not in statement.warnings
    assert statement.date == "2024-03-06" and attack.date == "2024-03-04"
    assert _one_event(attack, statement)


def test_an_inquiry_two_days_later_without_a_toll_follows_up_the_clash() -> None:
    clash = _report(
        3, "Rival militias clashed in Zawiya, Libya on Monday, killing six fighters, medics said.",
        MONDAY,
    )  # fmt: skip
    inquiry = _report(
        4,
        "Prosecutors in Libya said on Wednesday they had opened an inquiry into the clashes "
        "between rival militias in Zawiya.",
        WEDNESDAY,
    )
    assert inquiry.sub_event_type == clash.sub_event_type and inquiry.fatalities is None
    assert _one_event(clash, inquiry)


def test_fighting_that_goes_on_two_days_later_is_the_later_days_event() -> None:
    clash = _report(
        5, "Rival militias clashed in Zawiya, Libya on Monday, killing six fighters, medics said.",
        MONDAY,
    )  # fmt: skip
    again = _report(
        6,
        "Clashes between rival militias continued in Zawiya, Libya on Wednesday, residents said.",
        WEDNESDAY,
    )
    assert again.sub_event_type == clash.sub_event_type and again.fatalities is None
    assert not _one_event(clash, again)


def test_a_strike_again_two_days_later_is_not_a_follow_up() -> None:
    bakery = _report(
        7, "An air strike hit a bakery in Idlib, Syria on Monday, killing five people, "
        "rescuers said.",
        MONDAY,
    )  # fmt: skip
    again = _report(
        8, "An air strike hit Idlib, Syria again on Wednesday, rescuers said.", WEDNESDAY
    )
    assert again.sub_event_type == bakery.sub_event_type and again.fatalities is None
    assert not _one_event(bakery, again)


def test_a_later_report_dated_only_by_its_publication_is_not_taken_for_a_follow_up() -> None:
    attack = _report(
        9,
        "Gunmen killed seven villagers in an attack on a market in Kajuru, Kaduna State, "
        "Nigeria on Monday, police said.",
        MONDAY,
    )
    undated = incident(
        10, sub=attack.sub_event_type, event_type=attack.event_type, day="2024-03-06",
        where=attack.location,
    ).model_copy(update={"warnings": [DATE_ASSUMED]})  # fmt: skip
    dated = undated.model_copy(
        update={"warnings": [], "incident_id": "inc-11", "article_id": "a11"}
    )
    assert not _one_event(attack, undated)
    assert _one_event(attack, dated)  # the same report dated by its text follows up


def test_the_warning_is_the_extractors() -> None:
    undated = _report(
        12, "Gunmen attacked a market in Kajuru, Kaduna State, Nigeria, killing four traders.",
        WEDNESDAY,
    )  # fmt: skip
    assert DATE_ASSUMED in undated.warnings


def test_a_follow_up_three_days_after_the_event_began_does_not_join() -> None:
    attack = _attack(13, day="2024-03-03", killed=7)
    late = _attack(14, day="2024-03-06")
    assert not _one_event(attack, late)
    assert _one_event(attack, _attack(15, day="2024-03-05"))


def test_a_follow_up_in_a_neighbouring_town_does_not_join() -> None:
    near = Location(name="Near", country="Iraq", country_iso3="IRQ", lat=33.3906, lon=44.1847)
    attack = _attack(16, day="2024-03-04", killed=7)  # Abu Ghraib
    assert not _one_event(attack, _attack(17, day="2024-03-06", where=near))


def test_a_follow_up_naming_other_parties_does_not_join() -> None:
    attack = _attack(18, day="2024-03-04", killed=7, actors=["ISWAP"])
    other = _attack(19, day="2024-03-06", actors=["Ansaru"])
    assert not _one_event(attack, other)


# ---------------------------------------------------------------- hard negatives


def test_two_attacks_in_one_town_on_one_day_with_other_tolls_stay_apart() -> None:
    market = _report(
        20,
        "Gunmen killed seven villagers in an attack on a market in Kajuru, Kaduna State, "
        "Nigeria on Monday, police said.",
        MONDAY,
    )
    church = _report(
        21,
        "Gunmen killed three farmers in an attack on a village church in Kajuru, Kaduna State, "
        "Nigeria on Monday, police said.",
        MONDAY,
    )
    assert market.date == church.date and (market.fatalities, church.fatalities) == (7, 3)
    assert not _one_event(market, church)


def test_a_second_strike_in_the_town_two_days_later_with_its_own_toll_stays_apart() -> None:
    bakery = _report(
        22, "An air strike hit a bakery in Idlib, Syria on Monday, killing five people, "
        "rescuers said.",
        MONDAY,
    )  # fmt: skip
    school = _report(
        23,
        "An air strike hit a school in Idlib, Syria on Wednesday, killing three children, "
        "rescuers said.",
        WEDNESDAY,
    )
    assert school.sub_event_type == bakery.sub_event_type and school.fatalities == 3
    assert not _one_event(bakery, school)


def test_a_follow_up_that_may_be_of_either_of_two_events_of_the_town_joins_neither() -> None:
    bakery = _report(
        24, "An air strike hit a bakery in Idlib, Syria on Monday, killing five people, "
        "rescuers said.",
        MONDAY,
    )  # fmt: skip
    school = _report(
        25, "An air strike hit a school in Idlib, Syria on Monday, killing two people, "
        "rescuers said.",
        MONDAY,
    )  # fmt: skip
    bodies = _report(
        26,
        "Rescuers said on Wednesday they had found more bodies after the air strike on the "
        "bakery in Idlib, Syria.",
        WEDNESDAY,
    )
    assert bodies.fatalities is None and DATE_ASSUMED not in bodies.warnings
    events = events_of(bakery, school, bodies)
    assert len(events) == 3
    assert ["inc" for ev in events.values() if len(ev.incident_ids) > 1] == []


# ---------------------------------------------------------------- a region and its namesake town

DEIR_EZ_ZOR_PROVINCE = Location(
    name="Deir ez-Zor", admin1="Dayr az Zawr", country="Syria", country_iso3="SYR",
    lat=35.15618, lon=40.42716, precision="admin1",
)  # fmt: skip
DEIR_EZ_ZOR = Location(
    name="Deir ez-Zor", admin1="Dayr az Zawr", country="Syria", country_iso3="SYR",
    lat=35.33588, lon=40.14084, precision="town",
)  # fmt: skip
DHIBAN = Location(
    name="Dhiban", admin1="Dayr az Zawr", country="Syria", country_iso3="SYR",
    lat=35.01498, lon=40.51028, precision="town",
)  # fmt: skip
ABU_KAMAL = Location(
    name="Abu Kamal", admin1="Dayr az Zawr", country="Syria", country_iso3="SYR",
    lat=34.4506, lon=40.9186, precision="town",
)  # fmt: skip


def _clash(n: int, where: Location, day: str = "2024-08-07") -> Incident:
    return incident(n, sub="Armed clash", event_type="Battles", day=day, where=where)


def test_a_provinces_report_joins_its_namesake_towns_event_of_several_inside_it() -> None:
    stage = ClusterStage(Settings())
    emits = []
    for inc in (
        _clash(30, DEIR_EZ_ZOR),
        _clash(31, DHIBAN),
        _clash(32, DEIR_EZ_ZOR_PROVINCE, day="2024-08-08"),
    ):
        emits += run(stage, inc)
    events = latest(emits)
    assert len(events) == 2
    assert sorted(ev.incident_ids for ev in events.values()) == [["inc-30", "inc-32"], ["inc-31"]]


def test_a_provinces_report_with_several_events_inside_and_no_namesake_joins_none() -> None:
    events = events_of(_clash(33, ABU_KAMAL), _clash(34, DHIBAN), _clash(35, DEIR_EZ_ZOR_PROVINCE))
    assert len(events) == 3
