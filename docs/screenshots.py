"""Remake the README's screenshots of ``wirewatch ui`` (docs/ui-*.png): the demo wire
(``wirewatch run --demo --once``) plus the incidents of the seed article
(tests/fixtures/seed-article.json), in the system's headless Chromium.

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clusters.events import EventIndex, outlet_of  # noqa: E402
from processors import extract_incidents  # noqa: E402
from wirewatch.config import ClusterSettings  # noqa: E402
from wirewatch.contracts import Article  # noqa: E402
from wirewatch.ui import JsonlEventStore, make_server  # noqa: E402
from wirewatch.ui.health import STAGE_OUTPUTS, EmbeddedHealth  # noqa: E402


def build_wire(tmp: Path) -> Path:
    out = tmp / "out"
    subprocess.run(  # noqa: S603 - this interpreter running wirewatch, fixed arguments
        [
            sys.executable,
            "-m",
            "wirewatch",
            "run",
            "--demo",
            "--once",
            "--out",
            str(out),
            "--state",
            str(tmp / "state.db"),
        ],
        check=True,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    doc = json.loads((ROOT / "tests" / "fixtures" / "seed-article.json").read_text())
    article = Article(
        article_id=doc["id"],
        url=doc["url"],
        title=doc["title"],
        text=doc["text"],
        published_at=doc["published_at"],
    )
    with (out / "wirewatch.articles.v1.jsonl").open("a") as fh:
        fh.write(article.model_dump_json() + "\n")
    incidents = extract_incidents(article)
    with (out / "wirewatch.incidents.v1.jsonl").open("a") as fh:
        for inc in incidents:
            fh.write(inc.model_dump_json() + "\n")
    # and into events, as the cluster stage of the run would have made them
    index = EventIndex(ClusterSettings())
    with (out / "wirewatch.events.v1.jsonl").open("a") as fh:
        for inc in incidents:
            event = index.add(inc, batch=0, partition=None, outlet=outlet_of(article.url))
            if event is not None:
                fh.write(event.model_dump_json() + "\n")
    return out


def browser(profile: Path, width: int, height: int) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        f"--hide-scrollbars --window-size={width},{height}"
    ).split():
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(
        options=opts, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = build_wire(tmp)
        topics = {kind: f"wirewatch.{kind}.v1.jsonl" for kind in STAGE_OUTPUTS}
        store = JsonlEventStore(
            out,
            ["wirewatch.events.v1.jsonl", "wirewatch.incidents.v1.jsonl"],
            articles_file="wirewatch.articles.v1.jsonl",
            incidents_file="wirewatch.incidents.v1.jsonl",
        )
        health = EmbeddedHealth(out, topics, tmp / "state.db", stale_factor=5.0)
        server = make_server(store, "127.0.0.1", 0, health)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        driver = browser(tmp / "profile", 1280, 1500)
        try:
            driver.get(server.url)
            WebDriverWait(driver, 60).until(
                lambda d: d.execute_script("return document.body.dataset.firstRenderMs")
            )
            # the seed article's first incident, opened from the table (a marker may be clustered)
            driver.find_element(
                By.CSS_SELECTOR,
                "#incident-table tr:last-child button, #incident-table tbody tr:last-child button",
            ).click()
            driver.execute_script("window.scrollTo(0, 0)")  # the popup stays, over the map
            driver.save_screenshot(str(ROOT / "docs" / "ui-map.png"))
            driver.find_element(By.ID, "popup-close").click()
            driver.find_element(By.ID, "timeline-wrap").screenshot(
                str(ROOT / "docs" / "ui-timeline.png")
            )
            driver.get(server.url + "feeds")
            WebDriverWait(driver, 60).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "#feeds tbody tr")
            )
            driver.set_window_size(1280, 620)
            driver.save_screenshot(str(ROOT / "docs" / "ui-feeds.png"))
        finally:
            driver.quit()
            server.shutdown()
            server.server_close()
    print("wrote docs/ui-map.png, docs/ui-timeline.png, docs/ui-feeds.png")


if __name__ == "__main__":
    main()
