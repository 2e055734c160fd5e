"""The report rendered by headless Chromium: DOM dump and a screenshot."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from newsbeam.report import build_report
from tests.test_report import RUN_COUNTS, _Dom, make_fixture

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"),
]
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
)  # fmt: skip


def _chromium(tmp_path: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{name}"
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = make_fixture(tmp_path_factory.mktemp("browser") / "out")
    return Path(build_report(str(out)))


def test_rendered_dom_has_the_sections(page: Path, tmp_path: Path) -> None:
    done = _chromium(tmp_path, "dom", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Dom()
    dom.feed(done.stdout)
    assert dom.ids.get("runs") == "table"
    for element_id in ("timeline", "matrix", "matrix-table", "timeline-rows", "publishers", "errors", "visits"):
        assert element_id in dom.ids, element_id
    cells = dom.cells["runs"]
    assert "run-b" in cells
    for key in ("items_seen", "duplicates_skipped", "articles_written", "events_written", "errors_written"):
        assert str(RUN_COUNTS[key]) in cells, key
    assert "12.25" in cells
    assert "https://example-news.com/news/1" in dom.hrefs


def test_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    done = _chromium(tmp_path, "shot", f"--screenshot={png}", "--window-size=1280,2400", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000
    from PIL import Image  # pillow comes with matplotlib

    with Image.open(png) as image:
        assert image.size == (1280, 2400)
        colours = image.convert("RGB").resize((160, 300)).getcolors(maxcolors=100_000) or []
    assert len(colours) > 50  # charts and text, not an empty white page
