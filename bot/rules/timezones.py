"""Time-zone names that look right but drift: abbreviations (EST, CST, IST...) and fixed offsets (UTC-5).

A class in Montreal that types ``EST`` gets tzdata's ``EST``, UTC−5 all year, and its question moves an hour
in summer; ``CST`` or ``IST`` name several places at once. :func:`refusal` recognises these and says what to
use instead: the zone of a city, which follows summer time, or, for a deliberately fixed offset, the
``Etc/GMT±N`` zone with its reversed sign explained. Pure functions; the messages are in
``bot/i18n/messages/scheduling.py``.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

#: Abbreviations (and tzdata's legacy names) → the city zones meant, and the abbreviation's own offset in
#: hours when it has one meaning (None: several meanings, or not whole hours: no fixed alternative).
ABBREVIATIONS: dict[str, tuple[tuple[str, ...], int | None]] = {
    "EST": (("America/Toronto", "America/New_York", "America/Montreal"), -5),
    "EDT": (("America/Toronto", "America/New_York", "America/Montreal"), -4),
    "EST5EDT": (("America/New_York", "America/Toronto"), None),
    "CST": (("America/Chicago", "America/Winnipeg", "America/Mexico_City", "Asia/Shanghai"), None),
    "CDT": (("America/Chicago", "America/Winnipeg"), -5),
    "CST6CDT": (("America/Chicago", "America/Winnipeg"), None),
    "MST": (("America/Edmonton", "America/Denver", "America/Phoenix"), -7),
    "MDT": (("America/Edmonton", "America/Denver"), -6),
    "MST7MDT": (("America/Denver", "America/Edmonton"), None),
    "PST": (("America/Vancouver", "America/Los_Angeles"), -8),
    "PDT": (("America/Vancouver", "America/Los_Angeles"), -7),
    "PST8PDT": (("America/Los_Angeles", "America/Vancouver"), None),
    "AST": (("America/Halifax", "America/Puerto_Rico", "Asia/Riyadh"), None),
    "ADT": (("America/Halifax", "America/Moncton"), -3),
    "NST": (("America/St_Johns",), None),
    "NDT": (("America/St_Johns",), None),
    "AKST": (("America/Anchorage",), -9),
    "HST": (("Pacific/Honolulu",), -10),
    "GMT": (("Europe/London", "Europe/Dublin", "Africa/Abidjan"), 0),
    "BST": (("Europe/London", "Asia/Dhaka"), None),
    "IST": (("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"), None),
    "WET": (("Europe/Lisbon", "Atlantic/Canary"), 0),
    "WEST": (("Europe/Lisbon", "Atlantic/Canary"), 1),
    "CET": (("Europe/Paris", "Europe/Brussels", "Europe/Berlin"), 1),
    "CEST": (("Europe/Paris", "Europe/Brussels", "Europe/Berlin"), 2),
    "MET": (("Europe/Paris", "Europe/Brussels", "Europe/Berlin"), 1),
    "EET": (("Europe/Athens", "Europe/Helsinki", "Africa/Cairo"), 2),
    "EEST": (("Europe/Athens", "Europe/Helsinki"), 3),
    "MSK": (("Europe/Moscow",), 3),
    "SAST": (("Africa/Johannesburg",), 2),
    "WAT": (("Africa/Lagos", "Africa/Kinshasa", "Africa/Algiers"), 1),
    "CAT": (("Africa/Maputo", "Africa/Lubumbashi"), 2),
    "EAT": (("Africa/Nairobi", "Africa/Addis_Ababa"), 3),
    "PKT": (("Asia/Karachi",), 5),
    "ICT": (("Asia/Bangkok", "Asia/Ho_Chi_Minh"), 7),
    "WIB": (("Asia/Jakarta",), 7),
    "HKT": (("Asia/Hong_Kong",), 8),
    "SGT": (("Asia/Singapore",), 8),
    "PHT": (("Asia/Manila",), 8),
    "JST": (("Asia/Tokyo",), 9),
    "KST": (("Asia/Seoul",), 9),
    "AWST": (("Australia/Perth",), 8),
    "ACST": (("Australia/Adelaide", "Australia/Darwin"), None),
    "AEST": (("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"), 10),
    "AEDT": (("Australia/Sydney", "Australia/Melbourne"), 11),
    "NZST": (("Pacific/Auckland",), 12),
    "NZDT": (("Pacific/Auckland",), 13),
    "BRT": (("America/Sao_Paulo",), -3),
    "ART": (("America/Argentina/Buenos_Aires",), -3),
    "CLT": (("America/Santiago",), None),
}

#: Cities offered for a fixed offset, in order of preference (the first few with that offset are shown).
CITIES = (
    "America/Montreal", "America/Toronto", "America/New_York", "America/Chicago", "America/Mexico_City",
    "America/Bogota", "America/Lima", "America/Denver", "America/Edmonton", "America/Phoenix",
    "America/Vancouver", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Halifax",
    "America/St_Johns", "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Santiago",
    "Atlantic/Azores", "Atlantic/Cape_Verde", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
    "Africa/Casablanca", "Africa/Abidjan", "Africa/Dakar", "Europe/Paris", "Europe/Brussels",
    "Europe/Berlin", "Africa/Algiers", "Africa/Tunis", "Africa/Lagos", "Africa/Kinshasa", "Europe/Athens",
    "Europe/Helsinki", "Africa/Cairo", "Africa/Johannesburg", "Europe/Istanbul", "Europe/Moscow",
    "Africa/Nairobi", "Asia/Riyadh", "Asia/Tehran", "Asia/Dubai", "Indian/Mauritius", "Indian/Reunion",
    "Asia/Kabul", "Asia/Karachi", "Asia/Tashkent", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka",
    "Asia/Yangon", "Asia/Bangkok", "Asia/Jakarta", "Asia/Ho_Chi_Minh", "Asia/Shanghai", "Asia/Singapore",
    "Australia/Perth", "Asia/Tokyo", "Asia/Seoul", "Australia/Darwin", "Australia/Adelaide",
    "Australia/Brisbane", "Australia/Sydney", "Pacific/Noumea", "Pacific/Auckland", "Pacific/Fiji",
    "Pacific/Tongatapu", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Tahiti", "Pacific/Marquesas",
    "Pacific/Gambier", "Pacific/Pitcairn", "Atlantic/South_Georgia", "Pacific/Midway",
)  # fmt: skip

_OFFSET = re.compile(r"(?:UTC|GMT|Z)?\s*([+\-−])\s*(\d{1,2})(?:\s*[:h.]?\s*(\d{2}))?", re.IGNORECASE)
#: How many city zones a refusal suggests.
SUGGESTIONS = 3


@functools.cache
def _city_offsets() -> dict[str, tuple[timedelta, timedelta]]:
    """Each city's UTC offset in January and in July (its standard and summer time, in some order)."""
    year = datetime.now(UTC).year
    winter, summer = datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC)
    offsets = {}
    for city in CITIES:
        zone = ZoneInfo(city)
        january, july = winter.astimezone(zone).utcoffset(), summer.astimezone(zone).utcoffset()
        assert january is not None and july is not None  # a ZoneInfo always has an offset
        offsets[city] = (january, july)
    return offsets


def cities_at(offset: timedelta) -> list[str]:
    """City zones that are at ``offset`` from UTC for part of the year (standard time first)."""
    offsets = _city_offsets()
    standard = [city for city, (jan, jul) in offsets.items() if min(jan, jul) == offset]
    summer = [
        city for city, (jan, jul) in offsets.items() if max(jan, jul) == offset and city not in standard
    ]
    return (standard + summer)[:SUGGESTIONS]


def etc_zone(hours: int) -> str | None:
    """The IANA zone fixed at UTC+``hours`` all year: ``Etc/GMT-2`` for UTC+2 (the sign is POSIX's).

    None for 0 (``UTC`` itself is accepted as typed) and outside tzdata's range.
    """
    if hours != 0 and -12 <= hours <= 14:
        return f"Etc/GMT{-hours:+d}"
    return None


def shown_offset(offset: timedelta) -> str:
    """``+2``, ``−5``, ``+5:30``: an offset as written after ``UTC`` (a real minus sign)."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


def parse_offset(text: str) -> timedelta | None:
    """``UTC-5``, ``GMT+2``, ``+05:30``, ``-5`` as an offset; None if ``text`` is not an offset."""
    match = _OFFSET.fullmatch(text.strip())
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    value = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if value > timedelta(hours=14) or (minutes and int(minutes) >= 60):
        return None
    return -value if sign in "-−" else value


def refusal(text: str) -> tuple[str, dict[str, object]] | None:
    """Why ``text`` must not be used as a guild's time zone, as a message key and its values; else None.

    Keys: ``scheduling.error.timezone_abbreviation[_fixed]`` and ``scheduling.error.timezone_offset[_fixed]``
    (``_fixed``: the message also offers ``etc``, the Etc zone at ``offset``).
    """
    wanted = "".join(text.split()).upper()
    if wanted in ABBREVIATIONS:
        cities, hours = ABBREVIATIONS[wanted]
        values: dict[str, object] = {"suggestions": ", ".join(cities)}
        etc = etc_zone(hours) if hours is not None else None
        if etc is None:
            return "scheduling.error.timezone_abbreviation", values
        values |= {"etc": etc, "offset": shown_offset(timedelta(hours=hours or 0))}
        return "scheduling.error.timezone_abbreviation_fixed", values
    offset = parse_offset(text)
    if offset is None:
        return None
    values = {"suggestions": ", ".join(cities_at(offset)) or "America/Montreal, Europe/Paris"}
    whole_hours, rest = divmod(int(offset.total_seconds()), 3600)
    etc = etc_zone(whole_hours) if rest == 0 else None
    if etc is None:
        return "scheduling.error.timezone_offset", values
    values |= {"etc": etc, "offset": shown_offset(offset)}
    return "scheduling.error.timezone_offset_fixed", values
