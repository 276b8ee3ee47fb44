"""``roadbook``: log study sessions from a terminal, through the journal's JSON API.

Standard library only, and nothing of the server: it installs and runs on a laptop that
serves no journal.
"""

__version__ = "0.1.0"
