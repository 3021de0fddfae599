"""Date phrases people say that are not calendar notation: holidays and named days (read from the
`holidays` package's US calendar, official and unofficial, so Easter, Thanksgiving and New Year's
Eve fall on the right day of each year), seasons, ranges inside one month ('between the 3rd and
the 9th of May 2001', 'May 3-9, 2001', 'from the 10th to the end of October 2001'), and days
relative to another date ('the week before Easter 2001', 'the day after Thanksgiving').

Each reader returns whole-day [low, high) intervals; archivist.dates finds them in a text with the
calendar forms and composes the relative ones.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
ORD = r"(?:st|nd|rd|th)"
YEAR = r"((?:19|20)\d{2})"
# a year after a month, day or season: four digits or two ('01, 01, 99), not a time or a decimal
YY = r"'?((?:19|20)\d{2}|[09]\d)(?!\d|:\d|[/.]\d)"
OPT_YEAR = rf"(?:,?\s*(?:of\s+)?{YY})?"

# spoken name -> the `holidays` package's name for it (US calendar, public and unofficial days)
HOLIDAY_NAMES: dict[str, str] = {
    r"new\s+year'?s\s+eve": "New Year's Eve",
    r"new\s+year(?:'?s)?(?:\s+day)?": "New Year's Day",
    r"christmas\s+eve|xmas\s+eve": "Christmas Eve",
    r"christmas(?:\s+day)?|xmas": "Christmas Day",
    r"thanksgiving(?:\s+day)?": "Thanksgiving Day",
    r"easter(?:\s+sunday)?": "Easter Sunday",
    r"good\s+friday": "Good Friday",
    r"memorial\s+day": "Memorial Day",
    r"labou?r\s+day": "Labor Day",
    r"independence\s+day|(?:the\s+)?fourth\s+of\s+july": "Independence Day",
    r"hallowe'?en": "Halloween",
    r"(?:st\.?|saint)\s+valentine'?s(?:\s+day)?|valentine'?s(?:\s+day)?": "Valentine's Day",
    r"veterans'?\s+day": "Veterans Day",
    r"columbus\s+day": "Columbus Day",
    r"(?:mlk|martin\s+luther\s+king(?:\s+jr\.?)?)\s+day": "Martin Luther King Jr. Day",
    r"presidents'?\s+day|washington'?s\s+birthday": "Washington's Birthday",
    r"(?:st\.?|saint)\s+patrick'?s\s+day": "Saint Patrick's Day",
    r"mother'?s\s+day": "Mother's Day",
    r"father'?s\s+day": "Father's Day",
    r"groundhog\s+day": "Groundhog Day",
}
HOLIDAY = "|".join(f"(?:{p})" for p in HOLIDAY_NAMES)
# meteorological seasons (whole months); winter Y is the winter holding January and February of Y
SEASONS = {"spring": (3, 6), "summer": (6, 9), "autumn": (9, 12), "fall": (9, 12)}


def week_holding(day: date) -> tuple[date, date]:
    """The Monday-to-Sunday week holding the day, as [Monday, next Monday)."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


@lru_cache(maxsize=64)
def _calendar(year: int) -> dict[str, date]:
    import holidays  # a kept library: which day Easter or Thanksgiving falls on each year
    days = holidays.US(years=year, categories=("public", "unofficial"))
    return {name: day for day, name in sorted(days.items(), reverse=True)}


def business_day(low: date, high: date, first: bool) -> tuple[date, date] | None:
    """The first (or last) weekday of [low, high) that is no US federal holiday, as [day, day + 1)."""
    import holidays  # the same kept calendar: New Year's Day 2002 is no business day
    off = holidays.US(years=range(low.year, high.year + 1))
    days = [low + timedelta(days=i) for i in range((high - low).days)]
    for day in days if first else reversed(days):
        if day.weekday() < 5 and day not in off:
            return day, day + timedelta(days=1)
    return None


def holiday(phrase: str, year: int | None) -> tuple[date, date] | None:
    """The day a holiday's name means in year, as [day, day + 1); None without a year."""
    if year is None:
        return None
    spoken = " ".join(phrase.lower().replace("’", "'").split())
    for pattern, name in HOLIDAY_NAMES.items():
        if re.fullmatch(pattern, spoken):
            day = _calendar(year).get(name)
            return (day, day + timedelta(days=1)) if day else None
    return None


def season(name: str, year: int | None) -> tuple[date, date] | None:
    if year is None:
        return None
    name = name.lower()
    if name == "winter":
        return date(year - 1, 12, 1), date(year, 3, 1)
    first, after = SEASONS[name]
    return date(year, first, 1), date(year, after, 1)


RELATIVE = re.compile(
    r"\b(?:the\s+|a\s+)?(?:(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|few)\s+)?"
    r"(?:(?P<first>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:and|through|thru|to|-|–)\s+)?"
    r"(days?|weeks?|weekend|fortnights?|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+"
    r"(?:right\s+|just\s+|immediately\s+|directly\s+)?(before|prior\s+to|leading\s+up\s+to|preceding|ahead\s+of|"
    r"after|following|of)\s+(?:the\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?$", re.I)
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# '... through that Friday': the span runs on to the next such day
THROUGH_WEEKDAY = re.compile(r"\s+(?:through|thru|to|until|till|-|–)\s+(?:that|the\s+following|the\s+next|the)\s+"
                             r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "a few": 3, "few": 3}


def relative(match: re.Match, low: date, high: date) -> tuple[date, date] | None:
    """The interval 'the week before', 'two days after', 'the week of' an anchor [low, high)."""
    count, unit, where = match.group(1), match.group(3).lower(), " ".join(match.group(4).lower().split())
    if unit.endswith("s") and (not count or count.lower().endswith("few")):
        return None  # 'the days after 9/11', 'a few weeks before Christmas': no number of days is said
    n = int(count) if count and count.isdigit() else NUMBERS.get(" ".join((count or "one").lower().split()), 1)
    if unit == "weekend":
        return _weekend(low, high, where)
    if unit in WEEKDAYS:  # 'the Monday after Thanksgiving', 'the Friday before Christmas'
        if count or where == "of":
            return None
        want = WEEKDAYS.index(unit)
        day = high + timedelta(days=(want - high.weekday()) % 7) if where in ("after", "following") else \
            low - timedelta(days=(low.weekday() - want) % 7 or 7)
        if match.group("first"):  # 'the Monday and Tuesday after Thanksgiving': from the first to the second
            return day - timedelta(days=(want - WEEKDAYS.index(match.group("first").lower())) % 7), day + timedelta(days=1)
        return day, day + timedelta(days=1)
    days = {"day": 1, "days": 1, "week": 7, "weeks": 7, "fortnight": 14, "fortnights": 14, "month": 30}[unit] * n
    if where == "of":
        if unit != "week" or high - low > timedelta(days=1):
            return None  # 'the week of Sept 11': of one day; 'the week of December' says no week
        return week_holding(low)
    if where in ("after", "following"):
        return high, high + timedelta(days=days)
    return low - timedelta(days=days), low


THROUGH_MONTH_END = re.compile(rf"\s+(?:through|thru|to|until|till)\s+(?:the\s+)?end\s+of\s+(?:that|the)\s+(?:month|{MON})(?!\s*\d)", re.I)


def month_end(low: date) -> date:
    """The first day after low's month ('the day after Thanksgiving through the end of that month')."""
    return date(low.year + (low.month == 12), low.month % 12 + 1, 1)


def through_weekday(match: re.Match, low: date) -> date:
    """The end (exclusive) of a span from low 'through that Friday': the next such day on or after low."""
    want = WEEKDAYS.index(match.group(1).lower())
    return low + timedelta(days=(want - low.weekday()) % 7 + 1)


def _weekend(low: date, high: date, where: str) -> tuple[date, date]:
    if where in ("after", "following"):
        sat = high + timedelta(days=(5 - high.weekday()) % 7)
    elif where == "of":
        sat = low + timedelta(days=(5 - low.weekday()) % 7) if low.weekday() < 5 else \
            low - timedelta(days=low.weekday() - 5)
    else:
        sat = low - timedelta(days=(low.weekday() - 5) % 7 or 7)
    return sat, sat + timedelta(days=2)


def month_range(first: int, last: int, month: int, year: int | None) -> tuple[date, date] | None:
    """Days first..last (inclusive) of one month: 'May 3-9, 2001', 'between the 3rd and 9th of May'."""
    if year is None or not 1 <= first <= last <= 31:
        return None
    try:
        return date(year, month, first), date(year, month, last) + timedelta(days=1)
    except ValueError:
        return None


def to_month_end(year: int | None, month: int, day: int, end_month: int | None) -> tuple[date, date] | None:
    """A day to the end of its month, or of end_month when a later month is named ('9/11 to the end
    of October'); None without a year or for a day that does not exist."""
    if year is None or not 1 <= month <= 12 or end_month is not None and end_month < month:
        return None
    try:
        low = date(year, month, day)
    except ValueError:
        return None
    last = end_month or month
    return low, date(year + (last == 12), last % 12 + 1, 1)


def part_of(low: date, high: date, which: str, count: str | None, unit: str) -> tuple[date, date] | None:
    """The first or last count days, weeks or months of [low, high) ('the last 10 days of October')."""
    which = "first" if which.lower() == "1st" else which
    n = int(count) if count and count.isdigit() else NUMBERS.get((count or "one").lower(), 0)
    unit = unit.lower().rstrip("s")
    if n < 1 or unit == "month" and n > 12:
        return None
    if unit == "month":
        first = low.month + n if which.lower() == "first" else 13 - n
        cut = date(low.year + (first > 12), (first - 1) % 12 + 1, 1)
        return (low, cut) if which.lower() == "first" else (cut, high)
    span = timedelta(days=n * (7 if unit == "week" else 1))
    return (low, min(high, low + span)) if which.lower() == "first" else (max(low, high - span), high)
