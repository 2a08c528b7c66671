"""Reports of one event that outlets tell differently (issue 14, ninth recall round).

Parties named at two levels: one outlet says "security forces", another "Kenya police". The
generic name of a state's forces does not contradict a named state force; it does not make two
other named parties one, and it does not stand for a rebel group.

A protest told as a riot ("Violent demonstration") by one outlet and as a protest by another
joins under the compatible-type rule; a lynching ("Mob violence") beside it does not, nor a
riot in another town, of another toll or a week later."""

from __future__ import annotations

import sys
from pathlib import Path

from clusters.events import compatible_types, shard_key
from tests.processors_support import reported
from tests.test_clusters import events_of, incident
from wirewatch.contracts import Actor, Incident, Location

KISII = Location(
    name="Kisii", admin1="Kisii", country="Kenya", country_iso3="KEN", lat=-0.68,
    lon=34.77, precision="town",
)  # fmt: skip


def _with_parties(n: int, *parties: tuple[str, str], killed: int = 2) -> Incident:
    """A clash in Kisii on one day naming ``parties`` (name, actor type)."""
    base = incident(n, sub="Armed clash", event_type="Battles", where=KISII, killed=killed)
    actors = [
        Actor(name=name, role="actor1" if i == 0 else "actor2", type=kind)
        for i, (name, kind) in enumerate(parties)
    ]
    return base.model_copy(update={"actors": actors})


def test_security_forces_and_the_kenya_police_firing_on_one_protest_are_one_event() -> None:
    generic = reported(
        1,
        "Two demonstrators were killed in Kisii, Kenya on Tuesday when security forces opened "
        "fire on a crowd protesting against new taxes, a rights group said.",
        "2024-06-11T15:00:00+00:00",
    )
    named = reported(
        2,
        "Kenyan police fired on protesters in Kisii on Tuesday, killing two, a rights group said.",
        "2024-06-11T18:00:00+00:00",
    )
    assert {a.name for a in generic.actors} >= {"Security forces"}
    assert {a.name for a in named.actors} >= {"Kenya police"}
    assert generic.sub_event_type == named.sub_event_type
    events = events_of(generic, named)
    assert len(events) == 1
    (event,) = events.values()
    assert event.article_ids == ["art-1", "art-2"]


def test_the_generic_name_joins_either_way_round() -> None:
    named = _with_parties(1, ("Sudan military", "state_forces"))
    generic = _with_parties(2, ("Security forces", "state_forces"))
    assert len(events_of(named, generic)) == 1
    assert len(events_of(generic, named)) == 1


def test_security_forces_with_two_other_named_groups_stay_apart() -> None:
    """Police against al-Shabaab and security forces against ISIS in one town on one day: the
    state's side may be one, the other side is not."""
    shabaab = _with_parties(1, ("Kenya police", "state_forces"), ("al-Shabaab", "rebel_group"))
    isis = _with_parties(
        2, ("Security forces", "state_forces"), ("Islamic State (ISIS)", "rebel_group")
    )
    assert len(events_of(shabaab, isis)) == 2


def test_security_forces_never_stand_for_a_rebel_group() -> None:
    generic = _with_parties(1, ("Security forces", "state_forces"))
    rebels = _with_parties(2, ("al-Shabaab", "rebel_group"))
    assert len(events_of(generic, rebels)) == 2


def test_two_named_state_forces_stay_apart() -> None:
    police = _with_parties(1, ("Kenya police", "state_forces"))
    army = _with_parties(2, ("Uganda military", "state_forces"))
    assert len(events_of(police, army)) == 2


def test_the_generic_name_does_not_override_a_lower_toll() -> None:
    """Parties agreeing is not enough: a report of fewer deaths than the event's is another
    event, as before."""
    named = _with_parties(1, ("Kenya police", "state_forces"), killed=5)
    generic = _with_parties(2, ("Security forces", "state_forces"), killed=2)
    assert len(events_of(named, generic)) == 2


# --- riots: a protest told as a violent demonstration by one outlet ---------------------------


def test_a_riot_and_the_police_dispersing_the_protest_are_one_event() -> None:
    riot = reported(
        11,
        "Rioters torched shops and vandalised a police station in Kisumu, Kenya on Tuesday "
        "during protests against new taxes, police said.",
        "2024-06-11T15:00:00+00:00",
    )
    dispersed = reported(
        12,
        "Police fired tear gas to disperse demonstrators protesting against new taxes in "
        "Kisumu, Kenya on Tuesday, witnesses said.",
        "2024-06-11T18:00:00+00:00",
    )
    assert (riot.sub_event_type, dispersed.sub_event_type) == (
        "Violent demonstration",
        "Protest with intervention",
    )
    events = events_of(riot, dispersed)
    assert len(events) == 1
    (event,) = events.values()
    assert event.article_ids == ["art-11", "art-12"]


def test_a_riot_and_a_protest_share_a_shard() -> None:
    """The Kafka runner shards by this key: the riot's report must reach the protest's worker."""
    riot = incident(1, sub="Violent demonstration", event_type="Riots", where=KISII)
    march = incident(2, sub="Peaceful protest", event_type="Protests", where=KISII)
    lynching = incident(3, sub="Mob violence", event_type="Riots", where=KISII)
    assert "Violent demonstration" in compatible_types("Peaceful protest")
    assert shard_key(riot) == shard_key(march) != shard_key(lynching)


def test_a_lynching_beside_the_days_protest_stays_apart() -> None:
    riot = reported(
        13,
        "Rioters torched shops and vandalised a police station in Kisumu, Kenya on Tuesday "
        "during protests against new taxes, police said.",
        "2024-06-11T15:00:00+00:00",
    )
    lynching = reported(
        14,
        "A mob lynched a suspected thief in Kisumu, Kenya on Tuesday, police said.",
        "2024-06-11T18:00:00+00:00",
    )
    assert lynching.sub_event_type == "Mob violence"
    assert len(events_of(riot, lynching)) == 2


def test_a_riot_in_another_town_or_another_toll_stays_apart() -> None:
    protest = incident(
        1, sub="Protest with intervention", event_type="Protests", where=KISII, killed=1
    )
    eldoret = KISII.model_copy(update={"name": "Eldoret", "lat": 0.51, "lon": 35.27})
    riot_elsewhere = incident(2, sub="Violent demonstration", event_type="Riots", where=eldoret)
    assert len(events_of(protest, riot_elsewhere)) == 2
    riot_deadlier = incident(
        3, sub="Violent demonstration", event_type="Riots", where=KISII, killed=3
    )
    assert len(events_of(protest, riot_deadlier)) == 2
    riot_next_week = incident(
        4, sub="Violent demonstration", event_type="Riots", where=KISII, day="2024-03-12"
    )
    assert len(events_of(protest, riot_next_week)) == 2


# --- bench_clusters.py --why: why two reports of one gold event are apart ---------------------


def test_miss_reason_names_the_first_difference() -> None:
    bench = Path(__file__).resolve().parent.parent / "bench"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    from bench_clusters import DATE_ASSUMED, miss_reason

    clash = incident(1, sub="Armed clash", event_type="Battles", where=KISII, killed=2)
    assert miss_reason(clash, None) == ("no incident", "one report gives no incident")
    attack = clash.model_copy(update={"sub_event_type": "Attack"})
    assert miss_reason(clash, attack) == ("type", "Armed clash / Attack (one group)")
    strike = clash.model_copy(update={"sub_event_type": "Air/drone strike"})
    assert miss_reason(clash, strike) == ("type", "Air/drone strike / Armed clash")
    abroad = KISII.model_copy(update={"country": "Uganda", "country_iso3": "UGA"})
    assert miss_reason(clash, clash.model_copy(update={"location": abroad}))[1] == (
        "another country"
    )
    kenya = KISII.model_copy(update={"name": "Kenya", "precision": "country"})
    assert miss_reason(clash, clash.model_copy(update={"location": kenya}))[1] == (
        "levels country / town"
    )
    eldoret = KISII.model_copy(update={"name": "Eldoret", "lat": 0.51, "lon": 35.27})
    assert miss_reason(clash, clash.model_copy(update={"location": eldoret}))[1] == (
        "two towns 100-200 km apart"
    )
    later = clash.model_copy(update={"date": "2024-03-07", "warnings": [DATE_ASSUMED]})
    assert miss_reason(clash, later) == (
        "date",
        "2 days apart, the later report dated by its publication",
    )
    shabaab = _with_parties(2, ("al-Shabaab", "rebel_group"))
    isis = _with_parties(3, ("Islamic State (ISIS)", "rebel_group"))
    assert miss_reason(shabaab, isis)[0] == "parties"
    police = _with_parties(4, ("Kenya police", "state_forces"))
    generic = _with_parties(5, ("Security forces", "state_forces"))
    assert miss_reason(police, generic)[0] == "split"  # the parties agree now
    assert miss_reason(clash, clash.model_copy(update={"fatalities": 5}))[0] == "toll"
