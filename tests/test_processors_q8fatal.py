"""Death counts of headline-style reports, by class of the misses seen on real dev records (issue
18, sixth round). Sentences are general phrasings written for these tests, not copied ones."""

from __future__ import annotations

import pytest

from processors.casualties import find_casualties


def _killed(text: str) -> int | None:
    cas = find_casualties(text)
    return cas.fatalities.value if cas.fatalities else None


def _injured(text: str) -> int | None:
    cas = find_casualties(text)
    return cas.injured.value if cas.injured else None


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # a distance, a weapon or a span is no victim, not even in a comma list before the dead
        ("At 40 metres away, three bodies were found.", 3),
        ("Jets drop more than 20 barrel bombs on the town, two civilians were killed.", 2),
        # "N ..., one died": one of them, not one more
        ("Gunmen attacked two brothers, one died on the spot.", 1),
        ("Three soldiers, 2 civilians were killed in the raid.", 5),
    ],
)
def test_wrong_nouns_and_partitives_are_not_added(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    "text",
    [
        "About 12 dead and wounded in an air raid on a village.",
        "More than 30 fighters have been killed and injured in a car bomb blast.",
        "Dozens of martyrs and wounded in shelling on the old city.",
    ],
)
def test_killed_and_wounded_together_is_no_death_toll(text: str) -> None:
    assert _killed(text) is None


def test_killing_and_injuring_together_is_neither_count() -> None:
    text = "The blast resulted in killing and injuring 9 people at least."
    assert (_killed(text), _injured(text)) == (None, None)


def test_killed_and_wounded_with_their_own_numbers_stay_two_counts() -> None:
    text = "Four soldiers were killed and two wounded in the attack."
    assert (_killed(text), _injured(text)) == (4, 2)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Police find three lifeless men in a house.", 3),
        ("Armed attack leaves one person lifeless in the market.", 1),
        ("Five headless, burned bodies were found near the road.", 5),
        ("Two farmers kidnapped and killed near the border.", 2),
        ("Four tortured, slain in the western hills.", 4),
        ("Six killings in the port city overnight.", 6),
        ("Four dismembered by a gang in the town.", 4),
        ("Police find four severed heads in a cooler.", 4),
    ],
)
def test_headline_words_for_the_dead(text: str, killed: int) -> None:
    assert _killed(text) == killed


def test_present_tense_kill_of_one_victim() -> None:
    assert _killed("Gunmen kill a guard of the depot at the gate.") == 1


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # a toll spread over several victim groups named before one verb
        ("About 12 members of the army and militiamen loyal to them were killed at dawn.", 12),
        ("9 of the rebel forces and allied gunmen were killed in an ambush.", 9),
        ("40 members and fighters of the factions, jihadists and the army were killed.", 40),
        # each group with its own number still adds up, and a person after "and" is one more
        ("Two soldiers and three rebels were killed in clashes.", 5),
        ("Eight soldiers and their civilian driver were killed in the ambush.", 9),
    ],
)
def test_toll_spread_over_several_victim_groups(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("More deaths raise the number to 9 in the bombing of the market.", 9),
        ("Rose to 31 the number of fighters who were killed in the clashes.", 31),
        ("The group loses 7 of its fighters in an air raid.", 7),
        ("The army killings of 4 farmers were unlawful.", 4),
        ("Air raids claim the lives of the 4 guards of the depot.", 4),
    ],
)
def test_tolls_told_after_the_verb(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # restatements of one toll in a headline list joined by semicolons
        ("Seven dead in an attack on a wedding; gunmen kill seven people in the town", 7),
        # a subset of the toll after the semicolon
        ("They kill 3 this morning in the city; one was a teenager", 3),
        ("They kill 2 at dawn in the market; one dies burned", 2),
        # a clause that says it adds dead
        ("Two killed at a checkpoint; 3 more were killed at the bridge", 5),
    ],
)
def test_semicolon_clauses_keep_the_largest_toll(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # the event's own toll beats an earlier event's or a running total
        ("After killing about 50 people last week, bombing kills 12 in the town.", 12),
        ("Gunmen kill seven a day after nine died nearby.", 7),
        ("Shelling kills 3 people and raises to 300, the number of people killed in the truce.", 3),
        # ... which is kept when the text counts nothing else
        ("The army withdraws after killing 15 militants.", 15),
    ],
)
def test_earlier_events_and_running_totals_give_way(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # the victims' noun phrase carries a place, a relative clause or a subset
        ("All 6 police officers in the car were killed in the blast.", 6),
        ("Two guards who were watching the gate were killed.", 2),
        ("At least nine government forces, including a captain were killed by mines.", 9),
        ("More than 20 soldiers in the first truck were killed, the group said.", 20),
    ],
)
def test_victims_with_a_place_clause_or_subset_before_the_verb(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("The mine blast killed both of them.", 2),
        ("A bomb exploded on the bridge, killing both riders.", 2),
        ("The shells injured three farmers, and another farmer died.", 1),
        # "a landmine and" is no victim of its own
        ("Three farmers stepped on a landmine and died near the camp.", 3),
    ],
)
def test_both_another_and_a_weapon_before_died(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Shootings across the city; three injured and one deceased", 1),
        ("One murder and one injured was the toll of a night attack", 1),
        ("Two drivers are riddled with bullets on the highway", 2),
        ("A gang dismembers two men in the city and leaves a message", 2),
        ("Near the ranch they find two human heads", 2),
        ("The number of deaths from the shooting at the bar, downtown rises to four", 4),
        ("The number of fatalities from the bar attack rises to five", 5),
        # an actor's toll over many events is a running total: the event's own toll wins
        ("Air raids kill 9 people, raising its civilian death toll to 240 since the spring", 9),
    ],
)
def test_more_headline_words_and_toll_updates(text: str, killed: int) -> None:
    assert _killed(text) == killed


def test_a_crime_named_without_a_count_of_victims_is_no_toll() -> None:
    assert _killed("Two men arrested for murder in the town") is None


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Bombing toll climbs to 17", 17),
        # victim groups listed with commas after the verb add up; a subset or a place does not
        ("Clashes kill 6 soldiers, 4 rebels", 10),
        ("Clashes kill 6 soldiers, 4 rebels and 2 civilians", 12),
        ("Shelling kills 12, including 5 children, in the town", 12),
        ("Gunmen killed 3 people, 2 in the town and one on the road", 3),
    ],
)
def test_toll_verbs_and_comma_lists_of_victim_groups(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        (
            "Raids go on and 11 members from the &#8220;border guard&#8221; killed in the strikes",
            11,
        ),
        ("15 members of the militia, including a local commander were killed in air raids", 15),
        ("8 of the army and militiamen loyal to it were killed in an ambush near the dam", 8),
        ("12 men in a tea shop massacred by troops in the village", 12),
        ("3 “decapitated” bodies found near the river", 3),
    ],
)
def test_victim_groups_with_entities_subsets_and_quoted_words(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # "one of the bodies", "the three bodies": the dead counted already
        ("Four homicides in the port, one of the bodies was in a suitcase", 4),
        ("They find three executed on a farm. The three bodies were taken to the morgue.", 3),
        ("Killings in the town: three of the seven deceased were local", 7),
        # a definite count that is the only one stays
        ("Air raids claim the lives of the 4 guards of the depot.", 4),
    ],
)
def test_back_references_to_counted_dead_are_not_added(text: str, killed: int) -> None:
    assert _killed(text) == killed


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Half a dozen soldiers killed in an ambush", 6),
        ("Gunmen killed half-a-dozen villagers", 6),
        ("Death toll in the attack is now 14", 14),
    ],
)
def test_half_a_dozen_and_a_toll_that_is_now_n(text: str, killed: int) -> None:
    assert _killed(text) == killed


def test_parse_half_a_quantity() -> None:
    from processors.numbers import parse_number

    assert (parse_number("half a dozen"), parse_number("a dozen")) == (6, 12)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("More deaths raise to 15 at least, the number of people killed by the strikes", 15),
        ("More deaths increase the death toll of Al-Hamra to 5", 5),
    ],
)
def test_toll_updates_with_a_qualifier_or_a_hyphenated_name(text: str, killed: int) -> None:
    assert _killed(text) == killed


def test_left_killed_and_injured_together_is_no_death_toll() -> None:
    assert _killed("A shell hits the fair and leaves at least 16 people killed and injured") is None


def test_an_earlier_events_dead_kept_for_want_of_another_count_are_an_aggregate() -> None:
    cas = find_casualties("After killing about 40 people last month, jets kill and injure 30")
    assert cas.fatalities is not None and cas.fatalities.value == 40
    assert cas.aggregate


@pytest.mark.parametrize(
    "text",
    [
        "Two dead and one injured in different events this Saturday in the city",
        "Three people shot to death in less than 24 hours",
    ],
)
def test_a_toll_of_several_events_is_an_aggregate(text: str) -> None:
    # the contract: the stated figure is kept, flagged so that an event's own toll beats it
    cas = find_casualties(text)
    assert cas.fatalities is not None and cas.fatalities.value is not None
    assert cas.aggregate


def test_one_events_toll_is_no_aggregate() -> None:
    assert not find_casualties("Three people shot to death in the town").aggregate
