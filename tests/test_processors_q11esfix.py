"""Spanish incident rules after review (issue 18, ninth round): the classes of faults a review
found on ordinary Spanish news. Phrasing written for these tests. One test per class.
"""

from __future__ import annotations

import pytest

from tests.processors_support import first_incident as _first_incident
from wirewatch.contracts import Incident

PUB = "2024-03-07"  # a Thursday


def first_incident(text: str) -> Incident:
    return _first_incident(text, PUB)


# ----------------------------------------------------------------------------- 1: numbers


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Un hombre de 42 años fue asesinado a balazos en Irapuato, Guanajuato.", 1),
        ("Una mujer de 27 años fue hallada sin vida en un canal de Culiacán, Sinaloa.", 1),
        ("El 12 de febrero fueron asesinados tres policías en Uruapan, Michoacán.", 3),
        ("A las 22 horas fue asesinado un chofer en el centro de Salamanca, Guanajuato.", 1),
        ("Sobre la avenida 20 de Noviembre fue asesinado un taxista en Celaya, Guanajuato.", 1),
        ("Cerca del km 48 de la carretera fue asesinado un comerciante en Zamora, Michoacán.", 1),
    ],
)
def test_an_age_an_hour_a_date_or_an_address_is_no_count(text: str, killed: int) -> None:
    assert first_incident(text).fatalities == killed


def test_a_year_is_no_count() -> None:
    text = (
        "En el ataque de 2018 murieron nueve personas; este martes otra balacera dejó un muerto "
        "en Tlaquepaque, Jalisco."
    )
    assert first_incident(text).fatalities != 2018
