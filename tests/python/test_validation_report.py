"""The expectation suites' report renders offline: headless Chromium shows the runs, styled.

GX's Data Docs take their CSS and scripts from CDNs, so offline their list of validation runs stays
empty. validate_marts.py also writes validation_report.html, one page with everything inline. Here
Chromium (Debian package `chromium`, installed by `make chromium`, which `make test` runs) opens that
page from disk with networking off: the DOM after rendering holds one run row per suite, and the
screenshot carries the page's colours (status badges, table header), which the same page without
its <style> does not: the check tells a styled page from an unstyled one.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from test_expectation_suites import CORRUPTIONS
from warehouse_tools.validate_marts import validate_marts

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# colours of validation_report.STYLE: passed, broken, outside band, table header
COLOURS = {"pass": (0x2E, 0x9E, 0x4F), "fail": (0xD2, 0x3C, 0x3C), "warn": (0xE5, 0x9A, 0x00),
           "header": (0x2F, 0x3B, 0x52)}

pytestmark = pytest.mark.slow


def chromium() -> str:
    found = shutil.which("chromium")
    if not found:
        pytest.fail("headless Chromium is missing: `make chromium` installs the Debian package (make test runs it)")
    return found


def run_chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=True)


def png_pixels(path: Path) -> tuple[int, int, list[tuple[int, int, int]]]:
    """(width, height, RGB pixels) of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    pixels = []
    for row in range(height):
        kind = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        pixels += [tuple(line[i:i + 3]) for i in range(0, stride, channels)]
        previous = line
    return width, height, pixels


def colour_counts(pixels: list[tuple[int, int, int]]) -> dict[str, int]:
    counts = Counter(pixels)
    return {name: sum(n for pixel, n in counts.items() if all(abs(a - b) <= 6 for a, b in zip(pixel, rgb)))
            for name, rgb in COLOURS.items()}


@pytest.fixture(scope="module")
def report_page(other_warehouse, tmp_path_factory: pytest.TempPathFactory):
    """The report of a run with all three outcomes: valid data unlike the demo (bands warn) with one
    invariant broken (the money identity of one order)."""
    folder = tmp_path_factory.mktemp("report")
    copy = folder / "broken.duckdb"
    shutil.copyfile(other_warehouse.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(CORRUPTIONS["money_identity_broken"][0])
    report = validate_marts(copy, output_dir=folder / "gx", progress=lambda _: None)
    assert report.failed_suites == ["marts.fct_orders"] and report.warned_suites
    return report, report.html_report


def test_the_report_is_one_self_contained_file(report_page) -> None:
    _, page = report_page
    text = page.read_text(encoding="utf-8")
    assert page.name == "validation_report.html"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "no external resource"
    assert "<script" not in text and "<link" not in text and "@import" not in text and "url(" not in text


def test_chromium_shows_every_run_offline(report_page, tmp_path: Path) -> None:
    report, page = report_page
    dom = run_chromium(page, tmp_path, "--dump-dom").stdout
    runs = re.findall(r'<tr class="run" data-suite="([^"]+)">(.*?)</tr>', dom, re.S)
    assert [suite for suite, _ in runs] == [outcome.suite for outcome in report.outcomes]
    assert len(runs) == len(report.outcomes) >= 14
    statuses = {suite: re.search(r'class="badge (\w+)"', row).group(1) for suite, row in runs}
    assert statuses["marts.fct_orders"] == "fail"
    assert statuses["marts.fct_customer_lifecycle"] == "warn"
    assert Counter(statuses.values())["pass"] == len(runs) - len(set(report.failed_suites) | set(report.warned_suites))
    assert "suites failed: an invariant broke" in dom and "distribution band" in dom
    assert "the money adds up on every row" in dom and "new_share=" in dom


def test_chromium_screenshot_is_styled_not_blank(report_page, tmp_path: Path) -> None:
    _, page = report_page
    shot = tmp_path / "report.png"
    run_chromium(page, tmp_path, "--window-size=1200,1600", f"--screenshot={shot}")
    shutil.copyfile(shot, page.with_suffix(".png"))  # beside the report, to look at
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1200, 1600)
    colours = colour_counts(pixels)
    assert all(count >= 200 for count in colours.values()), colours
    not_white = sum(1 for pixel in pixels if min(pixel) < 235)
    assert not_white / len(pixels) > 0.05, f"{not_white} of {len(pixels)} pixels are not white"

    # the control: the same page without its style shows none of these colours
    unstyled = tmp_path / "unstyled.html"
    unstyled.write_text(re.sub(r"<style>.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S))
    plain = tmp_path / "unstyled.png"
    run_chromium(unstyled, tmp_path, "--window-size=1200,1600", f"--screenshot={plain}")
    assert all(count < 200 for count in colour_counts(png_pixels(plain)[2]).values())
