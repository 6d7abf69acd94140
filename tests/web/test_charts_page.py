"""The statistics page: SVG bar charts with tables of the same numbers, and the same as JSON."""

from __future__ import annotations

import re

import httpx


def test_html_and_json_agree(server: str) -> None:
    charts = httpx.get(f"{server}/stats", headers={"Accept": "application/json"}).json()
    html = httpx.get(f"{server}/stats", headers={"Accept": "text/html"}).text
    svgs = re.findall(r"<svg class=\"bars\".*?</svg>", html, re.S)
    drawn = [c for c in charts if c["bars"]]
    assert len(svgs) == len(drawn) >= 5
    for chart, svg in zip(drawn, svgs, strict=True):
        assert svg.count("<rect") == len(chart["bars"])
        values = [int(v) for v in re.findall(r'class="value">(\d+)<', svg)]
        assert values == [bar["value"] for bar in chart["bars"]]


def test_bars_link_to_pages_that_exist(server: str) -> None:
    html = httpx.get(f"{server}/stats?format=html").text
    links = set(re.findall(r'<a href="(/(?:court|law|facility)/[^"]+)"', html))
    assert "/court/urumqi-intermediate-peoples-court" in links
    for link in links:
        assert httpx.get(f"{server}{link}", headers={"Accept": "text/html"}).status_code == 200


def test_the_longest_bar_is_the_largest_count(server: str) -> None:
    html = httpx.get(f"{server}/stats").text
    chart = re.search(r'<section class="chart" id="sentence-lengths">.*?</section>', html, re.S)
    assert chart is not None
    widths = [float(w) for w in re.findall(r'<rect x="330" y="[\d.]+" height="20" width="([\d.]+)"', chart.group(0))]
    assert widths[0] == max(widths) == 270.0 and widths[1] == round(270 / 6, 1)
