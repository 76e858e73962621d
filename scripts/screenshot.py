"""Take the README's screenshot of the sample timeline: `.venv/bin/python scripts/screenshot.py [OUT.png]`.

Ingests the bundled sample into a scratch store, exports the HTML page, opens it in headless Chromium (Debian's
`chromium` and `chromium-driver`, as the browser test does), clicks the statistic of Japanese investment so that
the side panel shows its figures and source, and saves the page, 1200 pixels wide and as tall as its content, to
docs/timeline.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, missing  # noqa: E402
from timeline.exports import export  # noqa: E402
from timeline.service import Store, sample_paths  # noqa: E402

WIDTH = 1200
CLICKED = "japan-investment-in-hanoi-2024-07"


def main(out: Path) -> None:
    reason = missing()
    if reason:
        raise SystemExit(f"screenshot: {reason}")
    from selenium.webdriver.common.by import By

    with tempfile.TemporaryDirectory() as scratch:
        with Store(str(Path(scratch) / "sample.db"), create=True) as store:
            store.ingest(sample_paths())
            page = Path(scratch) / "timeline.html"
            page.write_text(export("html", store.export()), encoding="utf-8")
        with chromium(WIDTH, 800) as driver:
            driver.get(page.as_uri())
            driver.find_element(By.CSS_SELECTOR, f'button.fact[data-id="{CLICKED}"]').click()
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(out))
    print(f"{out}: {WIDTH}×{height} pixels, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "timeline.png")
