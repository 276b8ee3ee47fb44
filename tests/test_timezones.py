"""The time zones the settings page offers: grouped, common first, no old aliases,
found by city, country or zone name."""

from __future__ import annotations

from datetime import UTC, datetime

from journal.auth.timezones import COMMON, all_zones, zone_groups

from .support import HX, text


def names(groups) -> list[str]:
    return [zone.name for group in groups for zone in group.zones]


def test_common_zones_first_then_regions_without_old_aliases():
    groups = zone_groups()
    assert groups[0].label == "Common"
    assert [zone.name for zone in groups[0].zones][:6] == [
        "America/Los_Angeles",
        "America/Denver",
        "America/Chicago",
        "America/New_York",
        "America/Sao_Paulo",
        "UTC",
    ]
    regions = [group.label for group in groups[1:]]
    assert regions == sorted(regions)
    assert {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
            "Europe", "Indian", "Pacific"} == set(regions)  # fmt: skip
    offered = set(names(groups))
    assert not offered & {"US/Eastern", "Asia/Calcutta", "GB", "EST5EDT", "Etc/GMT+5", "Zulu"}
    assert set(COMMON) <= offered and len(all_zones()) > 400


def test_labels_name_the_place_and_its_offset():
    zones = all_zones()
    winter = datetime(2026, 1, 15, 12, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 12, tzinfo=UTC)
    assert zones["Europe/Berlin"].label(winter) == "Berlin, Germany (UTC+01:00)"
    assert zones["Europe/Berlin"].label(summer) == "Berlin, Germany (UTC+02:00)"
    assert zones["America/New_York"].label(winter) == "New York, United States (UTC-05:00)"
    assert zones["Asia/Kolkata"].label(winter) == "Kolkata, India (UTC+05:30)"
    assert (
        zones["America/Argentina/Buenos_Aires"].label(winter)
        == "Buenos Aires, Argentina (UTC-03:00)"
    )
    assert zones["UTC"].label(winter) == "Coordinated Universal Time (UTC+00:00)"


def test_a_search_finds_cities_countries_and_zone_names_once_each():
    assert names(zone_groups("berl")) == ["Europe/Berlin"]
    assert names(zone_groups("JAPAN")) == ["Asia/Tokyo"]
    assert names(zone_groups("buenos aires")) == ["America/Argentina/Buenos_Aires"]
    assert names(zone_groups("utc")) == ["UTC"]  # not "Dutch", in Sint Maarten's name
    assert names(zone_groups("new york")) == ["America/New_York"]
    assert "America/New_York" in names(zone_groups("eastern united"))
    assert zone_groups("no such place anywhere") == []
    assert names(zone_groups("x" * 10_000)) == []  # bounded: cut to 60 characters


def test_the_users_own_zone_is_always_offered():
    kept = zone_groups("tokyo", keep="Europe/Berlin")
    assert kept[0].label == "Your time zone" and names(kept) == ["Europe/Berlin", "Asia/Tokyo"]
    alias = zone_groups(keep="US/Eastern")  # an old alias a browser reported
    assert alias[0].label == "Your time zone" and alias[0].zones[0].name == "US/Eastern"
    assert zone_groups(keep="Europe/Berlin")[0].label == "Common"  # listed already


def test_the_settings_page_narrows_the_list(client, auth):
    auth.login()
    page = text(client.get("/settings?tz=lisbon"))
    assert '<option value="Europe/Lisbon">Lisbon, Portugal' in page
    assert 'value="Europe/Berlin"' not in page
    assert '<option value="UTC" selected>' in page  # the user's zone, kept
    fragment = text(client.get("/settings?tz=lisbon&timezone=Asia/Tokyo", headers=HX))
    assert fragment.lstrip().startswith('<div id="timezone-choice"')
    assert '<option value="Asia/Tokyo" selected>' in fragment
    assert "1 time zone matches “lisbon”." in fragment
    bad = text(client.get("/settings?tz=&timezone=<script>", headers=HX))
    assert "<script>" not in bad and '<option value="UTC" selected>' in bad
