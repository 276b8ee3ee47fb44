"""The whole database as data: proof that a request changed nothing, or removed exactly some rows.

Every table the models define is read (``db.metadata``), so tables added later are covered
without touching the tests that use this.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from journal.extensions import db

# Bookkeeping that reading a page may update: when a session was last seen (and so when
# an idle session expires); when an API token was last used, and its rate limit's state.
BOOKKEEPING = {
    ("login_sessions", "last_seen_at"),
    ("login_sessions", "expires_at"),
    ("api_tokens", "last_used_at"),
    ("api_tokens", "rate_until_ms"),
}


def snapshot(app, *, ignore=BOOKKEEPING) -> dict[str, Counter]:
    """Every row of every table, as a multiset of tuples per table."""
    state = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in ignore]
            rows = db.session.execute(select(*columns)).all()
            state[table.name] = Counter(tuple(row) for row in rows)
        db.session.rollback()
    return state


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.rollback()
    return counts


def differences(before: dict[str, Counter], after: dict[str, Counter]) -> dict[str, dict]:
    """Per table, the rows that appeared and the rows that disappeared."""
    changed = {}
    for name in before.keys() | after.keys():
        old, new = before.get(name, Counter()), after.get(name, Counter())
        if old != new:
            changed[name] = {
                "added": list((new - old).elements()),
                "removed": list((old - new).elements()),
            }
    return changed
