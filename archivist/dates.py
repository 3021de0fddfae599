"""Dates as people write them, read into whole-day ISO intervals [low, high).

Two uses: option values (`--after 9/19/2001`, `after:2001-09-19`) through `parse_date`, which
names the bad value instead of ignoring it, and the date expressions inside a question (days,
months, quarters, weeks, years and ranges between them) through `find_dates`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from archivist import date_phrases as phrases
from archivist.errors import InputError

MONTH_NAMES = "january february march april may june july august september october november december".split()
MONTHS = {m: i + 1 for i, m in enumerate(MONTH_NAMES)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
ORD = r"(?:st|nd|rd|th)?"
YEAR = r"((?:19|20)\d{2})"
ORDINAL_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                 "4th": 4, "last": -1, "final": -1}

# (pattern, unit) in priority order: longer, more specific forms first
TO = r"(?:-|–|—|to|through|thru|till|until|and)"
YY = phrases.YY  # a year in four digits or two ('01, 01): after a month, a day or a season only
N = r"(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
NUM_DAY = r"(?<![\d/.-])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?"  # '9/11', '9/11/01'
TO_MONTH_END = rf"\s+{TO}\s+(?:the\s+end\s+of\s+(?:(?:the|that)\s+month|({MON}))(?:,?\s+(?:of\s+|in\s+)?{YY})?|(?:the\s+)?month[- ]end)\b"
TO_YEAR_END = rf"\s+{TO}\s+(?:(?:the\s+)?end\s+of\s+(?:the\s+|that\s+)?year(?!\s*['\d])|(?:the\s+)?year[- ]end)\b"
PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.I), unit) for p, unit in (
    # days of one month: 'between the 3rd and the 9th of May 2001', 'May 3-9, 2001', '3-9 May 2001'
    (rf"(?<![/.-])\b(?:the\s+)?(\d{{1,2}})(?:{ORD}|\.)\s*{TO}\s*(?:the\s+)?(\d{{1,2}})(?:{ORD}|\.)\s+(?:of\s+)?({MON}){phrases.OPT_YEAR}\b", "drange"),
    # ISO calendar weeks, Monday to Sunday: 'CW 43 of 2001', 'calendar week 44/2001', 'KW 45', 'ISO week 2'
    (rf"\b(?:cw|kw|calendar\s+week|iso\s+week|week\s+(?:no\.?|number|#)\s*)\s*(\d{{1,2}})\b(?:\s*(?:of|in|/|,)?\s*{YEAR})?(?![/\d])", "iso_week"),
    # European day.month.year: '24.12.2001', '1.2.2002' (dots, not the US slashes)
    (r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])", "dmy_dot"),
    (rf"\b({MON})\s+(\d{{1,2}}){ORD}\s*{TO}\s*(\d{{1,2}}){ORD}(?:,?\s+{YY}\b|(?!\s*(?:/|:|\d|{MON})))", "mrange"),
    # a day to the end of its month: '9/11 to the end of Sept 2001', 'Oct 15th to the end of that month'
    # a day to the end of its year: 'November 22, 2001, through the end of that year', '11/22/01 to year end'
    (rf"{NUM_DAY},?{TO_YEAR_END}", "num_to_year_end"),
    (rf"\b({MON})\s+(\d{{1,2}}){ORD}(?:,?\s+{YY})?,?{TO_YEAR_END}", "to_year_end"),
    (rf"{NUM_DAY}{TO_MONTH_END}", "num_to_end"),
    (rf"\b({MON})\s+(\d{{1,2}}){ORD}(?:,?\s+{YY})?{TO_MONTH_END}", "to_end_m"),
    (rf"(?<![/.-])\b(?:the\s+)?(\d{{1,2}}){ORD}\s+{TO}\s+the\s+end\s+of\s+({MON}){phrases.OPT_YEAR}\b", "to_end"),
    (rf"(?<![/.-])\b(?:the\s+)?(\d{{1,2}}){ORD}\s+of\s+({MON}),?\s*{YY}?\s+{TO}\s+the\s+end\s+of\s+(?:that|the)\s+month\b", "to_end_dm"),
    (rf"\b(?:the\s+)?(end|close|start|beginning)\s+of\s+({MON}){phrases.OPT_YEAR}\b", "edge"),
    (rf"\b(?:the\s+)?(end|close|start|beginning)\s+of\s+(?:the\s+year\s+)?{YEAR}\b", "year_edge"),
    (r"\b([1-4])q\s*'?(\d{2}|\d{4})\b|\bq([1-4])\s*(?:'|/|-)?\s*(\d{4}|\d{2})\b", "quarter_yy"),  # 'Q3/2001'
    (r"\b(?:h([12])|([12])h)\s*'?(\d{4}|\d{2})\b", "half_yy"),
    (r"\b((?:19|20)\d{2})\s*[-/]?\s*q([1-4])\b", "year_quarter"),  # '2001 q4', '2001-Q4'
    # 'the first 10 days of Nov 2001', 'the last two weeks of October', 'the last week of 2001'
    (rf"\bon\s+the\s+(first|last|final)\s+day\s+(?:of|in)\s+({MON}){phrases.OPT_YEAR}\b", "day_of"),
    # 'the first business day of 2002', 'the last working day of November 2001': US federal holidays off
    (rf"\b(?:the\s+)?(first|1st|last|final)\s+(?:business|working|work|trading)\s+day\s+(?:of|in)\s+"
     rf"(?:({MON}){phrases.OPT_YEAR}|(?:the\s+year\s+)?{YEAR})\b", "business_day"),
    # ('the last day in 2001 that X wrote' is a first/last question: one day only with a number)
    (rf"\b(?:the\s+)?(first|1st|last|final)\s+(?:{N}\s+(days?)|(?:{N}\s+)?(weeks?))\s+(?:of|in)\s+({MON}){phrases.OPT_YEAR}\b", "span_of"),
    (rf"\b(?:the\s+)?(first|1st|last|final)\s+(?:{N}\s+(days?)|(?:{N}\s+)?(weeks?|months?))\s+(?:of|in)\s+(?:the\s+year\s+)?{YEAR}\b", "span_of_year"),
    (rf"\b({phrases.HOLIDAY})\s+week{phrases.OPT_YEAR}\b", "holiday_week"),
    (rf"\b({phrases.HOLIDAY})\s+(?:long\s+)?weekend(?:\s+in)?{phrases.OPT_YEAR}\b|\b({phrases.HOLIDAY}){phrases.OPT_YEAR}\s+(?:long\s+)?weekend\b", "holiday_weekend"),
    (rf"\b(?:the\s+)?(first|second|1st|2nd|last|front|back|latter|later|former|earlier)\s+half\s+of\s+({MON}){phrases.OPT_YEAR}\b", "month_half"),
    (rf"\b(?:the\s+)?(first|second|third|fourth|last|final|1st|2nd|3rd|4th)\s+week\s+(?:of|in)\s+({MON}),?\s+{YY}\b", "week"),
    (rf"\b(early|mid|late)[\s-]+({MON}),?\s+{YY}\b", "part"),
    (rf"\b(?:the\s+)?(\d{{1,2}})(?:{ORD}|\.)\s+(?:of\s+)?({MON}),?\s+{YY}\b", "dmy"),
    # 'dec 01 - feb 02': months of two-digit years, before a day could claim the '01'
    (rf"\b({MON}),?\s+'?(0\d|9\d)\b(?!\s*,?\s*(?:\d|{MON}))", "month_yy"),
    # 'September 1 and the end of October': the day before the connector is September's
    (rf"\b({MON})\s+(\d{{1,2}}){ORD}\b(?=\s+(?:and|to|through|thru|till|until|-|–)\s)", "day_before_range"),
    (rf"\b({phrases.HOLIDAY}){phrases.OPT_YEAR}\b", "holiday"),
    (rf"\b(?:the\s+)?(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?{YY})\b|\b{YEAR}\s+(spring|summer|autumn|fall|winter)\b|\bthe\s+(spring|summer|autumn|fall|winter)\b", "season"),
    (rf"\b(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})\b", "iso"),
    (r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b", "mdy"),
    (r"(?<![\d-])\b(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})\b(?!-\d)", "mdy"),  # '10-1-01', as US dates are also typed
    (rf"\b({MON})\s+(\d{{1,2}}){ORD},?\s+{YY}\b", "mdy_name"),
    (rf"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th|last)\s+(?:quarter|qtr)(?:\s+of)?),?\s+{YY}\b", "quarter"),
    (rf"\b(first|second|1st|2nd|last|front|back|latter|later|former|earlier)\s+half\s+of\s+{YY}\b", "half"),
    # 'the 1st semester 2001', 'second semester of 2001': a half-year as Europeans say it
    (rf"\b(first|second|1st|2nd)\s+semester\s+(?:of\s+)?{YY}\b", "half"),
    (rf"\b({MON}),?\s+{YEAR}\b", "month"),
    (rf"\b(\d{{4}})-(\d{{2}})\b(?!-)", "iso_month"),
    (r"\b(\d{1,2})/(\d{4})\b", "num_month"),
    # 'in 11/01', 'during 10/01': a month and its two-digit year (a day is said 'on 11/01', not 'in')
    (r"(?:(?<=\bin\s)|(?<=\bduring\s))(0?[1-9]|1[0-2])/(\d\d)(?![\d/])", "num_month_yy"),
    (r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])", "num_day_no_year"),  # '9/11', 'between 11/1 and 11/15/01'
    (rf"\b(?:the\s+)?(\d{{1,2}}){ORD}\s+of\s+({MON})\b|\b({MON})\s+(\d{{1,2}}){ORD}\b(?!\s*,?\s*\d{{4}})", "day_no_year"),
    (rf"\b(early|mid|late)[\s-]+({MON})\b(?!\s*\d)", "part_no_year"),  # 'late November': the year as for a month
    (r"\bq([1-4])\b(?!\s*'?\d)", "quarter_no_year"),
    (rf"\b({MON})\b(?!\s*\d)", "month_no_year"),
    (rf"(?<![\w/.@-]){YEAR}(?![\w/-])", "year"),
)]
# a bare year is a date after these words ('in 2001', 'since 2000'), a name part otherwise ('the 1998 World Cup')
YEAR_CUE = re.compile(r"\b(?:in|during|of|from|since|before|after|until|till|between|and|to|through|thru|"
                      r"for|year|by|early|late|mid|over|within|throughout)\s+(?:the\s+)?(?:calendar\s+)?(?:year\s+)?$|^\s*$", re.I)
MONTH_FOLLOWS = re.compile(rf"\s*(?:,|and|or|to|through|thru|until|till|-|–)\s*{MON}\b", re.I)  # 'may and june'
PAIRED = re.compile(r"\s*(?:-|–|—|/|&|and|to|through|thru|till|until)\s*", re.I)  # 'Oct-Nov 01', "Oct and Nov '01"
MONTH_CUE = re.compile(r"\b(?:in|during|since|until|till|through|thru|from|by|before|after)\s+(?:early\s+|mid\s+|late\s+)?$", re.I)
MAY_VERB = re.compile(r"\bmay\s+(?:i|we|you|be|have|not)\b", re.I)  # 'may' the verb, not the month


@dataclass
class DateSpan:
    """A date expression in a text: its characters, and the interval it names (None: no year)."""

    text: str
    start: int
    end: int
    low: str | None
    high: str | None
    unit: str


def _d(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")[:4] if name.lower().startswith("sept") else name.lower()[:3]]


def month_bounds(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1)


def _year(text: str) -> int:
    y = int(text)
    return y + (1900 if y >= 50 else 2000) if y < 100 else y


def _interval(unit: str, g: tuple, default_year: int | None) -> tuple[date | None, date | None]:
    """[low, high) of one matched expression; (None, None) when it names no valid date."""
    if unit == "iso":
        day = _d(int(g[0]), int(g[1]), int(g[2]))
    elif unit == "mdy":
        day = _d(_year(g[2]), int(g[0]), int(g[1]))
    elif unit == "dmy":
        day = _d(_year(g[2]), month_of(g[1]), int(g[0]))
    elif unit == "dmy_dot":
        day = _d(_year(g[2]), int(g[1]), int(g[0]))
    elif unit == "mdy_name":
        day = _d(_year(g[2]), month_of(g[0]), int(g[1]))
    elif unit == "day_no_year":
        if default_year is None:
            return None, None
        day = _d(default_year, month_of(g[1] or g[2]), int(g[0] or g[3]))
    else:
        return _period(unit, g, default_year)
    return (day, day + timedelta(days=1)) if day else (None, None)


def _period(unit: str, g: tuple, default_year: int | None) -> tuple[date | None, date | None]:
    if unit in ("month", "month_no_year", "iso_month", "num_month", "num_month_yy"):
        if unit == "month_no_year" and default_year is None:
            return None, None
        y, m = {"month": lambda: (int(g[1]), month_of(g[0])),
                "month_no_year": lambda: (default_year, month_of(g[0])),
                "iso_month": lambda: (int(g[0]), int(g[1])),
                "num_month": lambda: (int(g[1]), int(g[0])), "num_month_yy": lambda: (_year(g[1]), int(g[0]))}[unit]()
        return month_bounds(y, m) if 1 <= m <= 12 else (None, None)
    if unit == "year":
        return date(int(g[0]), 1, 1), date(int(g[0]) + 1, 1, 1)
    if unit == "quarter":
        q = int(g[0]) if g[0] else ORDINAL_WORDS[g[1].lower()] % 5 or 4
        return _quarter(4 if q == -1 else q, _year(g[2]))
    if unit == "half":
        first = g[0].lower() in FIRST_HALF
        y = _year(g[1])
        return (date(y, 1, 1), date(y, 7, 1)) if first else (date(y, 7, 1), date(y + 1, 1, 1))
    if unit == "part":
        low, high = month_bounds(_year(g[2]), month_of(g[1]))
        cut = {"early": (0, 10), "mid": (10, 20), "late": (20, 40)}[g[0].lower()]
        return low + timedelta(days=cut[0]), min(high, low + timedelta(days=cut[1]))
    if unit in PHRASES:
        found = PHRASES[unit](g, default_year)
        return found if found else (None, None)
    if unit == "week":
        low, high = month_bounds(_year(g[2]), month_of(g[1]))
        n = ORDINAL_WORDS[g[0].lower()]
        if n == -1:
            return high - timedelta(days=7), high
        start = low + timedelta(days=7 * (n - 1))
        return start, min(high, start + timedelta(days=7))
    return None, None


def _y(value: str | None, default_year: int | None) -> int | None:
    return _year(value) if value else default_year


def _edge(g: tuple, dy: int | None) -> tuple[date, date] | None:
    """'the end of October 2001': its last ten days alone; as the end of a range, the month's end
    (see RANGE_END); 'the start of': the first ten."""
    if (y := _y(g[2], dy)) is None:
        return None
    low, high = month_bounds(y, month_of(g[1]))
    ten = timedelta(days=10)
    return (high - ten, high) if g[0].lower() in ("end", "close") else (low, low + ten)


FIRST_HALF = ("first", "1st", "front", "former", "earlier")  # 'the back half of November': its second


def _month_half(g: tuple, dy: int | None) -> tuple[date, date] | None:
    if (y := _y(g[2], dy)) is None:
        return None
    low, high = month_bounds(y, month_of(g[1]))
    mid = low + timedelta(days=15)
    return (low, mid) if g[0].lower() in FIRST_HALF else (mid, high)


def _to_end_m(g: tuple, dy: int | None) -> tuple[date, date] | None:
    """A day to the end of its month or of a later one named: (month, day, year, end month, year)."""
    y = _year(g[2] or g[4]) if (g[2] or g[4]) else dy
    month = month_of(g[0]) if not str(g[0]).isdigit() else int(g[0])
    return phrases.to_month_end(y, month, int(g[1]), month_of(g[3]) if g[3] else None)


def _to_year_end(month: int, day: int, year: int | None) -> tuple[date, date] | None:
    """A day to the end of its year (None without a year or for a day that does not exist)."""
    low = _d(year, month, day) if year is not None and 1 <= month <= 12 else None
    return (low, date(year + 1, 1, 1)) if low else None


def _quarter(q: int, y: int) -> tuple[date, date]:
    return month_bounds(y, 3 * q - 2)[0], month_bounds(y, 3 * q)[1]


def _span_of(g: tuple, dy: int | None) -> tuple[date, date] | None:
    """'the first 10 days of November 2001', 'the last two weeks of October': (which, n, days, n,
    weeks, month, year)."""
    if (y := _y(g[6], dy)) is None:
        return None
    return phrases.part_of(*month_bounds(y, month_of(g[5])), g[0], g[1] or g[3], g[2] or g[4])


def _span_of_year(g: tuple, dy: int | None) -> tuple[date, date] | None:
    """'the last week of 2001', 'the first three months of 2002': (which, n, days, n, unit, year)."""
    y = int(g[5])
    return phrases.part_of(date(y, 1, 1), date(y + 1, 1, 1), g[0], g[1] or g[3], g[2] or g[4])


def _iso_week(week: int, year: int | None) -> tuple[date, date] | None:
    try:
        monday = date.fromisocalendar(year, week, 1) if year else None
    except ValueError:
        return None
    return (monday, monday + timedelta(days=7)) if monday else None


def _week_holding(day: tuple[date, date] | None) -> tuple[date, date] | None:
    """'Thanksgiving week 2001': the Monday-to-Sunday week holding the day."""
    return None if day is None else phrases.week_holding(day[0])


def _holiday_weekend(name: str, year: int | None) -> tuple[date, date] | None:
    """'Memorial Day weekend 2001': Saturday to the Monday holiday; another day: its Saturday and Sunday."""
    day = phrases.holiday(name, year)
    if day is None:
        return None
    d = day[0]
    if d.weekday() == 0:  # a Monday holiday: the long weekend before it
        return d - timedelta(days=2), d + timedelta(days=1)
    if d.weekday() in (3, 4):  # a Thursday or Friday holiday (Thanksgiving): through its Sunday
        return d, d + timedelta(days=7 - d.weekday())
    sat = d - timedelta(days=(d.weekday() - 5) % 7)
    return sat, sat + timedelta(days=2)


def _season(g: tuple, dy: int | None) -> tuple[date, date] | None:
    name = g[0] or g[3] or g[4]
    return phrases.season(name, _y(g[1] or g[2], dy))


PHRASES = {
    "drange": lambda g, dy: phrases.month_range(int(g[0]), int(g[1]), month_of(g[2]), _y(g[3], dy)),
    "mrange": lambda g, dy: phrases.month_range(int(g[1]), int(g[2]), month_of(g[0]), _y(g[3], dy)),
    "to_end": lambda g, dy: phrases.month_range(int(g[0]), 31 if month_of(g[1]) in (1, 3, 5, 7, 8, 10, 12)
                                                else 30 if month_of(g[1]) != 2 else 28, month_of(g[1]),
                                                _y(g[2], dy)),
    "to_end_m": _to_end_m, "edge": _edge,
    "day_before_range": lambda g, dy: None if dy is None or _d(dy, month_of(g[0]), int(g[1])) is None
    else (_d(dy, month_of(g[0]), int(g[1])), _d(dy, month_of(g[0]), int(g[1])) + timedelta(days=1)),
    "to_end_dm": lambda g, dy: _to_end_m((g[1], g[0], g[2], None, None), dy),
    "day_of": lambda g, dy: None if (y := _y(g[2], dy)) is None
    else phrases.part_of(*month_bounds(y, month_of(g[1])), g[0], None, "day"),
    "part_no_year": lambda g, dy: None if dy is None else _period("part", (g[0], g[1], str(dy)), dy),
    "quarter_no_year": lambda g, dy: None if dy is None else _quarter(int(g[0]), dy),
    "num_to_year_end": lambda g, dy: _to_year_end(int(g[0]), int(g[1]), _year(g[2]) if g[2] else dy),
    "to_year_end": lambda g, dy: _to_year_end(month_of(g[0]), int(g[1]), _y(g[2], dy)),
    "num_to_end": _to_end_m, "span_of": _span_of, "span_of_year": _span_of_year,
    "half_yy": lambda g, dy: (date(_year(g[2]), 1, 1), date(_year(g[2]), 7, 1)) if (g[0] or g[1]) == "1"
    else (date(_year(g[2]), 7, 1), date(_year(g[2]) + 1, 1, 1)),
    "year_edge": lambda g, dy: (date(int(g[1]), 1, 1), date(int(g[1]), 1, 11)) if g[0].lower() in ("start", "beginning")
    else (date(int(g[1]), 12, 21), date(int(g[1]) + 1, 1, 1)),
    "month_yy": lambda g, dy: month_bounds(_year(g[1]), month_of(g[0])),
    "quarter_yy": lambda g, dy: _quarter(int(g[0] or g[2]), _year(g[1] or g[3])),
    "holiday_week": lambda g, dy: _week_holding(phrases.holiday(g[0], _y(g[1], dy))),
    "holiday_weekend": lambda g, dy: _holiday_weekend(g[0] or g[2], _y(g[1] or g[3], dy)),
    "num_day_no_year": lambda g, dy: None if dy is None or _d(dy, int(g[0]), int(g[1])) is None
    else (date(dy, int(g[0]), int(g[1])), date(dy, int(g[0]), int(g[1])) + timedelta(days=1)), "month_half": _month_half, "season": _season,
    "holiday": lambda g, dy: phrases.holiday(g[0], _y(g[1], dy)),
    "iso_week": lambda g, dy: _iso_week(int(g[0]), _y(g[1], dy)),
    "year_quarter": lambda g, dy: _quarter(int(g[1]), int(g[0])),
    "business_day": lambda g, dy: None if (y := _y(g[2] or g[3], dy)) is None else phrases.business_day(
        *(month_bounds(y, month_of(g[1])) if g[1] else (date(y, 1, 1), date(y + 1, 1, 1))), g[0].lower() in ("first", "1st")),
}


ONE_DAY = frozenset("iso mdy dmy dmy_dot mdy_name holiday day_no_year num_day_no_year business_day".split())


def _relative(text: str, spans: list[DateSpan]) -> list[DateSpan]:
    """'the week before Easter 2001': the anchor's span widened over the words before it."""
    out = []
    for s in spans:
        m = phrases.RELATIVE.search(text[max(0, s.start - 60):s.start])
        if m and "   " in m.group(0):
            m = None  # across words another reader took ('the week after [the merger was announced] (Nov 9-15)')
        if m is None or not s.low:
            through = phrases.THROUGH_MONTH_END.match(text, s.end) if s.low and s.unit in ("holiday", "day_no_year") else None
            weekday = phrases.THROUGH_WEEKDAY.match(text, s.end) if s.low and s.unit in ONE_DAY else None
            if weekday:  # 'from 9/11/01 through that Friday': to the next Friday, that day included
                out.append(DateSpan(text[s.start:weekday.end()], s.start, weekday.end(), s.low,
                                    phrases.through_weekday(weekday, date.fromisoformat(s.low)).isoformat(), s.unit))
                continue
            out.append(DateSpan(text[s.start:through.end()], s.start, through.end(), s.low,  # 'from Thanksgiving
                                phrases.month_end(date.fromisoformat(s.low)).isoformat(), s.unit) if through else s)
            continue  # 2001 through the end of that month
        found = phrases.relative(m, date.fromisoformat(s.low), date.fromisoformat(s.high))
        if found is None:
            out.append(s)
            continue
        start, end, high = max(0, s.start - 60) + m.start(), s.end, found[1]
        if through := phrases.THROUGH_WEEKDAY.match(text, s.end):  # 'the Monday after Thanksgiving through that Friday'
            end, high = through.end(), phrases.through_weekday(through, found[0])
        elif through := phrases.THROUGH_MONTH_END.match(text, s.end):  # '... through the end of that month'
            end, high = through.end(), phrases.month_end(found[0])
        out.append(DateSpan(text[start:end], start, end, found[0].isoformat(), high.isoformat(), "relative"))
    return out


def find_dates(text: str, default_year: int | None = None) -> list[DateSpan]:
    """Every date expression in text, left to right, without overlaps; a day or month without a
    year takes the year named elsewhere in the text, else default_year, else its interval is None."""
    years = [int(m.group(1)) for m in re.finditer(rf"(?<![\w/.@-]){YEAR}(?![\w/-])", text)]
    years += [_year(m.group(1)) for m in re.finditer(r"\b\d{1,2}/\d{1,2}/(\d{4}|\d{2})\b", text)]  # '11/15/01'
    years += [_year(m.group(1)) for m in re.finditer(r"(?<![\w'])'(\d{2})(?![\w'])", text)]  # "Labor Day '01"
    default_year = years[0] if len(set(years)) == 1 else default_year if not years else None
    taken: list[DateSpan] = []
    for pattern, unit in PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < t.end and t.start < m.end() for t in taken):
                continue
            if unit in ("year", "quarter_no_year") and not YEAR_CUE.search(text[:m.start()]) \
                    and not (unit == "year" and re.match(r"\s*(?:[?.!)]|[-–—,;:]\s|$)", text[m.end():])):
                continue  # 'in 2001', 'during Q4', 'who cc'd tana most 2001' (the last word); not 'the 1998
                # World Cup', 'the Q2 planning offsite'
            if unit == "drange" and re.search(rf"\b{MON}\s*$", text[:m.start()], re.I):
                continue  # '3 dec 01 and 5 jan 02': the '01' is December's year, no day of January
            if unit in ("month_no_year", "day_no_year") and MAY_VERB.match(text, m.start()):
                continue
            if unit == "month_no_year" and m.group(1).lower().rstrip(".") in ("mar", "may", "jun", "jan", "dec") \
                    and not m.group(1)[0].isupper() and not MONTH_FOLLOWS.match(text, m.end()) \
                    and not MONTH_CUE.search(text[:m.start()]):
                continue  # lower-case 'may', 'mar': words more often than months ('may and june', 'in dec': a month)
            low, high = _interval(unit, tuple(g for g in m.groups()), default_year)
            if unit == "season" and (m.group(1) or m.group(4) or m.group(5)).lower() == "fall" \
                    and not (m.group(2) or m.group(3)):
                continue  # 'the fall in prices': a season only with a year
            taken.append(DateSpan(m.group(0), m.start(), m.end(), low and low.isoformat(),
                                  high and high.isoformat(), unit))
    return _relative(text, _paired_years(text, sorted(taken, key=lambda s: s.start)))


def _paired_years(text: str, spans: list[DateSpan]) -> list[DateSpan]:
    """A month with no year joined to the next month that has one ('Oct-Nov 01', "Oct and Nov '01")
    is of that year (the year it gives no date further away: 'in oct 01 ... nov 15-16')."""
    out = list(spans)
    for i, (a, b) in enumerate(zip(spans, spans[1:])):
        if a.unit == "month_no_year" and a.low is None and b.unit == "month_yy" and b.low \
                and PAIRED.fullmatch(text[a.end:b.start]):
            low, high = month_bounds(int(b.low[:4]), month_of(a.text.strip()))
            out[i] = DateSpan(a.text, a.start, a.end, low.isoformat(), high.isoformat(), a.unit)
    return out


def parse_date(value: str, what: str = "date") -> str:
    """One day as an ISO date (2001-09-19, 9/19/2001, Sept 19 2001, 19 September 2001, or a
    month/year: its first day); anything else is an InputError naming the value."""
    text = " ".join(str(value).split())
    spans = find_dates(text)
    if len(spans) == 1 and spans[0].text.strip(" ,.") == text.strip(" ,.") and spans[0].low:
        return spans[0].low
    raise InputError(f"{what} {value!r} is not a date; use YYYY-MM-DD (e.g. 2001-09-19), "
                     "M/D/YYYY or 'Sep 19, 2001'")
