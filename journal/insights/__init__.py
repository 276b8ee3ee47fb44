"""Insights: hours per stage, weeks, the calendar, streaks, goals and roadmap pace."""
