"""Your data in and out: exports in four formats, and imports with a preview."""
