"""The time zones offered on the settings page: common ones first, then by region.

The list is the tz database's own ``zone.tab`` (from the tzdata package, a dependency):
one zone per place that people live, and none of the old aliases (``US/Eastern``,
``Asia/Calcutta``, ``GB``) that ``zoneinfo.available_timezones()`` also holds. Those are
still accepted when saved (a browser may report one), and a user's own zone is always
shown, whatever it is.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files

from ..clock import zone_info

# The zones most people pick, in order of the hour: offered before the regions.
COMMON = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Africa/Lagos",
    "Africa/Cairo",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
QUERY_MAX = 60
_WORD_START = re.compile(r"[^\W_]+")  # the words of a zone's text, to match by their starts


@dataclass(frozen=True)
class Zone:
    name: str  # the IANA name, what is saved
    place: str  # "Buenos Aires, Argentina"
    country: str  # "Argentina"; "" for UTC
    detail: str = ""  # zone.tab's note, such as "Eastern (most areas)": found by a search

    @property
    def region(self) -> str:
        return self.name.split("/", 1)[0] if "/" in self.name else "UTC"

    def label(self, now: datetime) -> str:
        """``Berlin, Germany (UTC+01:00)``, the offset as it is at ``now``."""
        offset = now.astimezone(zone_info(self.name)).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset else 0
        sign = "+" if minutes >= 0 else "-"
        hours, rest = divmod(abs(minutes), 60)
        return f"{self.place} (UTC{sign}{hours:02d}:{rest:02d})"


@dataclass(frozen=True)
class ZoneGroup:
    label: str
    zones: list[Zone]


def _tab(name: str) -> list[list[str]]:
    text = files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def timezone_names() -> frozenset[str]:
    """Every zone the tz database names, old aliases included (what a saved zone may be).
    ``zoneinfo.available_timezones()`` walks its folders again on each call, and the
    database does not change while the app runs."""
    return frozenset(zoneinfo.available_timezones())


@cache
def all_zones() -> dict[str, Zone]:
    """Every zone of zone.tab, and UTC, by name."""
    countries = {row[0]: row[1] for row in _tab("iso3166.tab")}
    zones = {"UTC": Zone("UTC", "Coordinated Universal Time", "")}
    for row in _tab("zone.tab"):
        code, name, detail = row[0], row[2], row[3] if len(row) > 3 else ""
        city = name.rsplit("/", 1)[-1].replace("_", " ")
        country = countries.get(code, code)
        place = f"{city}, {country}" if city != country else city
        zones[name] = Zone(name, place, country, detail)
    return dict(sorted(zones.items()))


def zone_groups(query: str = "", keep: str | None = None) -> list[ZoneGroup]:
    """The zones to offer, grouped: common ones first, then each region's, A to Z.

    ``query`` keeps the zones where every word of it starts a word of their name, place
    or note (any case), each once, in its region (the common ones are not repeated first); ``keep``
    (the user's zone) is always offered, first, even when the query or the list leaves
    it out.
    """
    zones = all_zones()
    words = query.strip().casefold()[:QUERY_MAX].replace("_", " ").split()

    def matches(zone: Zone) -> bool:
        # Each word starts a word of the zone's name, place or note: "york", "new y".
        text = f"{zone.name} {zone.place} {zone.detail}".casefold()
        starts = _WORD_START.findall(text)
        return all(any(start.startswith(word) for start in starts) for word in words)

    groups = []
    if keep and (keep not in zones or not matches(zones[keep])):
        city = keep.rsplit("/", 1)[-1].replace("_", " ")
        groups.append(ZoneGroup("Your time zone", [zones.get(keep) or Zone(keep, city, "")]))
    if not words:  # a search lists each match once, in its region
        groups.append(ZoneGroup("Common", [zones[name] for name in COMMON]))
    regions: dict[str, list[Zone]] = {}
    for zone in zones.values():
        if (words or zone.name != "UTC") and matches(zone):
            regions.setdefault(zone.region, []).append(zone)
    groups += [ZoneGroup(region, regions[region]) for region in sorted(regions)]
    return groups


def timezone_context(query: str = "", selected: str | None = None) -> dict:
    """What the settings page's time-zone field shows (see auth/_timezone_field.html)."""
    query = (query or "").strip()[:QUERY_MAX]
    groups = zone_groups(query, keep=selected)
    found = {
        zone.name for group in groups if group.label != "Your time zone" for zone in group.zones
    }
    return {
        "timezone_groups": groups,
        "timezone_query": query,
        "timezone_selected": selected,
        "timezone_found": len(found),
        "timezone_now": datetime.now(UTC),
    }
