"""The event taxonomy of incidents, declared once: ACLED's codebook plus one wirewatch extension.

ACLED (Armed Conflict Location & Event Data) sorts events into 6 event types and 25 sub-event
types; every sub-event type belongs to exactly one event type. wirewatch adds the ``Disasters``
event type (natural and man-made disasters) because the extractor reports them too; it is kept
apart (:data:`EXTENSION_EVENT_TYPES`) so a consumer that wants ACLED only can filter on
:data:`ACLED_EVENT_TYPES`.

:class:`wirewatch.contracts.Incident` validates ``event_type`` and ``sub_event_type`` against
:data:`EventType`, :data:`SubEventType` and :data:`EVENT_TYPE_OF`; the rule tables of the
extractor (:mod:`processors.lexicon`) import the names from here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, Literal, get_args

__all__ = [
    "ACLED_EVENT_TYPES",
    "ACLED_SUB_EVENT_TYPES",
    "EVENT_TYPES",
    "EVENT_TYPE_OF",
    "EXTENSION_EVENT_TYPES",
    "SUB_EVENT_TYPES",
    "SUB_EVENT_TYPES_OF",
    "AcledEventType",
    "AcledSubEventType",
    "EventType",
    "SubEventType",
]

# ------------------------------------------------------------------------------ event types

BATTLES: Final = "Battles"
EXPLOSIONS: Final = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS: Final = "Violence against civilians"
PROTESTS: Final = "Protests"
RIOTS: Final = "Riots"
STRATEGIC_DEVELOPMENTS: Final = "Strategic developments"
DISASTERS: Final = "Disasters"  # wirewatch extension, not ACLED

AcledEventType = Literal[
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
]
ExtensionEventType = Literal["Disasters"]
EventType = Literal[AcledEventType, ExtensionEventType]

# ------------------------------------------------------------------------------ sub-event types

# Battles
ARMED_CLASH: Final = "Armed clash"
GOVERNMENT_REGAINS_TERRITORY: Final = "Government regains territory"
NON_STATE_ACTOR_OVERTAKES_TERRITORY: Final = "Non-state actor overtakes territory"
# Explosions/Remote violence
AIR_DRONE_STRIKE: Final = "Air/drone strike"
SHELLING_ARTILLERY_MISSILE: Final = "Shelling/artillery/missile attack"
REMOTE_EXPLOSIVE: Final = "Remote explosive/landmine/IED"
SUICIDE_BOMB: Final = "Suicide bomb"
GRENADE: Final = "Grenade"
CHEMICAL_WEAPON: Final = "Chemical weapon"
# Violence against civilians
ATTACK: Final = "Attack"
ABDUCTION: Final = "Abduction/forced disappearance"
SEXUAL_VIOLENCE: Final = "Sexual violence"
# Protests
PEACEFUL_PROTEST: Final = "Peaceful protest"
PROTEST_WITH_INTERVENTION: Final = "Protest with intervention"
EXCESSIVE_FORCE: Final = "Excessive force against protesters"
# Riots
VIOLENT_DEMONSTRATION: Final = "Violent demonstration"
MOB_VIOLENCE: Final = "Mob violence"
# Strategic developments
AGREEMENT: Final = "Agreement"
ARRESTS: Final = "Arrests"
CHANGE_TO_GROUP: Final = "Change to group/activity"
DISRUPTED_WEAPONS_USE: Final = "Disrupted weapons use"
HEADQUARTERS_ESTABLISHED: Final = "Headquarters or base established"
LOOTING: Final = "Looting/property destruction"
NON_VIOLENT_TRANSFER: Final = "Non-violent transfer of territory"
OTHER: Final = "Other"
# Disasters (wirewatch extension)
NATURAL_DISASTER: Final = "Natural disaster"
MAN_MADE_DISASTER: Final = "Man-made disaster"

AcledSubEventType = Literal[
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
    "Grenade",
    "Chemical weapon",
    "Attack",
    "Abduction/forced disappearance",
    "Sexual violence",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
]
ExtensionSubEventType = Literal["Natural disaster", "Man-made disaster"]
SubEventType = Literal[AcledSubEventType, ExtensionSubEventType]

ACLED_EVENT_TYPES: Final[tuple[str, ...]] = get_args(AcledEventType)
EXTENSION_EVENT_TYPES: Final[tuple[str, ...]] = get_args(ExtensionEventType)
EVENT_TYPES: Final[tuple[str, ...]] = ACLED_EVENT_TYPES + EXTENSION_EVENT_TYPES
ACLED_SUB_EVENT_TYPES: Final[tuple[str, ...]] = get_args(AcledSubEventType)
SUB_EVENT_TYPES: Final[tuple[str, ...]] = ACLED_SUB_EVENT_TYPES + get_args(ExtensionSubEventType)

SUB_EVENT_TYPES_OF: Final[MappingProxyType[str, tuple[str, ...]]] = MappingProxyType(
    {
        BATTLES: (ARMED_CLASH, GOVERNMENT_REGAINS_TERRITORY, NON_STATE_ACTOR_OVERTAKES_TERRITORY),
        EXPLOSIONS: (
            AIR_DRONE_STRIKE,
            SHELLING_ARTILLERY_MISSILE,
            REMOTE_EXPLOSIVE,
            SUICIDE_BOMB,
            GRENADE,
            CHEMICAL_WEAPON,
        ),
        VIOLENCE_AGAINST_CIVILIANS: (ATTACK, ABDUCTION, SEXUAL_VIOLENCE),
        PROTESTS: (PEACEFUL_PROTEST, PROTEST_WITH_INTERVENTION, EXCESSIVE_FORCE),
        RIOTS: (VIOLENT_DEMONSTRATION, MOB_VIOLENCE),
        STRATEGIC_DEVELOPMENTS: (
            AGREEMENT,
            ARRESTS,
            CHANGE_TO_GROUP,
            DISRUPTED_WEAPONS_USE,
            HEADQUARTERS_ESTABLISHED,
            LOOTING,
            NON_VIOLENT_TRANSFER,
            OTHER,
        ),
        DISASTERS: (NATURAL_DISASTER, MAN_MADE_DISASTER),
    }
)
"""Event type -> its sub-event types, in codebook order."""

EVENT_TYPE_OF: Final[MappingProxyType[str, str]] = MappingProxyType(
    {sub: event for event, subs in SUB_EVENT_TYPES_OF.items() for sub in subs}
)
"""Sub-event type -> the one event type it belongs to."""
