"""Names of the client-side events the server triggers with ``HX-Trigger``."""

# Sent whenever an entry is created, edited, deleted or restored; panels that show
# totals listen with hx-trigger="entries-changed from:body".
ENTRIES_CHANGED = "entries-changed"

# Sent when the roadmap's stages change (names, colours, order).
ROADMAP_CHANGED = "roadmap-changed"
