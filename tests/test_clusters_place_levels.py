"""Reports of one event placed at different levels: a town in one report, only its region or
country in another. The coarser report joins the one event of its type and days inside its
area, and none when there are several; the places are the gazetteer's (a region's point is the
point of its towns, so a region's town can lie farther from it than ``cluster.distance_km``)."""

from __future__ import annotations

from clusters.events import place_level
from clusters.stage import ClusterStage
from tests.test_clusters import incident, latest, run
from wirewatch.config import ClusterSettings, Settings
from wirewatch.contracts import Location

IDLIB = Location(
    name="Idlib",
    admin1="Idlib",
    country="Syria",
    country_iso3="SYR",
    lat=35.93062,
    lon=36.63393,
    precision="admin1",
)
# two towns of Idlib governorate, each about 30 km from the governorate's point
MAARAT = Location(
    name="Maarat al-Numan",
    admin1="Idlib",
    country="Syria",
    country_iso3="SYR",
    lat=35.6478,
    lon=36.6744,
    precision="town",
)
JISR = Location(
    name="Jisr al-Shughur",
    admin1="Idlib",
    country="Syria",
    country_iso3="SYR",
    lat=35.8126,
    lon=36.3176,
    precision="town",
)
SYRIA = Location(
    name="Syria", country="Syria", country_iso3="SYR", lat=35.15595, lon=37.20908,
    precision="country",
)  # fmt: skip


def _stage(**cluster: float) -> ClusterStage:
    return ClusterStage(Settings(cluster=ClusterSettings(**cluster)))


def _events_of(stage: ClusterStage, *incidents) -> dict:
    emits = []
    for inc in incidents:
        emits += run(stage, inc)
    return latest(emits)


def test_place_levels_are_read_from_the_precision() -> None:
    assert (place_level(SYRIA), place_level(IDLIB), place_level(MAARAT)) == (0, 1, 2)
    assert place_level(Location(name="Somewhere")) == 2  # no precision: taken as a town


def test_a_town_report_and_a_region_report_of_one_event_join() -> None:
    stage = _stage()
    events = _events_of(
        stage,
        incident(1, where=MAARAT, killed=5, day="2024-04-02"),
        incident(2, where=IDLIB, killed=6, day="2024-04-02"),
    )
    assert len(events) == 1
    (event,) = events.values()
    assert event.incident_ids == ["inc-1", "inc-2"]
    assert event.location == MAARAT  # the finer place stays
    assert event.fatalities == 6


def test_a_region_report_first_then_the_town_report_join_and_the_event_takes_the_town() -> None:
    stage = _stage()
    events = _events_of(
        stage,
        incident(1, where=IDLIB, killed=5, day="2024-04-02"),
        incident(2, where=MAARAT, killed=5, day="2024-04-03"),
    )
    assert len(events) == 1
    (event,) = events.values()
    assert event.incident_ids == ["inc-1", "inc-2"]
    assert event.location == MAARAT
    # the event is at the town now: a report of another town of the region is another event
    more = _events_of(stage, incident(3, where=JISR, killed=5, day="2024-04-03"))
    assert [e.incident_ids for e in more.values()] == [["inc-3"]]


def test_with_two_candidate_events_in_the_region_the_region_report_stays_apart() -> None:
    stage = _stage()
    events = _events_of(
        stage,
        incident(1, where=MAARAT, killed=5, day="2024-04-02"),
        incident(2, where=JISR, killed=3, day="2024-04-02"),
        incident(3, where=IDLIB, killed=8, day="2024-04-02"),  # a round-up: which one?
    )
    assert sorted(e.incident_ids for e in events.values()) == [["inc-1"], ["inc-2"], ["inc-3"]]
    # and a later report of a third town of the region does not join the round-up either
    town3 = MAARAT.model_copy(update={"name": "Saraqib", "lat": 35.86447, "lon": 36.80591})
    # (its toll fits the round-up's: only the round-up's vagueness keeps them apart, though the
    # town lies within the matching distance of the region's point)
    more = _events_of(stage, incident(4, where=town3, killed=9, day="2024-04-02"))
    assert [e.incident_ids for e in more.values()] == [["inc-4"]]


def test_a_region_report_joining_a_town_event_without_coordinates_leaves_it_at_the_town() -> None:
    stage = _stage()
    town = MAARAT.model_copy(update={"lat": None, "lon": None})
    events = _events_of(
        stage,
        incident(1, where=town, killed=5, day="2024-04-02"),
        incident(2, where=IDLIB, killed=5, day="2024-04-02"),
    )
    assert [e.incident_ids for e in events.values()] == [["inc-1", "inc-2"]]
    (event,) = events.values()
    assert event.location is not None and place_level(event.location) == place_level(MAARAT)
    assert event.location.name == MAARAT.name


def test_a_country_level_report_joins_the_one_event_of_its_type_in_the_country() -> None:
    stage = _stage()
    events = _events_of(
        stage,
        incident(1, where=MAARAT, killed=5, day="2024-04-02"),
        incident(2, where=SYRIA, killed=5, day="2024-04-02"),
    )
    assert [e.incident_ids for e in events.values()] == [["inc-1", "inc-2"]]


def test_a_country_level_report_of_another_type_stays_apart() -> None:
    stage = _stage()
    events = _events_of(
        stage,
        incident(1, where=MAARAT, killed=5, day="2024-04-02"),
        incident(
            2, where=SYRIA, killed=5, day="2024-04-02", sub="Attack",
            event_type="Violence against civilians",
        ),
    )  # fmt: skip
    assert sorted(e.incident_ids for e in events.values()) == [["inc-1"], ["inc-2"]]


def test_a_coarser_report_stays_apart_on_a_lower_toll_another_day_or_another_region() -> None:
    stage = _stage()
    events = _events_of(
        stage,
        incident(1, where=MAARAT, killed=5, day="2024-04-02"),
        incident(2, where=IDLIB, killed=2, day="2024-04-02"),  # fewer deaths than every report
        incident(3, where=SYRIA, day="2024-04-05"),  # three days later
    )
    assert sorted(e.incident_ids for e in events.values()) == [["inc-1"], ["inc-2"], ["inc-3"]]
    hama = IDLIB.model_copy(update={"name": "Hama", "admin1": "Hama", "lat": 35.13, "lon": 36.75})
    other_region = _events_of(
        _stage(region_km=1000.0),  # the names decide, not the distance
        incident(1, where=MAARAT, killed=5, day="2024-04-02"),
        incident(2, where=hama, killed=5, day="2024-04-02"),
    )
    assert len(other_region) == 2


def test_without_region_names_inside_means_within_region_km_of_the_regions_point() -> None:
    region = IDLIB.model_copy(update={"admin1": None})
    town = MAARAT.model_copy(update={"admin1": None})  # about 32 km from the region's point
    joined = _events_of(
        _stage(), incident(1, where=town, killed=5), incident(2, where=region, killed=5)
    )
    assert len(joined) == 1
    apart = _events_of(
        _stage(region_km=30.0),
        incident(1, where=town, killed=5),
        incident(2, where=region, killed=5),
    )
    assert len(apart) == 2
