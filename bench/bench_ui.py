"""First render of ``wirewatch ui`` with 20,000 incidents in the system's headless Chromium.

Goal (issue 16): the page stays responsive with 20,000 events, first render <= 2 s. The figure is
``performance.now()`` when the first redraw holding records ends (from navigation start: page,
basemap, the records' JSON, markers, timeline and table), and one redraw after a filter change.
Yardstick, same run: the same page with 200 incidents. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_ui.py [--incidents 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.ui_support import INCIDENTS_FILE, incident, ui_server, write_incidents


def browser(profile: Path) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--disable-dev-shm-usage --window-size=1280,900"
    ).split():
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(
        options=opts, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    )


def measure(n: int, repeat: int, tmp: Path) -> tuple[list[float], list[float]]:
    out = tmp / f"out-{n}"
    out.mkdir()
    write_incidents(out / INCIDENTS_FILE, [incident(i) for i in range(n)])
    first, redraw = [], []
    with ui_server(out) as url:
        for k in range(repeat):
            driver = browser(tmp / f"profile-{n}-{k}")
            try:
                driver.get(url)
                WebDriverWait(driver, 300).until(
                    lambda d: d.execute_script("return document.body.dataset.firstRenderMs")
                )
                first.append(
                    float(driver.execute_script("return document.body.dataset.firstRenderMs"))
                )
                driver.find_element(By.CSS_SELECTOR, "#type-options input").click()
                redraw.append(float(driver.execute_script("return document.body.dataset.renderMs")))
            finally:
                driver.quit()
    return first, redraw


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--incidents", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (200, args.incidents):
            first, redraw = measure(n, args.repeat, Path(tmp))
            print(
                f"{n:>6} incidents: first render median {statistics.median(first):7.0f} ms "
                f"(runs {', '.join(f'{v:.0f}' for v in first)}); "
                f"redraw after a filter change median {statistics.median(redraw):6.0f} ms"
            )


if __name__ == "__main__":
    main()
