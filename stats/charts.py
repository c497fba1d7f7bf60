"""Bar charts drawn on the server as SVG (`templates/stats/includes/chart.html`): no chart
library, nothing loaded from elsewhere, nothing run in the browser.

A chart is read three ways, so nobody depends on seeing it: its title, one sentence saying what it
shows with the key numbers (`summary`), and a table with the same numbers next to it. The SVG
itself is `aria-hidden`: a screen reader reads the title, the sentence and the table, which say
everything the picture does, and would otherwise read the summary twice (once as the image's name).

In grey-scale (or printed, or to someone who cannot tell colours apart) the series differ by
pattern, not by colour alone: solid dark, diagonal hatching, light with an outline; and every bar
carries its value as text at its end, so no bar is read against an axis."""

from collections.abc import Callable
from dataclasses import dataclass, field

LABEL_WIDTH = 230  # room for the category names, left of the bars
BAR_AREA = 430  # the longest bar
VALUE_ROOM = 140  # the value written after a bar
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 14
LEGEND_HEIGHT = 28
LEGEND_STEP = 200  # between the legend's entries
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_ROOM

PATTERNS = ("solid", "hatched", "light")  # series 1, 2, 3: told apart without colour


@dataclass(frozen=True)
class Bar:
    series: int
    pattern: str
    y: int
    width: int
    label: str  # the value, as the reader reads it ("1 200 000 kr")
    label_x: int


@dataclass(frozen=True)
class Group:
    label: str
    y: int  # where the category's name sits (its first bar's middle)
    bars: list[Bar]


@dataclass
class Chart:
    key: str  # unique on the page: the ids of its title, summary and patterns
    title: str
    summary: str
    series: list[tuple[str, str, int]]  # (name, pattern, the legend's x)
    groups: list[Group] = field(default_factory=list)
    height: int = 0
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def has_legend(self) -> bool:
        return len(self.series) > 1


def bar_chart(*, key: str, title: str, summary: str, categories: list[str],
              series: list[tuple[str, list[int]]], value_text: Callable[[int], str]) -> Chart:
    """Horizontal bars, one group per category and one bar per series in it, all on one scale (the
    largest value fills `BAR_AREA`; a negative value, such as an overspent remainder, is drawn as
    nothing and labelled with its value)."""
    if len(series) > len(PATTERNS):
        raise ValueError(f"At most {len(PATTERNS)} series can be told apart without colour.")
    largest = max([value for _name, values in series for value in values if value] + [1])
    top = LEGEND_HEIGHT if len(series) > 1 else 4
    chart = Chart(key=key, title=title, summary=summary,
                  series=[(name, PATTERNS[index], index * LEGEND_STEP) for index, (name, _values) in enumerate(series)])
    y = top
    for index, category in enumerate(categories):
        bars = []
        for number, (_name, values) in enumerate(series):
            value = values[index] or 0
            width = round(BAR_AREA * max(value, 0) / largest)
            bars.append(Bar(series=number, pattern=PATTERNS[number], y=y, width=width, label=value_text(value),
                            label_x=LABEL_WIDTH + width + 6))
            y += BAR_HEIGHT + BAR_GAP
        chart.groups.append(Group(label=category, y=bars[0].y + (len(bars) * (BAR_HEIGHT + BAR_GAP)) // 2,
                                  bars=bars))
        y += GROUP_GAP
    chart.height = y
    return chart
