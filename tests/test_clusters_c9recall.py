"""Reports of one event that outlets tell differently (issue 14, recall round): another
sub-event type of one compatible group for one event in one town on one day, and a follow-up a
day or two later with a higher toll. Each joining rule has its guards: another toll, another
town, another day, two candidate events, a follow-up that states no higher toll."""

from __future__ import annotations

from clusters.events import DATE_ASSUMED, compatible_types, shard_key
from clusters.stage import ClusterStage
from tests.processors_support import reported
from tests.test_clusters import events_of, incident, latest, run
from wirewatch.config import Settings
from wirewatch.contracts import Evidence, Incident, Location

KAJURU = Location(
    name="Kajuru", admin1="Kaduna", country="Nigeria", country_iso3="NGA", lat=10.32,
    lon=7.68, precision="town",
)  # fmt: skip
# another town of the same state, about 40 km away
KADUNA = Location(
    name="Kaduna", admin1="Kaduna", country="Nigeria", country_iso3="NGA", lat=10.52,
    lon=7.44, precision="town",
)  # fmt: skip


def test_an_explosion_and_a_suicide_bombing_in_one_town_on_one_day_are_one_event() -> None:
    reports = [
        reported(
            1,
            "An explosion killed four people at a checkpoint in Baidoa, Somalia on Tuesday, "
            "police said.",
            "2024-04-02T12:00:00+00:00",
        ),
        reported(
            2,
            "A suicide bomber blew himself up at a checkpoint in Baidoa, Somalia on Tuesday, "
            "killing four people, officials said.",
            "2024-04-02T14:00:00+00:00",
        ),
    ]
    assert [r.sub_event_type for r in reports] == ["Remote explosive/landmine/IED", "Suicide bomb"]
    events = events_of(*reports)
    assert len(events) == 1
    (event,) = events.values()
    assert event.article_ids == ["art-1", "art-2"]


def test_a_drone_strike_and_shelling_in_one_town_on_one_day_stay_apart() -> None:
    """Not in the table: a drone on a bus in the morning and artillery in the afternoon are two
    events as often as one told twice."""
    drone = reported(
        1,
        "A drone strike hit a bus in Kherson, Ukraine on Monday, killing one passenger, "
        "officials said.",
        "2024-04-01T09:00:00+00:00",
    )
    artillery = reported(
        2,
        "Russian artillery shelled a district of Kherson, Ukraine on Monday afternoon, killing "
        "one man, officials said.",
        "2024-04-01T16:00:00+00:00",
    )
    assert (drone.fatalities, artillery.fatalities) == (1, 1)
    assert len(events_of(drone, artillery)) == 2


def test_gunmen_killing_villagers_and_gunmen_clashing_with_vigilantes_are_one_event() -> None:
    attack = reported(
        1,
        "Gunmen killed three villagers in Kajuru, Nigeria on Friday, residents said.",
        "2024-04-05T15:00:00+00:00",
    )
    clash = reported(
        2,
        "Three people died when gunmen clashed with vigilantes in Kajuru, Nigeria on Friday, "
        "police said.",
        "2024-04-05T16:00:00+00:00",
    )
    assert (attack.sub_event_type, clash.sub_event_type) == ("Attack", "Armed clash")
    events = events_of(attack, clash)
    assert len(events) == 1
    (event,) = events.values()
    assert event.incident_ids == [attack.incident_id, clash.incident_id]


def test_a_grenade_and_a_car_bomb_of_other_tolls_in_one_town_on_one_day_stay_apart() -> None:
    grenade = reported(
        1,
        "A grenade thrown at a checkpoint in Baidoa, Somalia killed four people on Tuesday, "
        "witnesses said.",
        "2024-04-02T12:00:00+00:00",
    )
    bomb = reported(
        2,
        "A car bomb exploded in Baidoa, Somalia on Tuesday, killing five people.",
        "2024-04-02T13:00:00+00:00",
    )
    assert (grenade.sub_event_type, bomb.sub_event_type) == (
        "Grenade",
        "Remote explosive/landmine/IED",
    )
    assert len(events_of(grenade, bomb)) == 2


def test_another_type_joins_only_in_the_same_town_on_a_day_of_the_event() -> None:
    grenade = incident(1, sub="Grenade", where=KAJURU, killed=2, day="2024-04-05")
    elsewhere = incident(
        2,
        sub="Suicide bomb",
        where=KADUNA,
        killed=2,
        day="2024-04-05",
    )
    next_day = incident(3, sub="Suicide bomb", where=KAJURU, killed=2, day="2024-04-06")
    assert len(events_of(grenade, elsewhere)) == 2
    assert len(events_of(grenade, next_day)) == 2
    # and never a region's or a country's report of another type
    region = KAJURU.model_copy(update={"name": "Kaduna", "precision": "admin1"})
    coarse = incident(4, sub="Suicide bomb", where=region, day="2024-04-05")
    assert len(events_of(grenade, coarse)) == 2


def test_another_type_joins_nothing_when_two_events_of_the_group_are_in_the_town() -> None:
    grenade = incident(1, sub="Grenade", where=KAJURU, day="2024-04-05")
    bomb = incident(
        2,
        sub="Suicide bomb",
        event_type="Explosions/Remote violence",
        where=KAJURU,
        day="2024-04-05",
    )
    vague = incident(3, sub="Remote explosive/landmine/IED", where=KAJURU, day="2024-04-05")
    assert (
        len(events_of(grenade, bomb)) == 1
    )  # the suicide bombing joins the grenade: one candidate
    assert len(events_of(grenade, vague)) == 1
    # two of the group already apart (other named parties): a third report cannot tell which
    army = incident(4, sub="Grenade", where=KAJURU, day="2024-04-05", actors=["Army"])
    rebels = incident(5, sub="Suicide bomb", where=KAJURU, day="2024-04-05", actors=["Ansaru"])
    third = vague.model_copy(update={"incident_id": "inc-6", "article_id": "art-6"})
    assert len(events_of(army, rebels, third)) == 3


def test_types_of_two_groups_never_join() -> None:
    protest = incident(
        1, sub="Peaceful protest", event_type="Protests", where=KAJURU, day="2024-04-05"
    )
    blast = incident(2, sub="Remote explosive/landmine/IED", where=KAJURU, day="2024-04-05")
    attack = incident(
        3, sub="Attack", event_type="Violence against civilians", where=KAJURU, day="2024-04-05"
    )
    assert len(events_of(protest, blast, attack)) == 3
    assert "Attack" not in compatible_types("Remote explosive/landmine/IED")
    assert compatible_types("Agreement") == frozenset()


def test_an_incident_joined_to_an_event_of_another_type_is_not_added_twice() -> None:
    stage = ClusterStage(Settings())
    grenade = incident(1, sub="Grenade", where=KAJURU, day="2024-04-05")
    suicide = incident(2, sub="Suicide bomb", where=KAJURU, day="2024-04-05")
    first = latest(run(stage, grenade) + run(stage, suicide))
    assert len(first) == 1
    assert run(stage, suicide) == []  # written again upstream: nothing new


def test_reports_of_compatible_types_share_a_shard_and_other_types_do_not() -> None:
    """The Kafka runner shards by this key: a report must reach the worker holding an event of
    a compatible type."""
    strike = incident(1, sub="Air/drone strike", where=KAJURU)
    shelling = incident(2, sub="Shelling/artillery/missile attack", where=KAJURU)
    attack = incident(3, sub="Attack", event_type="Violence against civilians", where=KAJURU)
    clash = incident(4, sub="Armed clash", event_type="Battles", where=KAJURU)
    suicide = incident(6, sub="Suicide bomb", where=KAJURU)
    blast = incident(7, sub="Remote explosive/landmine/IED", where=KAJURU)
    assert shard_key(suicide) == shard_key(blast)
    assert shard_key(attack) == shard_key(clash)
    assert len({shard_key(strike), shard_key(shelling), shard_key(blast), shard_key(attack)}) == 4
    abroad = incident(5, sub="Suicide bomb", where=KAJURU.model_copy(
        update={"country": "Niger", "country_iso3": "NER"}))  # fmt: skip
    assert shard_key(suicide) != shard_key(abroad)


def test_the_toll_rose_to_two_days_later_is_a_follow_up_of_the_event() -> None:
    first = reported(
        1,
        "Shelling killed five people in Kherson, Ukraine on Monday, the regional governor said.",
        "2024-04-01T12:00:00+00:00",
    )
    follow_up = reported(
        2,
        "The toll from the shelling of Kherson, Ukraine rose to nine dead, the governor said on "
        "Wednesday.",
        "2024-04-03T12:00:00+00:00",
    )
    assert (first.date, follow_up.date) == ("2024-04-01", "2024-04-03")
    events = events_of(first, follow_up)
    assert len(events) == 1
    (event,) = events.values()
    assert event.fatalities == 9
    assert [r.fatalities for r in event.toll_history] == [5, 9]
    assert (event.first_date, event.last_date) == ("2024-04-01", "2024-04-03")


def _revised(inc: Incident) -> Incident:
    """``inc`` told as a revised toll."""
    text = f"The death toll from Monday's fighting in {inc.location.name} rose to {inc.fatalities}"
    return inc.model_copy(update={"evidence": Evidence(text=text, start=0, end=len(text))})


def _by_publication(inc: Incident) -> Incident:
    return inc.model_copy(update={"warnings": [DATE_ASSUMED]})


def test_a_later_report_without_a_higher_toll_or_too_late_starts_its_own_event() -> None:
    monday = incident(1, sub="Armed clash", event_type="Battles", where=KAJURU, killed=5,
                      day="2024-04-01")  # fmt: skip
    same_toll = incident(2, sub="Armed clash", event_type="Battles", where=KAJURU, killed=5,
                         day="2024-04-03")  # fmt: skip
    no_toll = incident(3, sub="Armed clash", event_type="Battles", where=KAJURU,
                       day="2024-04-03")  # fmt: skip
    three_days = incident(4, sub="Armed clash", event_type="Battles", where=KAJURU, killed=9,
                          day="2024-04-04")  # fmt: skip
    other_town = incident(5, sub="Armed clash", event_type="Battles", where=KADUNA, killed=9,
                          day="2024-04-03")  # fmt: skip
    for later in (same_toll, three_days, other_town):
        assert len(events_of(monday, _revised(later))) == 2, later.incident_id
    # without a toll: a follow-up only when dated by its text (c14recall); this one is dated by
    # its publication
    assert len(events_of(monday, _by_publication(no_toll))) == 2
    rising = incident(6, sub="Armed clash", event_type="Battles", where=KAJURU, killed=9,
                      day="2024-04-03")  # fmt: skip
    # a higher toll two days later is a follow-up only when it is told as a revised toll: else
    # it may be the next fight in the town
    assert len(events_of(monday, rising)) == 2
    assert len(events_of(monday, _revised(rising))) == 1


def test_a_higher_toll_two_days_later_in_other_words_is_another_event() -> None:
    first = reported(
        1,
        "Shelling killed five people in Kherson, Ukraine on Monday, the regional governor said.",
        "2024-04-01T12:00:00+00:00",
    )
    wednesday = reported(
        2,
        "Russian shelling killed nine people in Kherson, Ukraine, the governor said on Wednesday.",
        "2024-04-03T12:00:00+00:00",
    )
    assert (wednesday.date, wednesday.fatalities) == ("2024-04-03", 9)
    assert len(events_of(first, wednesday)) == 2
