"""The daily habit: the study timer, entry templates, the weekly review, "on this day"."""
