"""wirewatch ui in a real headless browser: the system Chromium driven by Selenium through the
system chromedriver (nothing downloaded). Skips only where that browser is not installed."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui_support import (
    ARTICLES_FILE,
    INCIDENTS_FILE,
    article_url,
    incident,
    ui_server,
    write_articles,
    write_incidents,
)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(
        f"no system browser: {CHROMIUM} and {CHROMEDRIVER} are needed "
        "(apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# generous: the machine is shared and loaded; the page itself polls every 2 s
WAIT_S = 60

N = 200


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,900",
    ):
        opts.add_argument(flag)
    # an explicit driver path: Selenium Manager (which would download one) is never asked
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=opts, service=service)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    out = tmp_path / "out"
    out.mkdir()
    write_articles(out / ARTICLES_FILE, range(N))
    write_incidents(out / INCIDENTS_FILE, [incident(i) for i in range(N)])
    with ui_server(out) as url:
        yield out, url


def marker_total(driver, type_: str | None = None) -> int:
    """Incidents on the map: single markers count 1, clusters their size."""
    return driver.execute_script(
        """
        const t = arguments[0];
        let n = 0;
        for (const m of document.querySelectorAll('#markers [data-count]')) {
          if (t !== null && m.classList.contains('marker') && m.dataset.type !== t) return -1;
          n += Number(m.dataset.count);
        }
        return n;
        """,
        type_,
    )


def timeline_total(driver) -> int:
    """Incidents counted by the timeline's stacked bars."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#timeline rect.bar')]"
        ".reduce((n, b) => n + Number(b.dataset.count), 0)"
    )


def table_rows(driver) -> list[str]:
    return [
        tr.get_attribute("data-id")
        for tr in driver.find_elements(By.CSS_SELECTOR, "#incident-table tbody tr")
    ]


def open_page(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, WAIT_S).until(lambda d: marker_total(d) == N)


def test_page_shows_every_incident_as_a_marker_or_cluster_on_the_basemap(browser, wire) -> None:
    _, url = wire
    open_page(browser, url)
    assert marker_total(browser) == N
    assert len(browser.find_elements(By.CSS_SELECTOR, "#basemap path")) > 100
    singles = browser.find_elements(By.CSS_SELECTOR, "#markers circle.marker")
    assert singles, "some incidents stand alone at world zoom"
    # coloured by type, sized by fatalities
    fills = {m.get_attribute("data-type"): m.get_attribute("fill") for m in singles}
    assert len(set(fills.values())) == len(fills)
    assert f"{N} of {N} incidents selected" in browser.find_element(By.ID, "status").text
    assert timeline_total(browser) == N
    assert len(table_rows(browser)) == N


def test_type_filter_reduces_markers_and_export_returns_the_filtered_features(
    browser, wire
) -> None:
    _, url = wire
    open_page(browser, url)
    riots = sum(1 for i in range(N) if incident(i).event_type == "Riots")
    browser.find_element(By.ID, "types-none").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: marker_total(d) == 0)
    box = browser.find_element(By.CSS_SELECTOR, "#type-options input[value='Riots']")
    box.send_keys(Keys.SPACE)  # the filter works from the keyboard
    WebDriverWait(browser, WAIT_S).until(lambda d: marker_total(d) == riots)
    assert marker_total(browser, "Riots") == riots
    # the timeline and the table follow the same filter
    assert timeline_total(browser) == riots
    assert sorted(table_rows(browser)) == sorted(
        f"inc-{i:06d}" for i in range(N) if incident(i).event_type == "Riots"
    )

    href = browser.find_element(By.ID, "export-geojson").get_attribute("href")
    with urllib.request.urlopen(href) as resp:
        assert resp.headers["Content-Type"] == "application/geo+json"
        doc = json.load(resp)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == riots
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert f["properties"]["event_type"] == "Riots"
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point"
        assert (lat, lon) == (
            f["properties"]["location"]["lat"],
            f["properties"]["location"]["lon"],
        )
    csv_href = browser.find_element(By.ID, "export-csv").get_attribute("href")
    with urllib.request.urlopen(csv_href) as resp:
        rows = resp.read().decode().strip().splitlines()
    assert len(rows) == riots + 1


def test_country_date_fatalities_and_source_filters_match_the_export(browser, wire) -> None:
    from selenium.webdriver.support.ui import Select

    from wirewatch.ui import Selection

    _, url = wire
    open_page(browser, url)
    Select(browser.find_element(By.ID, "f-country")).select_by_visible_text("Mali")
    Select(browser.find_element(By.ID, "f-source")).select_by_visible_text("Agency B")
    browser.find_element(By.ID, "f-min-killed").send_keys("3")
    # date inputs take typed dates in the browser's locale; set them as a script would
    browser.execute_script(
        "for (const [id, v] of [['f-from', '2026-11-05'], ['f-to', '2026-11-24']]) {"
        "  const e = document.getElementById(id); e.value = v;"
        "  e.dispatchEvent(new Event('change')); }"
    )
    want = Selection(
        country="Mali",
        source="Agency B",
        min_fatalities=3,
        date_from="2026-11-05",
        date_to="2026-11-24",
    )
    expected = sorted(
        f"inc-{i:06d}" for i in range(N) if want.matches(json.loads(incident(i).model_dump_json()))
    )
    assert 0 < len(expected) < N / 10
    WebDriverWait(browser, WAIT_S).until(lambda d: marker_total(d) == len(expected))
    assert sorted(table_rows(browser)) == expected
    href = browser.find_element(By.ID, "export-geojson").get_attribute("href")
    with urllib.request.urlopen(href) as resp:
        assert sorted(f["id"] for f in json.load(resp)["features"]) == expected


def test_appended_record_appears_while_page_is_open(browser, wire) -> None:
    out, url = wire
    open_page(browser, url)
    extra = incident(10_000, event_type="Disasters")
    # alone in Antarctica (the fixture stays within 50S-70N), so it is a marker of its own
    assert extra.location is not None
    extra.location.lat, extra.location.lon = -78.0, 20.0
    write_incidents(out / INCIDENTS_FILE, [extra])
    WebDriverWait(browser, WAIT_S).until(lambda d: marker_total(d) == N + 1)
    new = browser.find_element(By.CSS_SELECTOR, "#markers circle[data-id='inc-010000']")
    assert new.get_attribute("data-type") == "Disasters"
    assert f"{N + 1} of {N + 1} incidents selected" in browser.find_element(By.ID, "status").text


def test_popup_shows_the_evidence_sentence_highlighted_and_sources(browser, wire) -> None:
    _, url = wire
    open_page(browser, url)
    marker = browser.find_element(By.CSS_SELECTOR, "#markers circle.marker")
    rec = incident(int(marker.get_attribute("data-id").removeprefix("inc-")))
    marker.send_keys(Keys.ENTER)  # markers are reachable and opened from the keyboard
    popup = browser.find_element(By.ID, "popup")
    WebDriverWait(browser, WAIT_S).until(lambda d: popup.is_displayed())
    assert browser.find_element(By.CSS_SELECTOR, "#popup mark").text == rec.evidence.text
    text = popup.text
    for expected in (rec.event_type, rec.date, rec.location.name, "town", "Group"):
        assert expected in text
    link = browser.find_element(By.CSS_SELECTOR, "#popup-sources a")
    assert link.get_attribute("href") == rec.sources[0]
    article = browser.find_element(By.CSS_SELECTOR, "#popup-article a")  # from the articles file
    assert article.get_attribute("href") == article_url(int(rec.article_id.removeprefix("art-")))
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, WAIT_S).until(lambda d: not popup.is_displayed())


def test_feed_health_page_shows_feeds_stale_flag_and_dead_letters(browser, tmp_path) -> None:
    import time

    from tests.test_ui_health import make_wire

    make_wire(tmp_path, time.time()).close()
    with ui_server(tmp_path) as url:
        browser.get(url + "feeds")
        WebDriverWait(browser, WAIT_S).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#feeds tbody tr")) == 3
        )
        rows = {
            tr.find_element(By.CSS_SELECTOR, "td").text: tr.text
            for tr in browser.find_elements(By.CSS_SELECTOR, "#feeds tbody tr")
        }
        assert "stale" in rows["http://c.test/feed"]
        assert "http.status.500" in rows["http://b.test/feed"]
        assert "ok (200)" in rows["http://a.test/feed"]
        assert "3 feeds, 1 stale, 1 failing" in browser.find_element(By.ID, "status").text
        dead = browser.find_element(By.ID, "dead-letters").text
        assert "fetch http.status 2" in dead and "process contract.invalid 1" in dead
        stages = browser.find_element(By.ID, "stages").text
        assert "poll entries 5" in stages and "fetch articles 3" in stages
        # the map page links here and back
        browser.find_element(By.LINK_TEXT, "Map").click()
        WebDriverWait(browser, WAIT_S).until(lambda d: d.find_elements(By.ID, "map"))


def test_timeline_bins_by_week_or_month_when_the_span_is_long(browser, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    incs = [incident(i) for i in range(3)]
    for inc, date in zip(incs, ("2023-11-22", "2024-09-10", "2026-12-01"), strict=True):
        inc.date = date
    write_incidents(out / INCIDENTS_FILE, incs)
    with ui_server(out) as url:
        browser.get(url)
        WebDriverWait(browser, WAIT_S).until(lambda d: timeline_total(d) == 3)
        assert browser.find_element(By.ID, "timeline-title").text == "Incidents per month, by type"
        bins = {
            b.get_attribute("data-bin")
            for b in browser.find_elements(By.CSS_SELECTOR, "#timeline rect.bar")
        }
        assert bins == {"2023-11", "2024-09", "2026-12"}
        (out / INCIDENTS_FILE).write_bytes(b"")  # truncated: a new generation, empty
        write_incidents(out / INCIDENTS_FILE, [incs[0], incs[1]])
        WebDriverWait(browser, WAIT_S).until(
            lambda d: d.find_element(By.ID, "timeline-title").text == "Incidents per week, by type"
        )
        assert timeline_total(browser) == 2


def test_hostile_strings_are_shown_as_text_and_unsafe_links_are_not_links(
    browser, tmp_path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    inc = incident(1)
    inc.sources = ["javascript:document.title='owned'", "<b>Agency</b>"]
    inc.evidence.text = "<img src=x onerror=\"document.title='owned'\"> said the police."
    assert inc.location is not None
    inc.location.name = "<script>document.title='owned'</script>"
    write_incidents(out / INCIDENTS_FILE, [inc])
    with (out / ARTICLES_FILE).open("w") as fh:
        fh.write(json.dumps({"article_id": inc.article_id, "url": "javascript:alert(1)"}) + "\n")
    with ui_server(out) as url:
        browser.get(url)
        WebDriverWait(browser, WAIT_S).until(lambda d: marker_total(d) == 1)
        browser.find_element(By.CSS_SELECTOR, "#markers circle.marker").send_keys(Keys.ENTER)
        mark = browser.find_element(By.CSS_SELECTOR, "#popup mark")
        WebDriverWait(browser, WAIT_S).until(lambda d: mark.is_displayed())
        assert mark.text == inc.evidence.text
        assert browser.find_elements(By.CSS_SELECTOR, "#popup a, #popup img, #popup b") == []
        sources = browser.find_element(By.ID, "popup-sources").text
        assert "javascript:document.title='owned'" in sources and "<b>Agency</b>" in sources
        assert inc.location.name in browser.find_element(By.ID, "popup").text
        assert browser.find_element(By.ID, "popup-article").text == f"article {inc.article_id}"
        assert browser.title != "owned"


def test_map_zooms_and_pans_from_the_keyboard_and_clusters_split(browser, wire) -> None:
    _, url = wire
    open_page(browser, url)

    def pieces() -> int:
        return len(browser.find_elements(By.CSS_SELECTOR, "#markers [data-count]"))

    def transform() -> str:
        return browser.find_element(By.ID, "world").get_attribute("transform")

    before = pieces()
    assert before < N, "the 200-incident fixture has clusters at world zoom"
    the_map = browser.find_element(By.ID, "map")
    the_map.send_keys("+")
    WebDriverWait(browser, WAIT_S).until(lambda d: transform().startswith("scale(2)"))
    assert marker_total(browser) == N  # nothing lost: off-screen ones are still counted
    assert pieces() > before  # clusters split as the map zooms in
    zoomed = transform()
    the_map.send_keys(Keys.ARROW_LEFT)
    WebDriverWait(browser, WAIT_S).until(lambda d: transform() != zoomed)
    browser.find_element(By.ID, "zoom-reset").send_keys(Keys.ENTER)
    WebDriverWait(browser, WAIT_S).until(lambda d: transform().startswith("scale(1)"))
    assert pieces() == before


def test_event_popup_shows_the_evidence_of_each_of_its_incidents(browser, tmp_path) -> None:
    from tests.ui_support import EVENTS_FILE, event_of

    out = tmp_path / "out"
    out.mkdir()
    incs = [incident(i, event_type="Battles") for i in range(2)]
    write_articles(out / ARTICLES_FILE, range(2))
    write_incidents(out / INCIDENTS_FILE, incs)
    write_incidents(out / EVENTS_FILE, [event_of(incs, 1)])
    with ui_server(out) as url:
        browser.get(url)
        WebDriverWait(browser, WAIT_S).until(lambda d: marker_total(d) == 1)
        marker = browser.find_element(By.CSS_SELECTOR, "#markers circle.marker")
        assert marker.get_attribute("data-id") == "ev-000001"
        marker.send_keys(Keys.ENTER)
        popup = browser.find_element(By.ID, "popup")
        WebDriverWait(browser, WAIT_S).until(lambda d: popup.is_displayed())
        marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#popup mark")]
        assert marks == [i.evidence.text for i in incs]
        links = [
            a.get_attribute("href")
            for a in browser.find_elements(By.CSS_SELECTOR, "#popup-article a")
        ]
        assert links == [article_url(0), article_url(1)]
        assert f"{incs[0].date} to {incs[1].date}" in popup.text
