from decimal import Decimal
from xml.etree import ElementTree

from analytics.charts import Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_a_bar_chart_draws_one_bar_per_point_scaled_to_a_readable_axis_top():
    svg = parse(bar_chart([Point("Mon", 2), Point("Tue", 7), Point("Wed", 0)], title="Sessions", unit="sessions"))

    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 3
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[2] == 0 and heights[0] < heights[1]
    assert abs(heights[1] / heights[0] - 3.5) < 0.01  # proportional to the values
    assert [bar.find(f"{SVG}title").text for bar in bars] == ["Mon: 2 sessions", "Tue: 7 sessions", "Wed: 0 sessions"]
    axis = [t.text for t in svg.findall(f"{SVG}text")]
    assert "10" in axis  # 7 rounds up to an axis top of 10
    assert svg.get("role") == "img" and svg.get("aria-label") == "Sessions" and svg.get("width") == "100%"


def test_labels_and_titles_are_escaped_so_a_name_cannot_inject_markup():
    svg = bar_chart([Point("<script>alert(1)</script>", Decimal("1.5"))], title='"><b>')
    assert "<script>" not in svg and "<b>" not in svg
    parse(svg)  # still well-formed


def test_many_points_print_only_every_nth_label_so_they_never_overlap():
    points = [Point(f"{h:02d}", h) for h in range(24)]
    labels = [t.text for t in parse(bar_chart(points, title="Hours")).findall(f"{SVG}text")
              if t.get("text-anchor") == "middle"]
    assert labels == [f"{h:02d}" for h in range(0, 24, 2)]


def test_a_line_chart_has_a_dot_per_point_and_an_empty_chart_still_draws():
    svg = parse(line_chart([Point("Jan", Decimal("4.5")), Point("Feb", Decimal("4.8"))], title="Rating"))
    assert len(svg.findall(f"{SVG}circle")) == 2 and svg.find(f"{SVG}polyline") is not None
    parse(bar_chart([], title="Nothing yet"))
    parse(line_chart([Point("Only", 0)], title="One point"))
