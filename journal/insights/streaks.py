"""Streaks: runs of days studied, composed from the days that reached the daily minimum.

A day counts when its minutes reach the user's daily minimum. A run may pass over days
that do not count, as rest days, as long as each week (the user's weeks) holds no more
than the allowed number of them inside the run. Today never breaks a run: it is not over.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from ..clock import week_bounds


@dataclass(frozen=True)
class Run:
    first: date
    last: date
    days: int  # days studied in the run
    rest_days: int  # days in between that did not count, allowed as rest


@dataclass(frozen=True)
class Streaks:
    current: Run | None
    longest: Run | None
    today_counts: bool

    @property
    def current_days(self) -> int:
        return self.current.days if self.current else 0

    @property
    def longest_days(self) -> int:
        return self.longest.days if self.longest else 0


def find_streaks(days: list[date], today: date, *, rest_days: int, week_start: int) -> Streaks:
    """The current and longest runs in ``days`` (sorted, each reaching the minimum)."""
    days = [day for day in days if day <= today]
    runs: list[Run] = []
    used: Counter[date] = Counter()  # rest days used by the open run, per week
    first = previous = None
    studied = rested = 0
    for day in days:
        if previous is not None and (day - previous).days == 1:
            # The common case, the day after: nothing to bridge.
            studied += 1
            previous = day
            continue
        if previous is not None:
            gap = _rest_days_needed(previous, day, used, rest_days, week_start)
            if gap is None:
                runs.append(Run(first, previous, studied, rested))
                first, studied, rested, used = None, 0, 0, Counter()
            else:
                used.update(gap)
                rested += sum(gap.values())
        if first is None:
            first = day
        studied += 1
        previous = day
    current = None
    if previous is not None:
        runs.append(Run(first, previous, studied, rested))
        # Alive when the days since the last one studied, before today, are allowed rests.
        trailing = _rest_days_needed(previous, today, used, rest_days, week_start)
        if previous == today or trailing is not None:
            extra = 0 if previous == today else sum(trailing.values())
            current = Run(first, previous, studied, rested + extra)
    longest = max(reversed(runs), key=lambda run: run.days, default=None)
    return Streaks(current, longest, bool(days) and days[-1] == today)


def _rest_days_needed(
    before: date, after: date, used: Counter[date], allowed: int, week_start: int
) -> Counter[date] | None:
    """The rest days, per week, to bridge the days strictly between two dates; None if
    the rule forbids it. A week inside the gap would need seven, so long gaps fail fast."""
    length = (after - before).days - 1
    if length <= 0:
        return Counter()
    if length > 2 * allowed:
        return None
    needed = Counter(
        week_bounds(before + timedelta(days=n), week_start)[0] for n in range(1, length + 1)
    )
    if any(used[week] + count > allowed for week, count in needed.items()):
        return None
    return needed
