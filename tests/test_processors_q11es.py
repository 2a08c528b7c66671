"""Spanish incident rules (processors/spanish.py): a Spanish wire lead or headline gives an
incident with the contract of an English one (type, counts, place, date, actors, evidence), and
the language policy runs them by default. Phrasing written for these tests. One test per class.
"""

from __future__ import annotations

import pytest

from processors import spanish
from processors.language import detect_language
from processors.rules import extract_from_text
from processors.stage import process_article
from tests.processors_support import first_incident as _first_incident
from wirewatch.config import ProcessSettings
from wirewatch.contracts import Article, Incident

PUB = "2024-03-07"  # a Thursday
IED = "Remote explosive/landmine/IED"
ABDUCTION = "Abduction/forced disappearance"


def first_incident(text: str) -> Incident:
    return _first_incident(text, PUB)


def _article(text: str, language: str | None = None) -> Article:
    return Article(
        article_id="es-" + str(abs(hash(text)) % 10_000),
        url="https://example.org/nota",
        text=text,
        page_kind="article",
        published_at=f"{PUB}T10:00:00Z",
        language=language,
        extraction_path="trafilatura",
    )


# ----------------------------------------------------------------------------- policy


def test_spanish_runs_by_default_and_other_languages_stay_skipped() -> None:
    assert ProcessSettings().language_set == frozenset({"en", "es"})
    text = "Asesinan a tres hombres en una vivienda de Culiacán, Sinaloa, este lunes."
    got = process_article(_article(text, "es"), ProcessSettings().language_set)
    assert [(i.sub_event_type, i.fatalities, i.language) for i in got] == [("Attack", 3, "es")]
    # a worker configured for English only skips it, as before
    assert process_article(_article(text, "es"), frozenset({"en"})) == []


@pytest.mark.parametrize(
    "text",
    [
        "Matan a policía municipal en Fresnillo",
        "Ejecutan a chofer en Apatzingán",
        "Balean a taxista en Uruapan",
    ],
)
def test_a_short_spanish_headline_is_spanish(text: str) -> None:
    # the n-gram model gives such headlines to a neighbouring Iberian language
    assert detect_language(text) == "es"


def test_spanish_incidents_are_not_capped_or_flagged_as_unread() -> None:
    inc = first_incident(
        "Un enfrentamiento entre policías y sicarios dejó dos muertos en Apatzingán."
    )
    assert inc.language == "es"
    assert inc.confidence > 0.2
    assert not any(w.startswith("non-english-text") for w in inc.warnings)


def test_english_text_never_calls_the_spanish_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("Spanish rules called on English text")

    for name in ("find_triggers", "find_dates", "find_casualties", "resolve", "is_aggregate"):
        monkeypatch.setattr(spanish, name, boom)
    inc = first_incident("Gunmen killed three men in Culiacán, Sinaloa, on Monday.")
    assert (inc.sub_event_type, inc.fatalities) == ("Attack", 3)


# ----------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("Enfrentamiento entre grupos armados en la sierra de Guerrero", "Armed clash"),
        ("Se registra una balacera entre sicarios y militares en Reynosa", "Armed clash"),
        ("Hombres armados asesinan a cuatro personas en un bar de Celaya", "Attack"),
        ("Ultiman a un comerciante afuera de su negocio en Acapulco", "Attack"),
        ("Hallan restos humanos en bolsas en una brecha de Zacatecas", "Attack"),
        ("Matan a dos agentes de la policía estatal en Zitácuaro", "Armed clash"),
        (
            "Explota un coche bomba frente a una comandancia en Guanajuato",
            "Remote explosive/landmine/IED",
        ),
        ("Lanzan una granada contra la fachada de un bar en Morelia", "Grenade"),
        ("Un ataque con drones explosivos golpea una comunidad de Michoacán", "Air/drone strike"),
        (
            "Secuestran a un empresario a la salida de su casa en Reynosa",
            "Abduction/forced disappearance",
        ),
        ("Privan de la libertad a dos jóvenes en Zapopan", ABDUCTION),
        ("Detienen a cinco presuntos delincuentes en Tlaquepaque", "Arrests"),
        (
            "Cientos de maestros marchan en Oaxaca para exigir el pago de salarios",
            "Peaceful protest",
        ),
        (
            "La policía dispersa con gases lacrimógenos una protesta de estudiantes en Tixtla",
            "Protest with intervention",
        ),
        (
            "Manifestantes vandalizan el palacio municipal durante una protesta en Tixtla",
            "Violent demonstration",
        ),
    ],
)
def test_spanish_event_types(text: str, sub: str) -> None:
    assert first_incident(text).sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        "Choque en la autopista deja tres muertos en Puebla",
        "La explosión de una pipa de gas deja dos heridos en Iztapalapa",
        "El plan de seguridad se puso en marcha en Sonora",
    ],
)
def test_accidents_and_figures_of_speech_are_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


def test_a_statistic_is_no_incident() -> None:
    text = "En lo que va del año suman 530 homicidios en el estado, informó la fiscalía."
    assert extract_from_text(text, PUB) == []


# ----------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Ataque armado en un palenque deja siete muertos y doce heridos", 7, 12),
        ("Asesinan a diecisiete personas en una fiesta en Salvatierra", 17, None),
        ("Localizan a cuatro personas sin vida en una camioneta en Irapuato", 4, None),
        ("Un hombre asesinado y dos lesionados tras una balacera en Tijuana", 1, 2),
        ("Hallan los cuerpos de veintitrés personas en una fosa de Jalisco", 23, None),
        ("Ejecutan a treinta y dos en Guanajuato durante el fin de semana", 32, None),
        ("Asesinan a balazos a mujer en un mercado de León", 1, None),
        ("Hieren a tres policías durante una agresión armada en Celaya", 0, 3),
    ],
)
def test_spanish_counts(text: str, killed: int, injured: int | None) -> None:
    inc = first_incident(text)
    assert (inc.fatalities, inc.injured) == (killed, injured)


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Asesinan a dos hombres en Culiacán este lunes", "2024-03-04"),
        ("Asesinan a dos hombres en Culiacán la madrugada de este martes", "2024-03-05"),
        ("Asesinan a dos hombres en Culiacán el pasado domingo", "2024-03-03"),
        ("Asesinan a dos hombres en Culiacán el pasado jueves", "2024-02-29"),
        ("Ayer asesinaron a dos hombres en Culiacán", "2024-03-06"),
        ("Anoche asesinaron a dos hombres en Culiacán", "2024-03-06"),
        ("El 5 de marzo asesinaron a dos hombres en Culiacán", "2024-03-05"),
        ("El 28 de diciembre asesinaron a dos hombres en Culiacán", "2023-12-28"),
    ],
)
def test_spanish_dates(text: str, day: str) -> None:
    inc = first_incident(text)
    assert (inc.date, inc.date_precision) == (day, "day")


# ----------------------------------------------------------------------------- places


def test_spanish_place_is_the_town_without_its_preposition() -> None:
    inc = first_incident("Asesinan a dos hombres en Culiacán, Sinaloa")
    assert inc.location is not None
    assert (inc.location.name, inc.location.country_iso3) == ("Culiacán", "MEX")


def test_spanish_municipality_is_the_place() -> None:
    inc = first_incident("Hallan dos cuerpos en el municipio de Fresnillo, Zacatecas")
    assert inc.location is not None and inc.location.name == "Fresnillo"
    assert inc.fatalities == 2


# ----------------------------------------------------------------------------- actors, evidence


def test_spanish_actors_and_evidence() -> None:
    text = (
        "Elementos de la Guardia Nacional repelieron una agresión de sicarios en Caborca, "
        "Sonora. Dos agresores murieron en el lugar, informaron las autoridades."
    )
    inc = first_incident(text)
    assert inc.sub_event_type == "Armed clash"
    names = {a.name for a in inc.actors}
    assert {"National Guard (Mexico)", "Unidentified armed group"} <= names
    assert inc.evidence.text.startswith("Elementos de la Guardia Nacional repelieron")
    assert text[inc.evidence.start : inc.evidence.end] == inc.evidence.text


# ----------------------------------------------------------------------------- second pass


def test_a_long_spanish_headline_with_two_a_is_not_english() -> None:
    # "a" is an English stopword too: two of them in ten words passed the English shortcut
    assert detect_language("Matan a tiros a vendedor en un tianguis de Celaya") == "es"


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Matan al comandante de la policía municipal de Jerez", 1),
        ("Abandonan una cabeza humana frente a una primaria de Uruapan", None),
        ("Los cuerpos hallados en la brecha eran de dos hermanos", None),
        ("El asesinato de 6 jornaleros en un rancho de Veracruz sigue impune", 6),
        ("Encuentran a un hombre muerto dentro de una camioneta en Irapuato", 1),
        ("Una riña entre bandas criminales deja cuatro muertos en Tepito", 4),
    ],
)
def test_more_spanish_killings(text: str, killed: int | None) -> None:
    inc = first_incident(text)
    assert inc.event_type in ("Violence against civilians", "Battles")
    assert inc.fatalities == killed


def test_a_headline_opening_with_its_event_word_is_not_placed_there() -> None:
    # "Choque" is a village too; the clash is placed where the text says
    inc = first_incident("Choque de cárteles deja treinta muertos en Fresnillo, Zacatecas")
    assert (inc.sub_event_type, inc.fatalities) == ("Armed clash", 30)
    assert inc.location is not None and inc.location.name == "Fresnillo"


def test_a_street_named_after_a_date_is_no_date() -> None:
    inc = first_incident("Asesinan a un hombre en la avenida 5 de Mayo de Tijuana")
    assert inc.date == PUB


def test_the_classifier_keeps_the_spanish_rules_type() -> None:
    from processors.classifier import ClassifierExtractor

    text = "Enfrentamiento entre sicarios y policías deja tres muertos en Apatzingán, Michoacán"
    got = ClassifierExtractor().extract([_article(text)])
    assert [(i.sub_event_type, i.fatalities) for i in got[0]] == [("Armed clash", 3)]
    assert got[0][0].extractor.name.endswith("+classifier")


def test_an_english_headline_full_of_spanish_names_is_read_by_the_english_rules() -> None:
    text = "Zapopan, Jalisco: Cartel de Los Alacranes Executes El Tuerto"
    assert detect_language(text) == "es"  # the names outweigh its two English words
    inc = first_incident(text)
    assert (inc.sub_event_type, inc.language) == ("Attack", "en")
    assert inc.location is not None and inc.location.name == "Zapopan"


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Privan de la vida a una mujer dentro de su negocio en Iguala", 1, None),
        ("Un comando armado ataca un autobús en Tamaulipas; no hay heridos", 0, 0),
    ],
)
def test_killing_told_as_deprived_of_life_and_no_injured(
    text: str, killed: int | None, injured: int | None
) -> None:
    inc = first_incident(text)
    assert inc.event_type == "Violence against civilians"
    assert (inc.fatalities, inc.injured) == (killed, injured)


def test_a_multiple_homicide_is_an_attack() -> None:
    assert (
        first_incident("Un multihomicidio en una casa de Tangamandapio").sub_event_type == "Attack"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Inicio de mes violento en la capital; van seis homicidios",
        "Suman 21 asesinatos en lo que va de agosto en Mazatlán",
    ],
)
def test_a_running_total_is_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


def test_the_event_before_a_running_total_is_kept_with_its_own_count() -> None:
    inc = first_incident("Ejecutan a tres en Irapuato; van 212 este año")
    assert (inc.sub_event_type, inc.fatalities) == ("Attack", 3)
    assert inc.evidence.text == "Ejecutan a tres en Irapuato"


def test_a_party_leader_is_no_armed_side() -> None:
    inc = first_incident("Asesinan a la líder de un partido político en Cuautla")
    assert (inc.sub_event_type, inc.fatalities) == ("Attack", 1)


def test_an_attack_told_by_its_verb_alone() -> None:
    inc = first_incident("Un comando ataca un taller mecánico y una tienda en Uruapan")
    assert inc.sub_event_type == "Attack"
    assert inc.location is not None and inc.location.name == "Uruapan"


def test_an_attack_noun_opening_a_headline_is_no_place() -> None:
    inc = first_incident("Ataque a balazos deja dos muertos en una cantina de Apatzingán")
    assert inc.fatalities == 2
    assert inc.location is not None and inc.location.name == "Apatzingán"


def test_the_event_joined_to_a_running_total_by_y_is_kept() -> None:
    inc = first_incident("Noche roja en Tijuana; matan a cuatro el sábado y suman 61 asesinatos")
    assert (inc.sub_event_type, inc.fatalities) == ("Attack", 4)


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Asesinan a 'El Chino' afuera de una tienda en Navolato", 1, None),
        ("Dos asesinatos y tres heridos tras una riña armada en Culiacán", 2, 3),
    ],
)
def test_a_nickname_victim_and_killings_counted_as_asesinatos(
    text: str, killed: int, injured: int | None
) -> None:
    inc = first_incident(text)
    assert (inc.fatalities, inc.injured) == (killed, injured)


@pytest.mark.parametrize(
    "text",
    [
        "Casi seis homicidios por día en el estado durante julio",
        "Agosto, el mes con más asesinatos en la historia del estado",
    ],
)
def test_a_rate_or_a_ranking_is_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


def test_a_toll_over_some_hours_stays_an_incident_as_in_english() -> None:
    inc = first_incident("Asesinan a 11 personas en Zamora en menos de 24 horas")
    assert (inc.sub_event_type, inc.fatalities) == ("Attack", 11)


def test_a_running_total_in_thousands_leaves_the_event_before_it() -> None:
    inc = first_incident("Se reportan tres ejecuciones más en Tijuana; van mil 512 en el año")
    assert (inc.sub_event_type, inc.fatalities) == ("Attack", 3)


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("Matan a un ex agente de la policía en Ensenada", "Attack"),
        ("Dos hermanos se resisten a un asalto y los matan en Cuautla", "Attack"),
        ("Un joven se resiste a un secuestro y lo matan en Jiutepec", "Attack"),
    ],
)
def test_a_former_agent_is_a_civilian_and_a_pronoun_killing_is_an_attack(
    text: str, sub: str
) -> None:
    assert first_incident(text).sub_event_type == sub
