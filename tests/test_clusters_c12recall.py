"""Reports of one event whose parties are named at two levels (issue 14, ninth recall round):
one outlet says "security forces", another "Kenya police". The generic name of a state's
forces does not contradict a named state force; it does not make two other named parties one,
and it does not stand for a rebel group."""

from __future__ import annotations

from processors.stage import process_article
from tests.test_clusters import events_of, incident
from wirewatch.contracts import Actor, Article, Incident, Location

KISII = Location(
    name="Kisii", admin1="Kisii", country="Kenya", country_iso3="KEN", lat=-0.68,
    lon=34.77, precision="town",
)  # fmt: skip


def _reported(n: int, text: str, published: str) -> Incident:
    """The real extractor's first incident of a one-paragraph report."""
    article = Article(
        article_id=f"art-{n}",
        url=f"https://outlet{n}.example/{n}",
        text=text,
        language="en",
        published_at=published,
    )
    incidents = process_article(article)
    assert incidents, text
    return incidents[0]


def _with_parties(n: int, *parties: tuple[str, str], killed: int = 2) -> Incident:
    """A clash in Kisii on one day naming ``parties`` (name, actor type)."""
    base = incident(n, sub="Armed clash", event_type="Battles", where=KISII, killed=killed)
    actors = [
        Actor(name=name, role="actor1" if i == 0 else "actor2", type=kind)
        for i, (name, kind) in enumerate(parties)
    ]
    return base.model_copy(update={"actors": actors})


def test_security_forces_and_the_kenya_police_firing_on_one_protest_are_one_event() -> None:
    generic = _reported(
        1,
        "Two demonstrators were killed in Kisii, Kenya on Tuesday when security forces opened "
        "fire on a crowd protesting against new taxes, a rights group said.",
        "2024-06-11T15:00:00+00:00",
    )
    named = _reported(
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
