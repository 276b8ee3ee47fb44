"""Editor time: WakaTime-compatible heartbeats, their sessions, and suggested entries."""
