from decimal import Decimal

from encaisse.insights.charts import Series, bar_chart, line_chart, nice_ceiling


def test_it_rounds_the_axis_up_to_a_readable_maximum():
    assert [nice_ceiling(v) for v in (0, 7, 76.5, 130, 40000)] == [1.0, 10, 100, 200, 50000]


def test_it_draws_an_accessible_labelled_bar_chart_and_escapes_text():
    svg = bar_chart(
        chart_id="c",
        title="Cash <expected>",
        description="Per week",
        labels=["W1", "W2"],
        series=[Series("A & B", [Decimal("10"), Decimal("0")]), Series("P", [Decimal("5"), 0])],
        x_label="Week",
        y_label="Amount",
    )
    assert svg.startswith('<svg class="chart" id="c" role="img"')
    assert '<title id="c-t">Cash &lt;expected&gt;</title>' in svg
    assert '<desc id="c-d">Per week</desc>' in svg
    assert svg.count("<rect") == 2 + 2  # two bars with a value, two legend keys
    assert "A &amp; B" in svg and ">Week<" in svg and ">Amount<" in svg


def test_it_leaves_a_gap_in_a_line_where_a_value_is_missing():
    svg = line_chart(
        chart_id="d",
        title="DSO",
        description="Days",
        labels=["J", "F", "M", "A"],
        series=[Series("Ratio", [Decimal("40"), None, Decimal("50"), Decimal("45")])],
        x_label="Month",
        y_label="Days",
    )
    assert svg.count("<circle") == 3
    assert svg.count("<polyline") == 1  # J alone, then M-A
