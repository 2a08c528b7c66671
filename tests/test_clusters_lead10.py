"""Issue 14: of two events of one type at one place on one day, a report joins the one whose
toll it repeats or revises least (before, the tie went to the smaller event id: a follow-up
"the toll from the school strike rose to nine" could join the bakery strike that killed two)."""

from __future__ import annotations

from clusters.events import event_id_for
from tests.test_clusters import events_of, incident
from wirewatch.contracts import Incident


def _two_events() -> tuple[Incident, Incident]:
    """Two strikes in one town on one day, the one with the smaller event id killing fewer
    (so the old tie-break by id picks the wrong one for a higher toll)."""
    ids = sorted([1, 2], key=lambda n: event_id_for(f"inc-{n}"))
    low, high = ids  # event_id_for(inc-low) < event_id_for(inc-high)
    return incident(low, killed=2), incident(high, killed=6)


def test_a_higher_toll_joins_the_event_whose_toll_it_revises_least() -> None:
    bakery, school = _two_events()
    follow_up = incident(3, killed=9)
    events = events_of(
        school, bakery, follow_up
    )  # the school first: the bakery's 2 is another event
    assert len(events) == 2
    joined = next(ev for ev in events.values() if "art-3" in ev.article_ids)
    assert school.article_id in joined.article_ids
    assert bakery.article_id not in joined.article_ids


def test_a_repeated_toll_joins_the_event_that_stated_it() -> None:
    bakery, school = _two_events()
    again = incident(4, killed=6)
    events = events_of(school, bakery, again)
    joined = next(ev for ev in events.values() if "art-4" in ev.article_ids)
    assert school.article_id in joined.article_ids
