"""Entries: the study sessions a learner logs, their notes, tags and topics."""
