"""Spanish incident rules: what the rule engine (:mod:`processors.rules`) reads in a text
detected as Spanish ("es") instead of its English tables.

The engine's structure is shared: sentences, mention clustering, grouping into incidents,
places (the gazetteer is language-agnostic), evidence and pruning are the English engine's.
This module supplies the language-bound parts, each with the signature of its English
counterpart: :func:`find_triggers` (event words), :func:`resolve` (the sub-event type of a
mention), :func:`find_casualties` (killed and injured counts), :func:`find_dates` (relative and
explicit dates), :func:`find_actors` (the common Mexican/Latin American actors) and
:func:`is_aggregate` (statistics sentences, which tell no one event).

The vocabulary is that of Latin American wire leads and headlines ("asesinan a dos en ...",
"enfrentamiento deja tres muertos", "hallan cuerpos en ..."). English texts never reach this
module: :mod:`processors.rules` calls it only when the detected language is "es".
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date, timedelta

from processors import lexicon as lx
from processors.casualties import Casualties
from processors.classify import Resolution, Trigger
from processors.dates import DateMention
from processors.numbers import Count
from processors.places import ArticlePlaces
from wirewatch.contracts import CIVILIANS, PROTESTERS, UNIDENTIFIED_ARMED_GROUP, Actor

__all__ = [
    "LANGUAGE",
    "find_actors",
    "find_casualties",
    "find_dates",
    "find_triggers",
    "is_aggregate",
    "resolve",
    "without_event_words",
]

LANGUAGE = "es"
_F = re.IGNORECASE

# ----------------------------------------------------------------------------- numbers

_UNITS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
}
_NUMBER_WORDS = {
    **_UNITS,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciséis": 16,
    "dieciseis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "veintiún": 21,
    "veintiun": 21,
    "veintiuno": 21,
    "veintiuna": 21,
    "veintidós": 22,
    "veintidos": 22,
    "veintitrés": 23,
    "veintitres": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiséis": 26,
    "veintiseis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
    "cien": 100,
    "una docena": 12,
    "media docena": 6,
}
_TENS = ("treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa")
# lower bounds of vague amounts, as the English table's ("several" -> 2)
_VAGUE = {"varios": 2, "varias": 2, "decenas de": 20, "docenas de": 24, "cientos de": 200}
_QUALIFIERS = ("al menos", "por lo menos", "cuando menos", "más de", "mas de")


def _alt(words: object) -> str:
    return "|".join(sorted((re.escape(str(w)) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


NUMBER_PATTERN = (
    rf"(?:(?P<qual>{_alt(_QUALIFIERS)})\s+)?"
    rf"(?:(?P<digits>\d{{1,3}}(?:[,.]\d{{3}})+(?!\d)|\d+)"
    rf"|(?P<words>(?:{_alt(_TENS)})\s+y\s+(?:{_alt(_UNITS)})|{_alt(_NUMBER_WORDS)})"
    rf"|(?P<vague>{_alt(_VAGUE)}))"
)


def _count(m: re.Match[str]) -> Count | None:
    qual = m.group("qual")
    digits, words, vague = m.group("digits"), m.group("words"), m.group("vague")
    if digits:
        value = int(re.sub(r"[,.]", "", digits))
    elif words:
        w = re.sub(r"\s+", " ", words.lower())
        if " y " in w:
            tens, _, unit = w.partition(" y ")
            value = _NUMBER_WORDS[tens] + _UNITS[unit]
        else:
            value = _NUMBER_WORDS[w]
    elif vague:
        return Count(None, _VAGUE[re.sub(r"\s+", " ", vague.lower())])
    else:
        return None
    return Count(value, value if qual else None)


# ----------------------------------------------------------------------------- triggers


# A participle or verb in its usual news forms: "asesin" -> asesinan, asesinó, asesinado(s)...
def _verb(stem: str) -> str:
    return rf"{stem}(?:an|a|aron|ó|o|ado|ada|ados|adas|ar|ando)"


# "levantar" (to take someone away) is an abduction, not a killing: not among them
# The verbs of killing the English side reads ("beheaded", "lynched", "strangled", "stoned to
# death", "throat slit"): decapitar, linchar, estrangular, lapidar, degollar (stem-changing:
# degüellan, degollaron; the diaeresis is often dropped)
_KILL = "|".join(
    _verb(s)
    for s in ("asesin", "ultim", "acribill", "masacr", "decapit", "linch", "estrangul", "lapid")
) + (
    r"|deg[üu]ell(?:an|a|en)|degoll(?:aron|ó|ado|ada|ados|adas|ar|ando)"
    r"|priv(?:an|a|aron|ó|ado|ada|ados|adas) de la vida"
    # "ejecutan a dos", "dos ejecutados", not "ejecuta el penal", "ejecutó un plan"
    r"|ejecut(?:ado|ada|ados|adas)|ejecut(?:an|a|aron|ó|ar|ando)(?!\s+(?:el|la|los|las|un|una|"
    r"unos|unas|su|sus|sus|este|esta|dicho|dicha)\s)"
)
_BODY_VERBS = (
    r"hall(?:an|a|aron|ó|ado|ada|ados|adas)|encuentr(?:an|a)|encontr(?:aron|ó|ado|ada|ados|adas)|"
    r"localiz(?:an|a|aron|ó|ado|ada|ados|adas)|ubic(?:an|a|aron|ó|ado|ada|ados|adas)|"
    r"descubr(?:en|e|ieron|ió)|dej(?:an|a|aron|ó)|abandon(?:an|a|aron|ó)|arroj(?:an|a|aron|ó)|"
    r"tir(?:an|aron|ó)|cuelg(?:an|a)|colg(?:aron|ó)|recuper(?:an|aron|ó)"
)
_BODY_NOUNS = (
    r"cuerpos?|cad[aá]ver(?:es)?|restos humanos|osamentas?|fosas? clandestinas?|"
    r"bolsas? con restos|calcinad[oa]s?|decapitad[oa]s?|cabezas?|torsos?|extremidades|"
    r"desmembrad[oa]s?|embolsad[oa]s?|encobijad[oa]s?|maniatad[oa]s?"
)
_ARMED_ATTACK = (
    r"ataques? armados?|agresi[oó]n(?:es)? armadas?|(?:agresi[oó]n|ataques?) a (?:balazos|tiros)|"
    r"atac(?:an|a|aron|ó|ado|ada|ados|adas) a (?:balazos|tiros)|"
    r"bale(?:an|a|aron|ó|ado|ada|ados|adas)|disparan contra|dispararon contra|"
    r"a balazos|a tiros|de un balazo|de un disparo|apu[ñn]al(?:an|a|aron|ó|ado|ada)|"
    r"atac(?:an|aron|ó) (?:a|al)|ataques? (?:armados? )?(?:contra|del?|de la|de los|en|a|al)|"
    # "comando ataca autobús", "atacan despacho y marisquería": the verb alone in a headline
    r"atac(?:a|an|aron|ó)|"
    r"hier(?:en|e) a|hirieron a|atentado|comando armado|irrump(?:e|en|ió|ieron)"
)
_TRIGGERS_ES: tuple[tuple[str, str, float], ...] = (
    # --- air / drone
    (
        r"ataques? (?:con|de) dron(?:es)?|dron(?:es)? (?:con )?explosiv[oa]s?|"
        r"dron(?:es)? (?:arroj|lanz|solt)\w*|explosivos? (?:lanzad|arrojad|soltad)[oa]s? (?:desde|"
        r"con|por) (?:un |una )?(?:dron(?:es)?|aeronaves?)|bombarde(?:o|os|an|a|aron|ó)|"
        r"ataques? a[eé]reos?",
        lx.AIR,
        3.0,
    ),
    # --- weapons defused or seized before use, as in English: Disrupted weapons use
    (
        r"(?:desactiv|neutraliz|inhabilit)(?:an|a|aron|ó|ado|ada|ados|adas) (?:[\w-]+ ){0,3}?"
        r"(?:artefactos?|explosivos?|bombas?|granadas?|minas?|coches? bombas?)|"
        r"(?:asegur|decomis|incaut)(?:an|a|aron|ó|ado|ada|ados|adas|ó) (?:[\w-]+ ){0,3}?"
        r"(?:armas?|armamento|arsenal|explosivos?|granadas?|cartuchos|fusiles|rifles)",
        lx.DISRUPTED,
        2.6,
    ),
    # --- explosions
    (r"granadas?(?: de fragmentaci[oó]n)?", lx.GRENADE, 2.5),
    (
        r"coches? bombas?|carros? bombas?|autos? bombas?|veh[ií]culos? bombas?|"
        r"artefactos? explosiv[oa]s?|explosivos? improvisad[oa]s?|minas? (?:terrestres?|"
        r"antipersonal(?:es)?)|explosi[oó]n(?:es)?|estallid[oa]s?|explot(?:a|an|ó|aron)|"
        r"deton(?:an|a|aron|ó) (?:un |una )?(?:explosivo|artefacto|bomba|mina)",
        lx.IED,
        2.5,
    ),
    # --- clashes
    (
        r"enfrentamientos?(?: armados?)?|se enfrent(?:an|a|aron|ó)|enfrent(?:an|aron) a|"
        r"choques? armados?|intercambio de disparos|balaceras?|tiroteos?|"
        r"(?:choques?|batallas?|guerras?|disputas?) (?:de|entre) (?:los |las )?(?:c[aá]rteles|"
        r"grupos|bandas|sicarios|criminales|delincuentes|narcos)|"
        r"abat(?:en|e|ieron|ió|id[oa]s?)|repel(?:en|e|ieron|ió) (?:una |la )?agresi[oó]n|"
        r"emboscad(?:a|as)|embosc(?:an|a|aron|ó)",
        lx.CLASH,
        2.5,
    ),
    # --- killings and bodies found
    (
        rf"{_KILL}|mat(?:an|aron|ó) (?:a|al)|(?:lo|la|los|las) mat(?:an|aron|ó)|asesinatos?|"
        r"homicidios?|feminicidios?|masacres?|"
        r"matanzas?|multihomicidios?|(?:doble|triple) (?:homicidio|ejecuci[oó]n|asesinato)|"
        r"ejecuci[oó]n(?:es)?|decapit(?:an|aron|ad[oa]s?)|descuartiz(?:an|aron|ad[oa]s?)|"
        r"desmembr(?:an|aron|ad[oa]s?)|calcin(?:an|aron|ad[oa]s?)",
        lx.VIOLENCE,
        2.5,
    ),
    (
        rf"(?:{_BODY_VERBS}) (?:[\w-]+ ){{0,6}}?(?:{_BODY_NOUNS})|"
        # "hallan muerto a un hombre", "encuentran a un hombre muerto en ..." ("deja tres
        # muertos" is not)
        r"(?:hall|encuentr|encontr|localiz|ubic)\w* (?:[\w-]+ ){0,4}?(?:muert[oa]s?|sin vida|"
        r"asesinad[oa]s?|ejecutad[oa]s?)|"
        # "cuerpos hallados en ...", "tres cuerpos", "cabeza humana"
        r"(?:cuerpos?|cad[aá]ver(?:es)?|restos) (?:hallad|localizad|encontrad|abandonad|"
        r"ubicad)[oa]s?|(?:\d+|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez) (?:cuerpos|"
        r"cad[aá]veres)|(?:restos|partes|pierna|piernas|brazo|brazos|cabeza|cabezas|torso|"
        r"extremidades) humanos?|(?:restos|partes|pierna|piernas|brazo|brazos|cabeza|cabezas|"
        r"torso|extremidades) humanas?|"
        r"(?:cuerpos?|cad[aá]ver(?:es)?) (?:sin vida|con (?:huellas|signos|impactos|heridas)|"
        r"baleados?|maniatados?|embolsados?|encobijados?|semienterrados?)",
        lx.VIOLENCE,
        2.5,
    ),
    (_ARMED_ATTACK, lx.VIOLENCE, 2.0),
    # bare outcomes ("deja tres muertos", "muere hombre"): kept only beside no accident word;
    # weak, as the English outcome words, so that a death alone makes no incident
    (
        r"muert[oa]s|muere|mueren|muri[oó]|murieron|sin vida|fallecid[oa]s|fallec(?:e|en|i[oó]|"
        r"ieron)|herid[oa]s?|lesionad[oa]s?|v[ií]ctimas mortales",
        lx.VIOLENCE,
        0.6,
    ),
    # --- natural disasters, typed as the English rules type them
    (
        r"sismos?|terremotos?|hurac[aá]n(?:es)?|tormentas? tropical(?:es)?|tormentas?|"
        r"ciclones?|tornados?|inundaci[oó]n(?:es)?|deslaves?|deslizamientos? de tierra|"
        r"aludes?|avalanchas?|erupci[oó]n|sequ[ií]as?|olas? de calor|ondas? de calor|"
        r"golpes? de calor|olas? de fr[ií]o|frentes? fr[ií]os?|heladas?|"
        r"(?:fuertes |intensas )?lluvias(?: torrenciales| intensas| fuertes)?|trombas?|"
        r"granizadas?|incendios? forestal(?:es)?",
        lx.NATURAL,
        3.2,
    ),
    # --- abductions
    (
        r"secuestr(?:an|a|aron|ó|o|os|ado|ada|ados|adas)|"
        r"priv(?:an|a|aron|ó|ad[oa]s?) de (?:la|su) libertad|levant(?:an|aron|ó) a|"
        r"plagi(?:an|a|aron|ó|ado|ada|o)|rapt(?:an|a|aron|ó|o)|desaparici[oó]n forzada",
        lx.ABDUCTION,
        2.5,
    ),
    # --- protests
    (
        r"protest(?:a|as|an|aron|ó|ando)|manifestaci(?:ón|on|ones)|manifestantes|"
        r"se manifiest(?:an|a)|se manifestaron|march(?:an|aron|ó)|marchas?|mitin|plant[oó]n|"
        r"bloque(?:an|aron|aban|ó|o|os) (?:la |el |de )?(?:carreteras?|calles?|avenidas?|"
        r"autopistas?|casetas?|accesos?|v[ií]as?)|"
        r"(?:choques?|enfrentamientos?|zafarranchos?|trifulcas?) entre (?:los |las )?"
        r"(?:manifestantes|normalistas|maestros|docentes|estudiantes|campesinos|pobladores|"
        r"comuneros|transportistas)|"
        # "desalojan a maestros que bloqueaban ...": the protest is told by its eviction
        r"desaloj(?:an|a|aron|ó) a (?:los |las |un grupo de |decenas de |cientos de )?"
        r"(?:manifestantes|maestros|normalistas|campesinos|comuneros|pobladores|vecinos|"
        r"transportistas|docentes|estudiantes|ejidatarios|trabajadores|jornaleros)",
        lx.PEACEFUL,
        2.0,
    ),
    # --- arrests: as in English, an arrest alone is an incident
    (
        r"detien(?:en|e)|detuvieron|detuvo|detenid[oa]s?|arrest(?:an|a|aron|ó|ad[oa]s?)|"
        r"captur(?:an|a|aron|ó|ad[oa]s?)|aprehend(?:en|e|ieron|ió|id[oa]s?)",
        lx.ARRESTS,
        2.0,
    ),
)
_TRIGGER_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(f"(?P<t{i}>{p})" for i, (p, _l, _w) in enumerate(_TRIGGERS_ES))
    + r")(?!\w)",
    _F,
)
# figurative or non-violent uses of the trigger words ("la puesta en marcha", "explosión de
# una pipa de gas", "la marcha del equipo")
_NEGATIVE_RE = re.compile(
    r"(?<!\w)(?:(?:puesta |sigue |ya )?en marcha|marcha atr[aá]s|a toda marcha|"
    r"explosi[oó]n (?:de (?:una |un |la |el )?)?(?:pipa|gas|pirotecnia|polvor[ií]n|cohetes|"
    r"tanque|ducto|caldera|tanque de gas|toma clandestina|transformador|pirot[eé]cnic\w*)|"
    r"explot(?:a|ó|an|aron) (?:una |un |la |el )?(?:pipa|tanque|transformador|caldera|ducto|"
    r"cohetes?|polvor[ií]n)|homicidios? (?:culposos?|imprudencial(?:es)?)|"
    r"(?:orden|órdenes|orden) de aprehensi[oó]n|"
    # a halt, attention or a title, not an arrest: "detienen la construcción", "capturó la
    # atención de los mercados", "la Fiscalía detuvo el proceso"
    r"(?:detien(?:en|e)|detuvieron|detuvo|captur(?:an|a|aron|ó)) (?:el|la|los|las|su|sus) "
    r"(?:construcci[oó]n|obras?|proceso|proyecto|avance|paso|tr[aá]mites?|ventas?|operaci[oó]n|"
    r"producci[oó]n|atenci[oó]n|marcha|plan|programa|licitaci[oó]n|pagos?|entregas?|mercados?|"
    r"t[ií]tulo|campeonato|victoria|triunfo|momento|imagen|esencia|miradas?|inter[eé]s|"
    r"crecimiento|aumento|alza)|"
    # a rise or an outburst, not a blast: "los precios explotaron", "explotó contra la prensa"
    r"(?:precios?|costos?|ventas?|mercados?|redes(?: sociales)?|pol[eé]mica|esc[aá]ndalo|"
    r"burbuja|inflaci[oó]n|demanda|afici[oó]n|estadio|tribunas?) (?:[\w-]+ ){0,3}?"
    r"explot(?:a|an|ó|aron)|explot(?:a|an|ó|aron) (?:contra|en redes)|"
    # an anniversary: "30 años del asesinato de ..."
    r"(?:años|aniversario|conmemoraci[oó]n|recuerdan?|recuerdo) (?:del?|de la|de los) "
    r"(?:asesinatos?|masacres?|matanzas?|atentados?|ataques?|homicidios?|ejecuciones)|"
    # a politician's words: "el senador atacó al gobierno"
    r"(?:senador|senadora|diputad[oa]|legislador[a]?|presidente|presidenta|gobernador[a]?|"
    r"dirigente|candidat[oa]|partido|oposici[oó]n|Morena|PAN|PRI|PRD) (?:[\w-]+ ){0,3}?"
    r"atac(?:a|an|aron|ó)(?! a balazos| a tiros)|"
    r"atac(?:a|an|aron|ó) (?:a |al |a la )?(?:gobierno|oposici[oó]n|prensa|medios|iniciativa|"
    r"reforma|propuesta|ministro|ministra|juez|jueza|INE|Suprema Corte))(?!\w)",
    _F,
)
# sport and business: an attack, a massacre, a clash or an execution there is a figure of
# speech ("masacra a su rival 7-0", "la selección se enfrenta a ...", "Los Tigres atacan con
# todo") unless the sentence names weapons or casualties
_FIGURATIVE_TRIGGER_RE = re.compile(r"atac|ataque|masacr|enfrent|ejecut|explot|balacer", _F)
_SPORT_RE = re.compile(
    r"(?<!\w)(?:partidos? (?:de (?:ida|vuelta|futbol)|amistoso)|gol(?:es)?|goleada|golea\w*|"
    r"penal(?:es)?|penaltis?|(?:su|al|del) rival|liga|torneo|selecci[oó]n(?: nacional| mexicana)?|"
    r"copa|la final|finales|semifinal(?:es)?|afici[oó]n|aficionados|estadio|jornada \d+|"
    r"campeonato|marcador|cancha|delanteros?|porteros?|f[uú]tbol|futbolistas?|b[eé]isbol|"
    r"Liga MX|NBA|NFL|Rayados|Tigres|Chivas|Pumas|Am[eé]rica|Cruz Azul|Barcelona|Real Madrid|"
    r"bolsa de valores|Bolsa Mexicana|inversionistas)(?!\w)|\b\d+\s*-\s*\d+\b",
    _F,
)
_REAL_VIOLENCE_RE = re.compile(
    r"(?<!\w)(?:armad\w*|armas?|balaz\w*|balas?|disparos?|tiros|sicarios?|muert[oa]s?|"
    r"herid[oa]s?|lesionad[oa]s?|asesin\w*|polic[ií]as?|militares|soldados|c[aá]rtel\w*|"
    r"cuerpos?|cad[aá]ver\w*|comandos?|grupos? armados?|crimen|criminal\w*|narco\w*|"
    r"explosivos?|granadas?|drones?|homicidios?)(?!\w)",
    _F,
)
# an outcome in an accident, illness or disaster is no incident
_NON_VIOLENT_RE = re.compile(
    r"(?<!\w)(?:accidentes?|choques?(?! armados?| de c[aá]rteles| entre (?:los |las )?"
    r"(?:c[aá]rteles|grupos|bandas|sicarios|criminales|delincuentes|narcos|polic[ií]as|"
    r"militares|soldados|agentes|manifestantes|pobladores|comuneros))|volcaduras?|vuelcan?|"
    r"volc[oó]|atropell\w*|"
    # weather, cold, heat, illness, old age
    r"tormentas?|lluvias?(?! de (?:balas|disparos|plomo|tiros))|calor|fr[ií]o|hipotermia|"
    r"heladas?|sarampi[oó]n|dengue|influenza|"
    r"neumon[ií]a|c[aá]ncer|paro card[ií]aco|causas naturales|edad avanzada|"
    r"sobredosis|"
    r"incendios?|ahogad[oa]s?|intoxicad\w*|derrumbes?|deslaves?|sismos?|terremotos?|"
    r"hurac[aá]n|inundaci\w*|covid|coronavirus|enfermedad|infarto|descarga el[eé]ctrica|"
    r"colisi[oó]n|carambola|naufragio|pirotecnia|polvor[ií]n|fuga de gas|"
    r"explosi[oó]n de (?:una |un |la |el )?(?:pipa|gas|tanque|caldera|ducto))(?!\w)",
    _F,
)
_RULES = [(label, weight) for _p, label, weight in _TRIGGERS_ES]
_BARE_OUTCOME_WEIGHT = 0.6
# A death alone is no incident ("muere el cantante ...", "un hombre muere en un hospital"), as
# in the English rules: the engine (processors.rules) drops a mention whose triggers are all
# these words when no violent word below is in its clause
# (singular forms only: a toll of several dead, "deja cinco muertos", is violence in this news
# unless an accident, an illness or the weather is named, which _NON_VIOLENT_RE reads)
BARE_DEATH_RE = re.compile(r"muere|muri[oó]|sin vida|fallec(?:e|i[oó])", _F)
VIOLENT_WORD_RE = re.compile(
    r"(?<!\w)(?:asesin|ejecut|ultim|acribill|masacr|homicid|feminicid|bale|balaz|balacera|"
    r"degoll|deg[üu]ell|estrangul|lapid|"
    r"disparo|dispar|tiros?\b|tirote|armad|arma\b|armas|sicari|pistoler|ataq|atac|agres|"
    r"enfrent|embosc|crimen|criminal|delincuen|violen|golpiza|golpead|apu[ñn]al|pu[ñn]alad|"
    r"machet|tortur|linch|explos|granad|bomba|narco|c[aá]rtel|secuestr|levant|comando|"
    r"hall(?:ad|an\b|a\b|aron\b|ó)|encuentr|encontr|localiz|fosa|cuerpos?\b|cad[aá]ver|"
    r"restos|bolsas?\b|mat(?:an|aron|ó|ado|ados)\b|decapit|desmembr|calcin|riña|conflicto|"
    r"pleito|pelea|disputa|golpe(?:an|aron|ado|ada)\b|tabl(?:ean|earon|eado)|lo mat|la mat)",
    _F,
)


def find_triggers(text: str) -> list[Trigger]:
    """All Spanish trigger matches of ``text`` in order, figurative and accidental uses
    removed."""
    negatives = [m.span() for m in _NEGATIVE_RE.finditer(text)]
    # "exigir la liberación de sus líderes detenidos": a demand, no arrest told
    negatives += [m.span() for m in _GRIEVANCE_RE.finditer(text)]
    out: list[Trigger] = []
    for m in _TRIGGER_RE.finditer(text):
        s, e = m.span()
        if any(a <= s < b for a, b in negatives):
            continue
        label, weight = _RULES[int((m.lastgroup or "t0")[1:])]
        if weight == _BARE_OUTCOME_WEIGHT and _accident_near(text, s):
            continue
        if _FIGURATIVE_TRIGGER_RE.search(m.group()) and _figurative_near(text, s):
            continue
        out.append(Trigger(s, e, label, weight, m.group()))
    return out


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    b = min(x for x in (text.find(".", pos), text.find("\n", pos), len(text)) if x >= 0)
    return a, b


def _figurative_near(text: str, pos: int) -> bool:
    a, b = _sentence_around(text, pos)
    return _SPORT_RE.search(text, a, b) is not None and _REAL_VIOLENCE_RE.search(text, a, b) is None


def _accident_near(text: str, pos: int) -> bool:
    a = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    b = min(x for x in (text.find(".", pos), text.find("\n", pos), len(text)) if x >= 0)
    return _NON_VIOLENT_RE.search(text, a, b) is not None


# ----------------------------------------------------------------------------- types

# armed people as victims or opponents: a killing of them is a clash, as in the English rules
_ARMED = (
    r"polic[ií]as?|agentes?|militares|soldados?|marinos?|elementos|guardias? nacionales?|"
    r"Guardia Nacional|custodios?|escoltas?|sicarios?|pistoleros?|narcos?|halcones?|"
    r"delincuentes?|criminales?|presuntos? (?:delincuentes?|criminales?|sicarios?)|"
    r"integrantes? de (?:un |una |la |el )?(?:grupo|c[eé]lula|c[aá]rtel|banda|organizaci[oó]n)|"
    r"miembros? de (?:un |una |la |el )?(?:grupo|c[eé]lula|c[aá]rtel|banda|organizaci[oó]n)|"
    r"hombres armados|grupos? armados?|jefes? de plaza|lugartenientes?|"
    r"l[ií]der(?:es)? de (?:un |una |la |el |los )?(?:grupo|c[eé]lula|c[aá]rtel|banda|plaza|"
    r"sicarios)|"
    r"ministeriales|estatales|municipales|federales|efectivos|uniformados|comandantes?|"
    r"Ej[eé]rcito|Sedena|Marina|Semar"
)
_ARMED_RE = re.compile(rf"(?<!\w)(?:{_ARMED})(?!\w)", _F)
_CIVILIAN_RE = re.compile(
    r"(?<!\w)(?:civiles|transe[uú]ntes|ni[ñn][oa]s?|menor(?:es)?|mujer(?:es)?|familia|"
    r"clientes|comensales|estudiantes|j[oó]venes|joven|pasajeros|vecinos|habitantes|"
    r"comerciantes?|taxistas?|choferes?|periodistas?|activistas?|reporteros?)(?!\w)",
    _F,
)
_PROTEST_INTERVENTION_RE = re.compile(
    r"(?<!\w)(?:gas(?:es)? lacrim[oó]gen[oa]s?|desaloj\w*|repliega\w*|replegaron|encapsul\w*|"
    r"dispers(?:an|aron|ó)|granaderos|antimotines|detien\w*|detuvieron|detenid[oa]s)(?!\w)",
    _F,
)
_PROTEST_VIOLENT_RE = re.compile(
    r"(?<!\w)(?:vandaliz\w*|destrozos|saque\w*|quem(?:an|aron|ó)|incendi(?:an|aron|ó)|pintas|"
    r"piedras|petardos|bombas molotov|cocteles molotov|zafarrancho|trifulca|portazo|"
    # "choques entre manifestantes y policías dejan 20 heridos"
    r"choques?|enfrentamientos?|se enfrent(?:an|aron)|riñas?|golpes|herid[oa]s|lesionad[oa]s)"
    r"(?!\w)",
    _F,
)
_PROTEST_LETHAL_RE = re.compile(
    r"(?<!\w)(?:muert[oa]s?|muere|mueren|asesin\w*|mat(?:an|aron|ó)|balas? de plomo|"
    r"disparan contra|dispararon contra|bale\w*)(?!\w)",
    _F,
)
# what a protest demands is no intervention: "para exigir la liberación de sus líderes detenidos"
_GRIEVANCE_RE = re.compile(
    r"(?<!\w)(?:liberaci[oó]n|libertad|presentaci[oó]n|excarcelaci[oó]n) de (?:[\w-]+ ){0,4}?"
    r"(?:detenid[oa]s?|presos|encarcelad[oa]s?|desaparecid[oa]s?)(?!\w)|"
    r"(?:detenid[oa]s?|presos) (?:injustamente|pol[ií]ticos)",
    _F,
)
_CLAUSE_STOP_RE = re.compile(r"[,;:.!?()\n]|\s[–—-]\s|\b(?:en|y|tras|cuando|mientras)\b", _F)


_OBJECT_LEAD_RE = re.compile(
    r"\s*(?:(?:a|de|con)\s+(?:balazos|tiros|golpes|un balazo|un disparo)\s*)?(?:a|al|contra)\s+",
    _F,
)


def _victim_kind(seg: str, pos: int, verb_takes_object: bool = False) -> str | None:
    """Who the violence at ``seg[pos:]`` hit: the object after the verb ("ejecutan a dos
    policías"; ``verb_takes_object``: the trigger already ends with its "a"), else the subject
    before a participle ("tres policías asesinados")."""
    lead = re.match(r"\s*", seg[pos:]) if verb_takes_object else _OBJECT_LEAD_RE.match(seg[pos:])
    if lead is not None:
        start = pos + lead.end()
        stop = _CLAUSE_STOP_RE.search(seg, start + 1, start + 80)
        np = seg[start : stop.start() if stop else min(len(seg), start + 80)]
        # "ex agente", "exmilitar": no longer armed
        retired = re.match(r"\s*(?:(?:un|una|el|la|a|al|dos|tres)\s+)?ex[\s-]?", np, _F)
        if _ARMED_RE.search(np) and not _CIVILIAN_RE.match(np.strip()) and not retired:
            return lx.CLASH
        return lx.ATTACK
    head = seg[max(0, pos - 60) : pos]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind("\n"), head.rfind("."))
    head = head[cut + 1 :]
    said = list(_SAID_THAT_RE.finditer(head))
    if said:  # "la policía informó que tres hombres fueron asesinados": the source, not a side
        head = head[said[-1].end() :]
    if head.strip():
        arm = _ARMED_RE.search(head)
        civ = _CIVILIAN_RE.search(head)
        if arm and not civ and not re.search(r"\b(?:por|de)\s+\S*\s*$", head[: arm.start()]):
            return lx.CLASH
        if civ:
            return lx.ATTACK
    return None


_SAID_THAT_RE = re.compile(
    r"(?<!\w)(?:inform|report|dij|declar|confirm|señal|indic|precis|detall|anunci)\w*"
    r"(?:\s+[\w-]+){0,3}?\s+que(?!\w)",
    _F,
)
_PRIORITY = (
    lx.AIR,
    lx.IED,
    lx.GRENADE,
    lx.CLASH,
    lx.VIOLENCE,
    lx.ABDUCTION,
    lx.DISRUPTED,
    lx.ARRESTS,
)
# a blast or a shot that happened: the weapons named were used, not disrupted
_WEAPON_USED_RE = re.compile(
    r"(?<!\w)(?:explot(?:a|an|ó|aron)|estall(?:a|an|ó|aron)|deton(?:a|an|ó|aron)|"
    r"explosi[oó]n|herid[oa]s?|muert[oa]s?|lesionad[oa]s?)(?!\w)",
    _F,
)


def resolve(triggers: list[Trigger], seg: str, seg_start: int) -> Resolution:
    """The sub-event type of one mention (the triggers of one clause group, ``seg`` its text
    starting at offset ``seg_start``)."""
    labels = {t.label for t in triggers}
    score = max(t.weight for t in triggers)
    if (
        lx.PEACEFUL in labels
        and any(t.label == lx.VIOLENCE and t.weight >= 2.5 for t in triggers)
        and all(re.fullmatch(r"mitin", t.text, _F) for t in triggers if t.label == lx.PEACEFUL)
    ):
        # "asesinan a candidata en pleno mitin": a killing at a campaign rally, not a protest
        triggers = [t for t in triggers if t.label != lx.PEACEFUL]
        labels = {t.label for t in triggers}
    if lx.PEACEFUL in labels:
        sub = lx.PEACEFUL
        if _PROTEST_LETHAL_RE.search(seg):
            sub = lx.EXCESSIVE
        elif _PROTEST_VIOLENT_RE.search(seg):
            sub = lx.VIOLENT_DEMO
        elif _PROTEST_INTERVENTION_RE.search(_GRIEVANCE_RE.sub(" ", seg)):
            sub = lx.INTERVENTION
        return Resolution(sub, lx.EVENT_TYPE_OF[sub], score, sub != lx.PEACEFUL)
    if lx.NATURAL in labels:
        if all(t.label == lx.NATURAL or t.weight <= _BARE_OUTCOME_WEIGHT for t in triggers):
            # "tormenta tropical deja dos muertos": the storm is the event, as in English
            return Resolution(lx.NATURAL, lx.EVENT_TYPE_OF[lx.NATURAL], score, True)
        # "sicarios asesinan a dos en plena tormenta": the weather is a side note
        triggers = [t for t in triggers if t.label != lx.NATURAL]
        labels = {t.label for t in triggers}
        score = max(t.weight for t in triggers)
    if lx.DISRUPTED in labels and lx.ARRESTS not in labels and not _WEAPON_USED_RE.search(seg):
        # "desactivan un artefacto explosivo", "aseguran armas": nothing went off (an arrest
        # with a seizure stays an arrest, as in English)
        if not labels & {lx.CLASH, lx.VIOLENCE, lx.AIR} or all(
            t.weight <= _BARE_OUTCOME_WEIGHT for t in triggers if t.label == lx.VIOLENCE
        ):
            return Resolution(lx.DISRUPTED, lx.EVENT_TYPE_OF[lx.DISRUPTED], score, True)
    if lx.DISRUPTED in labels:
        triggers = [t for t in triggers if t.label != lx.DISRUPTED] or triggers
        labels = {t.label for t in triggers}
    label = next((p for p in _PRIORITY if p in labels), lx.VIOLENCE)
    explicit = label not in (lx.VIOLENCE, lx.CLASH)
    if label == lx.CLASH:
        t = next(t for t in triggers if t.label == lx.CLASH)
        if re.match(r"(?:balacera|tiroteo)", t.text, _F) and not _ARMED_RE.search(seg):
            # a shooting with no armed side named: who was hit decides, as for "ataque armado"
            label = lx.VIOLENCE if _CIVILIAN_RE.search(seg) else lx.CLASH
    if label == lx.VIOLENCE:
        kind = None
        for t in triggers:
            if t.label == lx.VIOLENCE and t.weight > _BARE_OUTCOME_WEIGHT:
                obj = t.text.lower().endswith((" a", " al"))
                kind = _victim_kind(seg, t.end - seg_start, obj)
                if kind is not None:
                    break
        label = kind or lx.ATTACK
        explicit = kind is not None
    return Resolution(label, lx.EVENT_TYPE_OF[label], score, explicit)


# ----------------------------------------------------------------------------- counts

_MONTH_NAMES_ES = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre"
)
_PEOPLE = (
    r"personas?|hombres?|mujer(?:es)?|j[oó]venes|joven|menores|menor|ni[ñn][oa]s?|"
    r"adolescentes?|individuos?|sujetos?|polic[ií]as?|agentes?|militares|soldados?|elementos|"
    r"civiles|v[ií]ctimas|presuntos|delincuentes|sicarios|pistoleros|integrantes|miembros"
)
_KILLED_WORD = (
    r"muert[oa]s?|fallecid[oa]s?|asesinad[oa]s?|ejecutad[oa]s?|ultimad[oa]s?|sin vida|"
    r"calcinad[oa]s?|decapitad[oa]s?|abatid[oa]s?|v[ií]ctimas mortales|cuerpos|cad[aá]veres|"
    r"acribillad[oa]s?|masacrad[oa]s?|desmembrad[oa]s?|muertes|homicidios|asesinatos|"
    r"degollad[oa]s?|linchad[oa]s?|estrangulad[oa]s?|lapidad[oa]s?|"
    r"ejecuciones|fallecieron|murieron|falleci[oó]|"
    r"muri[oó]|perdieron la vida|perdi[oó] la vida"
)
_INJURED_WORD = r"herid[oa]s?|lesionad[oa]s?"
_FILLER = r"(?:(?!\d)[\w'’-]+\s+){0,4}?"  # never over another count
_COPULA = r"(?:(?:fueron|son|resultaron|resultan|quedaron|han sido|fue|es|resulta|result[oó])\s+)?"
_NUM = rf"(?<!\w){NUMBER_PATTERN}(?!\w)"
# "tres muertos", "dos personas fueron asesinadas", "cinco hombres sin vida"
_NUM_OUTCOME_RE = re.compile(
    rf"{_NUM}\s+{_FILLER}{_COPULA}(?P<out>{_KILLED_WORD}|{_INJURED_WORD})(?!\w)", _F
)
_NUM_START_RE = re.compile(
    rf"(?<!\w)(?:{_alt(_QUALIFIERS)}|\d|{_alt(_NUMBER_WORDS)}|"
    rf"{_alt(_VAGUE)})(?!\w)|(?<!\w)\d",
    _F,
)
# "asesinan a tres", "matan a 5 personas", "hieren a dos", "mueren cuatro", "hallan los cuerpos
# de cinco personas"
_BODIES_OF_RE = re.compile(
    rf"(?<!\w)(?:(?:cuerpos|cad[aá]veres|restos)\s+(?:sin vida\s+)?de|"
    rf"(?:asesinatos?|ejecuci[oó]n|masacre|homicidio)\s+de|"
    rf"(?:hall|encontr|encuentr|localiz|ubic)\w*\s+(?:muert[oa]s|sin vida)\s+a)\s+{_NUM}(?!\w)",
    _F,
)
# one adverb between a verb and its object: "asesinaron anoche a dos policías"
_ADVERB = (
    r"(?:\s+(?:anoche|ayer|hoy|antier|anteayer|antenoche|tambi[eé]n|adem[aá]s|ahora|"
    r"[^\W\d_]+mente))?"
)
_VERB_NUM_RE = re.compile(
    rf"(?<!\w)(?P<verb>{_KILL}|mat(?:an|a|aron|ó)|hier(?:en|e)|hirieron|lesion(?:an|aron)|"
    rf"bale(?:an|aron)|mueren|murieron|fallec(?:en|ieron)|abat(?:en|ieron))"
    rf"{_ADVERB}(?:\s+(?:a|de|con)\s+(?:balazos|tiros|golpes|pedradas|pu[ñn]aladas|machetazos|"
    rf"un balazo|un disparo))?{_ADVERB}\s+(?:a\s+)?(?:(?:los|las|otros|otras)\s+)?{_NUM}(?!\w)",
    _F,
)
# What makes a kill verb no killing: an attempt ("intentan asesinar a un comandante", "trató de
# matar a dos") or a charge ("ejecutan a un hombre acusado de asesinar a un policía")
# (each attempt verb spelt out in its forms: a bare stem also begins a town, "En Querétaro
# asesinan a dos")
_NOT_DONE_BEFORE_RE = re.compile(
    r"(?<!\w)(?:(?:(?:intent|busc|plane)(?:a|an|ó|aron|aba|aban|ar|ando|ado|aría|arían)|"
    r"pretend(?:e|en|ía|ían|ió|ieron|er|iendo)|quis(?:o|ieron|iera|ieran)|"
    r"quer(?:ía|ían|er|iendo)|quier(?:e|en))(?!\w)|trat\w*\s+de|"
    r"acusad[oa]s?\s+de|(?:por|de)\s+haber|se[ñn]alad[oa]s?\s+(?:de|como\s+responsables?\s+de)|"
    r"por\s+el\s+delito\s+de)\s+$",
    _F,
)
# one victim named in the singular: "asesinan a hombre", "matan a una mujer", "muere joven",
# "un hombre asesinado", "hallan cuerpo", "joven fue encontrado muerto"
# (a nickname in quotes is one person: "asesinan a 'El Gato'")
_SINGLE_VICTIM = (
    r"(?:el |la |un |una |su |al )?(?:[\"“'‘«]\s*(?:el |la )?)?(?!(?:los|las|sus|unos|unas)\b)"
    r"[^\W\d_]\w*(?<!s)(?!\w)"
)
_ONE_KILLED_RE = re.compile(
    rf"(?<!\w)(?:(?:{_KILL}|mat(?:an|aron|ó)){_ADVERB}(?:\s+(?:a|de|con)\s+(?:balazos|tiros|"
    rf"golpes|pedradas|pu[ñn]aladas|machetazos|un balazo|un disparo))?{_ADVERB}\s+(?:a|al)\s+"
    rf"{_SINGLE_VICTIM}|(?:{_KILL}|mat(?:an|aron|ó)){_ADVERB}\s+(?:a|de|con)\s+(?:balazos|tiros|"
    rf"golpes|pu[ñn]aladas|machetazos)\s+{_SINGLE_VICTIM}"
    # "asesinado a balazos frente a su casa", "lo matan a tiros", "hombre muere tras ..."
    rf"|(?:asesin|ejecut|ultim|acribill|degoll|linch|estrangul|lapid)ad[oa](?!\w)|"
    rf"(?:lo|la) mat(?:an|aron|ó)(?!\w)|"
    rf"(?:hombre|mujer|joven|menor|ni[ñn][oa]|adolescente|polic[ií]a|agente|militar|soldado|"
    rf"taxista|chofer|comerciante|persona|sujeto|individuo)\s+(?:muere|muri[oó]|"
    rf"fallece|falleci[oó])(?!\w)"
    rf"|muere\s+{_SINGLE_VICTIM}|(?:{_BODY_VERBS})\s+(?:a\s+)?(?:un\s+|una\s+|otro\s+)?"
    rf"(?:decapitad[oa]|encobijad[oa]|embolsad[oa]|ejecutad[oa]|calcinad[oa]|desmembrad[oa])"
    rf"(?!\w)|(?:hall|encontr|encuentr|localiz|ubic)\w*\s+(?:muert[oa]|"
    rf"sin vida)\s+(?:a|al)\s+{_SINGLE_VICTIM}|"
    rf"(?:{_BODY_VERBS})\s+(?:el |un |otro )?(?:cuerpo|cad[aá]ver)"
    rf"(?!\w)|(?:hombre|mujer|joven|menor|ni[ñn][oa]|adolescente|polic[ií]a|agente|militar|"
    rf"soldado|taxista|chofer|comerciante|persona|sujeto|individuo)\s+"
    # "un hombre de 35 años fue asesinado": the age is no count
    rf"(?:de\s+(?:\d{{1,3}}|{_alt(_NUMBER_WORDS)})\s+años\s+|[\w-]+\s+)?"
    rf"(?:(?:es|fue|resulta|result[oó]|queda|qued[oó]|muere|muri[oó])\s+)?"
    rf"(?:(?:encontrad[oa]|hallad[oa]|localizad[oa])\s+)?(?:asesinad[oa]|ejecutad[oa]|"
    rf"ultimad[oa]|muert[oa]|sin vida|acribillad[oa]|muri[oó]|falleci[oó]|"
    rf"perdi[oó] la vida)(?!\w))",
    _F,
)
_ONE_INJURED_RE = re.compile(
    rf"(?<!\w)(?:hier(?:en|e)|hirieron|lesion(?:an|aron))\s+(?:a|al)\s+{_SINGLE_VICTIM}|"
    r"(?<!\w)(?:hombre|mujer|joven|menor|ni[ñn][oa]|adolescente|polic[ií]a|agente|militar|"
    r"soldado|persona)\s+(?:[\w-]+\s+)?(?:(?:es|fue|resulta|result[oó]|queda|qued[oó])\s+)?"
    r"(?:herid[oa]|lesionad[oa])(?!\w)",
    _F,
)
_ZERO_RE = re.compile(
    r"(?<!\w)(?:sin (?:dejar )?(?:(?P<k>muert[oa]s|v[ií]ctimas(?: mortales)?|p[eé]rdidas "
    r"humanas)|(?P<i>herid[oa]s|lesionad[oa]s))|no (?:hubo|hay|se reportaron|dej[oó]) "
    r"(?:(?P<k2>muert[oa]s|v[ií]ctimas)|(?P<i2>herid[oa]s|lesionad[oa]s)))(?!\w)",
    _F,
)
_OUTCOME_KEYS = (
    "muert", "muer", "muri", "fallec", "asesin", "ejecut", "ultim", "sin vida", "calcin", "decapit",
    "abat", "mortal", "cuerpo", "cadáver", "cadaver", "herid", "lesion", "hier", "hirie",
    "mat", "acribill", "masacr", "homicid", "bale", "desmembr", "restos", "víctim", "victim",
    "perdi", "vida", "ejecuc", "degoll", "degüell", "deguell", "linch", "estrangul", "lapid",
)  # fmt: skip


# a number that is no count of people: an age ("de 35 años"), an hour ("a las 23 horas"), a
# date ("el 15 de abril"), a street or a kilometre ("calle 16 de Septiembre", "km 40"), a year
# ("la masacre de 2019")
_NOT_A_COUNT_AFTER_RE = re.compile(
    rf"\s*(?:años|año|horas?|hrs?\b|minutos|meses|metros|kil[oó]metros|km\b|pesos|d[oó]lares|"
    rf"de (?:{_MONTH_NAMES_ES})\b|[:.]\d\d\b|de la (?:mañana|tarde|noche|madrugada)\b)",
    _F,
)
_NOT_A_COUNT_BEFORE_RE = re.compile(
    r"(?<!\w)(?:calle|avenida|av\.|calzada|bulevar|boulevard|carretera|km|kil[oó]metro|"
    r"n[uú]mero|no\.|edad de|colonia)\s+$|#\s*$|\d[:.]$",
    _F,
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def _not_a_count(text: str, m: re.Match[str]) -> bool:
    """Whether the number of ``m`` (a match of a pattern holding NUMBER_PATTERN) is an age, an
    hour, a date, an address or a year rather than a count of people."""
    span = next((m.span(g) for g in ("digits", "words") if m.group(g)), None)
    if span is None:
        return False
    s, e = span
    if _NOT_A_COUNT_AFTER_RE.match(text, e):
        return True
    if _NOT_A_COUNT_BEFORE_RE.search(text[max(0, s - 20) : s]):
        return True
    return m.group("digits") is not None and _YEAR_RE.fullmatch(m.group("digits")) is not None


def _max(a: Count | None, b: Count | None) -> Count | None:
    c = Casualties(a, None)
    c.merge_max(Casualties(b, None))
    return c.fatalities


def find_casualties(text: str, start: int = 0, end: int | None = None) -> Casualties:
    """Killed and injured counts in ``text[start:end]`` (the largest of each)."""
    end = len(text) if end is None else end
    low = text[start:end].lower()
    if not any(k in low for k in _OUTCOME_KEYS):
        return Casualties()
    killed: Count | None = None
    injured: Count | None = None
    for n in _NUM_START_RE.finditer(text, start, end):  # from each count: "un bar deja 7 muertos"
        m = _NUM_OUTCOME_RE.match(text, n.start(), end)
        if m is None:
            continue
        c = _count(m)
        if c is None or _not_a_count(text, m):
            continue
        if re.match(_INJURED_WORD, m.group("out"), _F):
            injured = _max(injured, c)
        elif not re.match(r"homicidios|muertes|asesinatos|ejecuciones", m.group("out"), _F) or (
            c.lower < 50
        ):
            killed = _max(killed, c)
    for m in _VERB_NUM_RE.finditer(text, start, end):
        c = _count(m)
        if c is None or _not_a_count(text, m):
            continue
        if _NOT_DONE_BEFORE_RE.search(text, max(start, m.start() - 30), m.start()):
            continue
        verb = m.group("verb").lower()
        if verb.startswith(("hier", "hiri", "lesion", "bale")):
            injured = _max(injured, c)
        else:
            killed = _max(killed, c)
    for m in _BODIES_OF_RE.finditer(text, start, end):
        if not _not_a_count(text, m):
            killed = _max(killed, _count(m))
    if killed is None and any(
        not _NOT_DONE_BEFORE_RE.search(text, max(start, m.start() - 30), m.start())
        for m in _ONE_KILLED_RE.finditer(text, start, end)
    ):
        killed = Count(1, None)
    if injured is None and _ONE_INJURED_RE.search(text, start, end):
        injured = Count(1, None)
    if killed is None or injured is None:
        for z in _ZERO_RE.finditer(text, start, end):
            if killed is None and (z.group("k") or z.group("k2")):
                killed = Count(0, None)
            if injured is None and (z.group("i") or z.group("i2")):
                injured = Count(0, None)
    return Casualties(killed, injured)


# ----------------------------------------------------------------------------- dates

_WEEKDAYS = {
    "lunes": 0,
    "martes": 1,
    "miércoles": 2,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sábado": 5,
    "sabado": 5,
    "domingo": 6,
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
        "diciembre".split(),
        1,
    )
}
_MONTHS["setiembre"] = 9
_DATE_RE = re.compile(
    r"(?<!\w)(?:(?P<since>desde|a partir de)\s+)?(?:"
    # "la madrugada de este martes", "el pasado domingo", "este lunes", "el viernes"
    r"(?:(?:la|el)\s+(?:madrugada|mañana|tarde|noche|mediod[ií]a)\s+(?:de|del)\s+)?"
    r"(?:(?P<mod>este|esta|el\s+pasado|el|pasado)\s+|(?<=del\s))(?P<wd>lunes|martes|"
    r"mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)(?:\s+(?P<wdday>\d{1,2})(?!\d|\s+de\s))?"
    # "el 5 de marzo", "el 5 de marzo de 2021", "5 de marzo del 2021"
    r"|(?:el\s+)?(?P<day>\d{1,2})\s+de\s+(?P<mon>enero|febrero|marzo|abril|mayo|junio|julio|"
    r"agosto|septiembre|setiembre|octubre|noviembre|diciembre)(?:\s+(?:de|del)\s+"
    r"(?P<year>\d{4}))?"
    r"|(?P<rel>anteayer|antier|antenoche|ayer|anoche|hoy|esta\s+(?:madrugada|mañana|tarde|"
    r"noche)))(?!\w)",
    _F,
)
_DATE_KEYS = (
    "lunes", "martes", "rcoles", "jueves", "viernes", "bado", "domingo", "ayer", "anoche",
    "antier", "antenoche", "hoy", "esta ", " de ",
)  # fmt: skip
_RELATIVE_DAYS = {"anteayer": 2, "antier": 2, "antenoche": 2, "ayer": 1, "anoche": 1}


# "la colonia 10 de Mayo", "la avenida 5 de Mayo", "calle 16 de Septiembre": a street's name
_STREET_BEFORE_RE = re.compile(
    r"(?<!\w)(?:colonia|col\.|avenida|av\.|calle|bulevar|boulevard|blvd\.|calzada|"
    r"fraccionamiento|plaza|escuela|colegio|mercado|ejido|barrio|puente|carretera|"
    r"paseo)\s+(?:del\s+)?$",
    _F,
)


def _fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn"
    )


def _day_of_month(day: int, published: date) -> date | None:
    """The latest day ``day`` of a month on or before ``published``."""
    year, month = published.year, published.month
    for _ in range(2):
        try:
            when = date(year, month, day)
        except ValueError:
            when = None
        if when is not None and when <= published:
            return when
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """Dates told in ``text``: relative ones resolved against ``published`` (left out without
    it), explicit "el 5 de marzo" ones in the year of publication unless that puts them after
    it."""
    low = text.lower()
    if not any(k in low for k in _DATE_KEYS):
        return []
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        kind = "since" if m.group("since") else None
        when: date | None = None
        if m.group("wd"):
            if published is None:
                continue
            target = _WEEKDAYS[_fold(m.group("wd"))]
            back = (published.weekday() - target) % 7
            if back == 0 and "pasado" in (m.group("mod") or "").lower():
                back = 7
            when = published - timedelta(days=back)
            if m.group("wdday"):  # "el viernes 3": the day of the month decides
                when = _day_of_month(int(m.group("wdday")), published) or when
            kind = kind or "relative"
        elif m.group("day"):
            if _STREET_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()):
                continue
            month = _MONTHS[_fold(m.group("mon"))]
            day = int(m.group("day"))
            year = int(m.group("year")) if m.group("year") else None
            if year is None and published is None:
                continue
            try:
                when = date(year or published.year, month, day)  # type: ignore[union-attr]
                if year is None and published is not None and when > published:
                    when = date(published.year - 1, month, day)
            except ValueError:
                continue
            kind = kind or "explicit"
        else:
            if published is None:
                continue
            rel = re.sub(r"\s+", " ", m.group("rel").lower())
            when = published - timedelta(days=_RELATIVE_DAYS.get(rel, 0))
            kind = kind or "relative"
        out.append(DateMention(m.start() + offset, m.end() + offset, when, "day", kind))
    return out


# ----------------------------------------------------------------------------- places


# an armed group's name is no place ("El ELN secuestró ...": a commune's name in the index)
_GROUP_NAME_RE = re.compile(
    r"(?:(?:el|la|las|los)\s+)?(?:ELN|FARC|EPL|CJNG|AGC|Clan del Golfo)", re.IGNORECASE
)


def without_event_words(places: ArticlePlaces, triggers: list[Trigger]) -> ArticlePlaces:
    """``places`` without the names that are one of the event's words: a headline opens with
    its verb or noun capitalised ("Choque de cárteles ...", "Dejan restos ..."), and several
    are also the names of villages in the gazetteer."""
    spans = [(t.start, t.end) for t in triggers]
    hits = [
        h
        for h in places.hits
        # a trigger may end with the "en" a name starts with ("Ataque en" / "en Zapopan")
        if not any(a <= h.start and h.end <= b for a, b in spans)
        and not _GROUP_NAME_RE.fullmatch(h.surface)
    ]
    if len(hits) == len(places.hits):
        return places
    left = {h.place.country_iso3 for h in hits}
    main = places.main_country
    return dataclasses.replace(
        places,
        hits=hits,
        countries=tuple(c for c in places.countries if c in left),
        main_country=main if main is not None and main.country_iso3 in left else None,
    )


# ----------------------------------------------------------------------------- aggregates

_MONTH_NAMES = (
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre"
)
# the nouns of a statistic: a rate, a share or a daily figure is one only beside them ("los
# homicidios aumentaron 7 por ciento", "12 homicidios al día"), not in a victim's description
# ("ganó con el 60% de los votos", "vendía diarios", "ganaba 300 pesos al día")
_STAT_NOUNS = (
    r"homicidios|asesinatos|muertes|muertos|delitos|violencia|cr[ií]menes|ejecuciones|"
    r"v[ií]ctimas|incidencia|feminicidios|secuestros|desaparecidos|personas|casos|robos"
)
# What one event is called: the count after it is that event's toll, not a total over a span
_EVENT_NOUNS = (
    r"(?:balaceras?|tiroteos?|ataques?|atentados?|enfrentamientos?|emboscadas?|agresi[oó]n|"
    r"agresiones|explosi[oó]n|explosiones|masacres?|ri[ñn]as?|asaltos?|bombardeos?|"
    r"incursi[oó]n|choques?|operativos?|accidentes?|incendios?|hechos?|incidentes?)"
)
_AGGREGATE_RE = re.compile(
    rf"(?<!\w)(?:en lo que va (?:del?|de la) (?:año|mes|semana|sexenio|administraci[oó]n|"
    rf"gobierno|proceso electoral|campaña|{_MONTH_NAMES})|homicidios dolosos|"
    rf"(?:{_STAT_NOUNS})(?:\W+[\w-]+){{0,6}}?\W+(?:\d[\d,.]*\s*%|por ciento)|"
    rf"(?:{_STAT_NOUNS})\s+(?:(?:al|por) d[ií]a|diari(?:os|as)|diariamente|en promedio)|"
    rf"(?:\d[\d,.]*\s*%|por ciento)\s+(?:[\w-]+\s+){{0,3}}?(?:{_STAT_NOUNS})|"
    r"en promedio|(?:primer|segundo) (?:semestre|trimestre)|conteo|"
    # a rate or a ranking ("seis homicidios por día", "el mes con más homicidios"); a toll over
    # some hours or days ("matan a nueve en menos de 24 horas") stays an incident, as in English
    r"el mes (?:con|m[aá]s)|"
    # a share of a count over time: "los feminicidios se duplicaron", "los homicidios se
    # redujeron a la mitad", "cayeron una quinta parte" (as the English "halved", "fell by a fifth")
    rf"(?:{_STAT_NOUNS})(?:\s+[\w-]+){{0,4}}?\s+(?:se\s+)?(?:duplicaron|triplicaron|"
    r"(?:redujeron|cayeron|bajaron|disminuyeron|aumentaron|crecieron|subieron)\s+(?:en\s+)?"
    r"(?:a\s+la\s+mitad|la\s+mitad|una\s+(?:quinta|cuarta|tercera)\s+parte|un\s+tercio))|"
    # "van cinco homicidios", "suman 530 este año", "ya van 11 ejecuciones en octubre"
    rf"(?:van|suman|acumulan?|registran|contabilizan) (?:ya )?(?:m[aá]s de )?"
    rf"(?:(?:\d[\d,.]*|{_alt(_NUMBER_WORDS)})(?: mil)?|mil)(?: \d+)?"
    r"(?: (?:homicidios|asesinatos|muertos|ejecuciones|"
    # "en el/la" opens a span or a region ("suman 530 en el año", "en la entidad"), not the
    # event the count belongs to ("se registran dos muertos en la balacera")
    rf"v[ií]ctimas|ejecutados|cr[ií]menes))?(?= (?:en (?:(?:el|la)(?! {_EVENT_NOUNS}\b)|"
    r"lo que va|este|esta|"
    rf"{_MONTH_NAMES})|este año|esta semana|en \d{{4}})|\s*$|\s*[.;,])|"
    rf"(?:van|suman) (?:ya )?(?:m[aá]s de )?(?:\d[\d,.]*|{_alt(_NUMBER_WORDS)}) (?:homicidios|"
    rf"asesinatos|muertos|ejecuciones|v[ií]ctimas|ejecutados)(?! en (?:el|la) {_EVENT_NOUNS}\b))"
    r"(?!\w)",
    _F,
)
# the boundary after which a headline adds its running total: "Matan a dos en Celaya: ya van 11
# ejecuciones en octubre", "Ejecutan a 14 en Guanajuato; van 530 este año", "... matan a 10 el
# viernes y suman 90"
_TOTAL_AFTER_RE = re.compile(
    r"[:;]\s*|(?:,\s+|\s+y\s+)(?=(?:ya |y )?(?:van|suman|acumulan?)\b)", _F
)


def event_before_total(sentence: str) -> int | None:
    """Length of the clause that tells an event before a running total ("Ejecutan a 14 en
    Guanajuato; van 530 este año"), or None when there is no such clause or it is itself a
    statistic (see :func:`is_aggregate`)."""
    m = _AGGREGATE_RE.search(sentence)
    if m is None:
        return None
    cut = None
    for b in _TOTAL_AFTER_RE.finditer(sentence):  # the whole text: the lookahead reads the cue
        if b.start() >= m.start():
            break
        cut = b
    if cut is None or cut.start() == 0:
        return None
    lead = sentence[: cut.start()]
    if _AGGREGATE_RE.search(lead) or not find_triggers(lead):
        return None
    return len(lead.rstrip(" ,;:-–—"))


def is_aggregate(sentence: str, previous_was_aggregate: bool) -> bool:
    """Whether ``sentence`` is a statistic over a span or a region, not one event ("los
    homicidios aumentaron 7 por ciento en junio")."""
    del previous_was_aggregate  # Spanish statistics are told in one sentence in the leads seen
    return _AGGREGATE_RE.search(sentence) is not None


# ----------------------------------------------------------------------------- actors

_ACTORS: tuple[tuple[str, str, str], ...] = (
    (r"Guardia Nacional", "National Guard (Mexico)", "state_forces"),
    (r"Ej[eé]rcito(?: Mexicano)?|Sedena|militares|soldados", "Military Forces", "state_forces"),
    (r"Marina|Semar|marinos", "Navy", "state_forces"),
    (
        r"polic[ií]as?(?: (?:municipal|estatal|ministerial|federal|estatales|municipales|"
        r"ministeriales|federales)(?:es)?)?|agentes (?:municipales|estatales|ministeriales|"
        r"federales|de la (?:policía|fiscalía))",
        "Police Forces",
        "state_forces",
    ),
    (
        r"C[aá]rtel (?:de |del )?(?-i:[A-Z])\w+(?: (?-i:[A-Z])\w+)*|CJNG|"
        r"Los Zetas|La Familia Michoacana|Los Viagras|Guerreros Unidos|La Nueva Familia "
        r"Michoacana|Los Ardillos|Los Tlacos|Los Rojos",
        "",
        "militia",
    ),
    # Colombia's armed groups
    (r"ELN|Ej[eé]rcito de Liberaci[oó]n Nacional", "ELN: National Liberation Army", "rebel_group"),
    (
        r"(?:disidencias? de (?:las )?)?FARC(?:-EP)?|Estado Mayor Central",
        "FARC dissidents",
        "rebel_group",
    ),
    (
        r"Clan del Golfo|Autodefensas Gaitanistas(?: de Colombia)?|AGC",
        "Clan del Golfo",
        "militia",
    ),
    (
        r"sicarios|hombres armados|grupos? armados?|comando(?: armado)?|pistoleros|"
        r"desconocidos|encapuchados",
        UNIDENTIFIED_ARMED_GROUP,
        "unidentified",
    ),
    (r"manifestantes|normalistas|maestros|docentes|pobladores", PROTESTERS, "protesters"),
    (r"civiles|transe[uú]ntes", CIVILIANS, "civilians"),
)
_ACTOR_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(f"(?P<a{i}>{p})" for i, (p, _n, _t) in enumerate(_ACTORS))
    + r")(?!\w)",
    _F,
)
_TARGET_BEFORE_RE = re.compile(
    r"\b(?:a|al|contra)\s+(?:(?:la|las|los|el|un|una|dos|tres)\s+)?$", _F
)


# the authority that tells the news: "..., informó la Fiscalía", "la policía informó que ...",
# "según la policía"
_REPORT_VERBS = (
    r"inform(?:ó|o|a|an|aron)|report(?:ó|o|a|an|aron)|dijo|dijeron|declar(?:ó|o)|"
    r"confirm(?:ó|o|a|an|aron)|señal(?:ó|o|a)|indic(?:ó|o|a)|precis(?:ó|o)|detall(?:ó|o)|"
    r"anunci(?:ó|o)|dio a conocer|dieron a conocer"
)
_SOURCE_BEFORE_RE = re.compile(
    rf"(?:(?<!\w)(?:{_REPORT_VERBS})|seg[uú]n|de acuerdo con|inform[oó] a)\s+"
    r"(?:(?:la|el|los|las)\s+)?$",
    _F,
)
_SOURCE_AFTER_RE = re.compile(
    rf"(?:\s+(?:municipal|estatal|ministerial|federal|[\w-]+))?\s+(?:{_REPORT_VERBS})(?!\w)",
    _F,
)


def find_actors(
    text: str, start: int, end: int, trigger_pos: int, demonyms: dict[str, str]
) -> list[Actor]:
    """The actors of ``text[start:end]`` that Spanish leads name most (state forces, cartels,
    unidentified gunmen, protesters); the one after "a"/"contra" is the target."""
    del demonyms
    actors: list[Actor] = []
    seen: set[str] = set()
    for m in _ACTOR_RE.finditer(text, start, end):
        if _SOURCE_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()) or (
            _SOURCE_AFTER_RE.match(text, m.end())
        ):
            continue  # the news source ("informó la policía"), not a side of the event
        i = int((m.lastgroup or "a0")[1:])
        _p, name, typ = _ACTORS[i]
        name = name or m.group()
        if name in seen:
            continue
        seen.add(name)
        if typ == "civilians" or (
            m.start() > trigger_pos
            and _TARGET_BEFORE_RE.search(text, max(start, m.start() - 20), m.start())
        ):
            role = "target"
        elif not any(a.role == "actor1" for a in actors):
            role = "actor1"
        else:
            role = "actor2"
        actors.append(Actor(name=name, role=role, type=typ))  # type: ignore[arg-type]
    return actors
