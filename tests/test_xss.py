"""XSS: attack strings go through every form that saves user text and every page that shows it.

Each string is saved through create and edit (stage names and descriptions, topic names,
notes and their #tags), rejected forms show it again, and then every page that shows it
is compared with the same page showing harmless text: the attack must add no script,
element, event handler, htmx attribute or script URL. Text typed as plain text must come
back exactly as typed.

The project's own cases take every path, as htmx and as plain forms, and every saving
response is checked (archiving is a plain form post: what it shows is checked on the
pages). The big list of naughty strings (500-odd) takes a quicker route: created everywhere
and edited into notes with plain form posts, refused entry and stage forms as fragments,
and the pages of every 25th item besides the lists that show them all.

On PostgreSQL both corpora take the quicker route's saves (created everywhere, edited into
notes, with plain form posts) and are read back on the pages that list them all: what the
database does with the strings (refuse one, cut or change it) shows there. Refused forms
write nothing, and a page escapes what it is given the same way whichever database gave
it, so those comparisons run on SQLite alone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from journal.auth.services import get_user_by_name
from journal.entries.models import Entry, EntryTag
from journal.extensions import db
from journal.roadmap.models import Stage, Topic
from journal.validation import clean_text

from .databases import TEST_DATABASE_URL
from .support import HX, PASSWORD, AuthActions, text
from .xss_corpus import (
    LINK_ATTACKS,
    OWN_CASES,
    TEMPLATE_SYNTAX,
    blns,
    injected,
    page_text,
    unexpected_kinds,
)

STUDY_DATE = "2020-01-06"  # in the past: Today's panel stays the same while entries are added
SECRET = "a secret key that no page may show"


@pytest.fixture
def xss_app(make_app):
    return make_app(
        PAGE_SIZE=100_000,
        SECRET_KEY=SECRET,
        SIGNUP="open",
        LOGIN_FREE_FAILURES=10**6,
        LOGIN_ADDRESS_FREE_FAILURES=10**6,
    )


def fits(value: str, limit: int, fallback: str) -> str:
    """``value`` cut to the field's limit; a fallback when nothing would be left of it."""
    cut = value[:limit]
    return cut if clean_text(cut) else fallback


class Corpus:
    """Alice's journal, filled with one stage, topic and entry per attack string."""

    def __init__(self, app, strings, *, username="alice", thorough=True):
        self.app = app
        self.strings = strings
        # Thorough: every save made the htmx way, and its response checked too. Otherwise
        # saves are plain form posts (the same code, answered with a redirect), for speed.
        self.thorough = thorough
        self.client = app.test_client()
        AuthActions(app, self.client).login(username)
        with app.app_context():
            self.user_id = get_user_by_name(username).id
            # Only the corpus on the pages: they stay small, and every name on them is an attack.
            db.session.execute(delete(Topic).filter_by(user_id=self.user_id))
            db.session.execute(delete(Stage).filter_by(user_id=self.user_id))
            db.session.commit()
        self.stages, self.topics, self.entries = [], [], []
        self.saved = 0
        self.references = self._reference_responses() if thorough else {}

    def _new_id(self, model):
        with self.app.app_context():
            return db.session.scalar(
                select(model.id).where(model.user_id == self.user_id).order_by(model.id.desc())
            )

    def _reference_responses(self):
        """Harmless requests of every kind, to know what each response holds by design."""
        c = self.client
        stage = c.post("/roadmap/stages", data=self._stage("Plain", "Plain"), headers=HX)
        stage_id = self._new_id(Stage)
        topic = c.post(f"/roadmap/stages/{stage_id}/topics", data={"name": "Plain"}, headers=HX)
        topic_id = self._new_id(Topic)
        entry = c.post("/entries", data=self._entry(stage_id, topic_id, "Plain"), headers=HX)
        entry_id = self._new_id(Entry)
        data = self._stage("Plainer", "Plainer")
        # The roadmap answer again, now that a stage has topics (and their progress bars).
        stage = c.post("/roadmap/stages", data=self._stage("Plain 2", "Plain 2"), headers=HX)
        return {
            "stage": stage,
            "topic": topic,
            "entry": entry,
            "stage edit": c.post(f"/roadmap/stages/{stage_id}", data=data, headers=HX),
            "topic edit": c.post(f"/roadmap/topics/{topic_id}", data={"name": "P"}, headers=HX),
            "entry edit": c.post(
                f"/entries/{entry_id}", data=self._entry(stage_id, topic_id, "P"), headers=HX
            ),
        }

    @staticmethod
    def _stage(name, description):
        return {
            "name": fits(name, 80, "blank name"),
            "color": "#336699",
            "description": description[:2000],
        }

    @staticmethod
    def _entry(stage_id, topic_id, notes, **extra):
        return {
            "date": STUDY_DATE,
            "duration": "1h",
            "stage": stage_id,
            "topics": topic_id,
            "notes": notes,
            **extra,
        }

    def save(self, kind: str, url: str, data: dict) -> None:
        if not self.thorough:
            response = self.client.post(url, data=data)
            assert response.status_code == 303, (kind, text(response)[:500])
            self.saved += 1
            if self.saved % 25 == 0:  # "Entry saved." piles up in the session cookie
                with self.client.session_transaction() as session:
                    session.pop("_flashes", None)
            return
        response = self.client.post(url, data=data, headers=HX)
        assert response.status_code == 200, (kind, text(response)[:500])
        extra = unexpected_kinds(text(response), text(self.references[kind]))
        assert not extra, (kind, extra)

    def check_rejected(self, response, harmless) -> None:
        """A form sent back with errors shows the text again, as text."""
        assert response.status_code == harmless.status_code
        assert not injected(text(response), text(harmless))

    def create_everything(self):
        for number, string in enumerate(self.strings):
            self.save("stage", "/roadmap/stages", self._stage(string, string))
            stage_id = self._new_id(Stage)
            name = fits(string, 120, "blank topic")
            self.save("topic", f"/roadmap/stages/{stage_id}/topics", {"name": name})
            topic_id = self._new_id(Topic)
            key = f"xss-entry-{number:05d}"
            self.save(
                "entry", "/entries", self._entry(stage_id, topic_id, string, idempotency_key=key)
            )
            self.stages.append(stage_id)
            self.topics.append(topic_id)
            self.entries.append(self._new_id(Entry))

    def edit_everything(self):
        """Every item gets the next string through its edit form (quick runs: notes only)."""
        c = self.client
        for number, ids in enumerate(zip(self.stages, self.topics, self.entries, strict=True)):
            stage_id, topic_id, entry_id = ids
            string = self.strings[(number + 1) % len(self.strings)]
            if self.thorough:
                self.save("stage edit", f"/roadmap/stages/{stage_id}", self._stage(string, string))
                name = fits(string, 120, "blank topic")
                self.save("topic edit", f"/roadmap/topics/{topic_id}", {"name": name})
            self.save("entry edit", f"/entries/{entry_id}", self._entry(stage_id, topic_id, string))
        # Archived stages and topics are shown in places of their own, on the pages fetched
        # next. Archived as a form without htmx does it (a redirect): the htmx answer is the
        # whole roadmap, and rendering it after each archive made a fifth of the quick run.
        for stage_id in self.stages[::7]:
            assert c.post(f"/roadmap/stages/{stage_id}/archive").status_code == 303
        for topic_id in self.topics[3::7]:
            assert c.post(f"/roadmap/topics/{topic_id}/archive").status_code == 303

    def reject_everything(self):
        """Forms refused for another field show the text again."""
        c = self.client
        stage_id, topic_id, entry_id = self.stages[0], self.topics[0], self.entries[0]
        routes = {
            "entry": "/entries",
            "entry edit": f"/entries/{entry_id}",
            "stage": "/roadmap/stages",
            "stage edit": f"/roadmap/stages/{stage_id}",
            "topic": f"/roadmap/stages/{stage_id}/topics",
            "topic edit": f"/roadmap/topics/{topic_id}",
        }

        def refused(string: str) -> dict[str, dict]:
            entry = self._entry(stage_id, "", string, date="never", duration=string[:200])
            stage = {"name": string, "color": "red", "weeks": string, "description": string}
            topic = {"name": string + " " + "x" * 121}  # too long
            return {
                "entry": entry,
                "entry edit": entry,
                "stage": stage,
                "stage edit": stage,
                "topic": topic,
                "topic edit": topic,
            }

        # Quick runs: the creating forms, as fragments (the edit forms and the pages
        # include the very same form templates).
        renderings = (HX, {}) if self.thorough else (HX,)
        kinds = routes if self.thorough else ("entry", "stage")
        harmless = {
            (kind, bool(headers)): c.post(routes[kind], data=data, headers=headers)
            for kind, data in refused("plain").items()
            for headers in renderings
            if kind in kinds
        }
        for string in self.strings:
            for kind, data in refused(string).items():
                if kind not in kinds:
                    continue
                for headers in renderings:
                    response = c.post(routes[kind], data=data, headers=headers)
                    self.check_rejected(response, harmless[kind, bool(headers)])

    def urls(self, every: int = 1) -> list[str]:
        """The pages that show the text, each in both renderings."""
        urls = ["/", "/journal", "/week", "/roadmap", "/entries/new", "/settings"]
        for stage_id, topic_id, entry_id in list(
            zip(self.stages, self.topics, self.entries, strict=True)
        )[::every]:
            urls += [
                f"/entries/{entry_id}",
                f"/entries/{entry_id}/edit",
                f"/roadmap/stages/{stage_id}",
                f"/roadmap/stages/{stage_id}/edit",
                f"/roadmap/topics/{topic_id}",
                f"/roadmap/topics/{topic_id}/edit",
                f"/entries/new?stage={stage_id}",
                f"/journal?stage={stage_id}",
            ]
        return urls

    def fetch(self, urls) -> dict:
        self.client.get("/settings")  # shows (and so clears) any message left by a save
        pages = {}
        for url in urls:
            for name, headers in (("page", {}), ("fragment", HX)):
                response = self.client.get(url, headers=headers)
                assert response.status_code == 200, url
                pages[(url, name)] = text(response)
        return pages

    def make_harmless(self) -> None:
        """Replace every piece of user text with plain words, keeping everything else."""
        with self.app.app_context():
            mine = {"user_id": self.user_id}
            db.session.execute(
                update(Stage).filter_by(**mine).values(name="Stage", description="About it")
            )
            db.session.execute(update(Topic).filter_by(**mine).values(name="Topic"))
            db.session.execute(
                update(Entry).filter_by(**mine).values(notes="plain", notes_html="<p>plain</p>")
            )
            db.session.commit()

    def stored_names(self) -> list[str]:
        with self.app.app_context():
            stages = db.session.scalars(select(Stage.name).filter_by(user_id=self.user_id))
            topics = db.session.scalars(select(Topic.name).filter_by(user_id=self.user_id))
            return list(stages) + list(topics)

    def stored_tags(self) -> set[str]:
        with self.app.app_context():
            return set(db.session.scalars(select(EntryTag.name)))


# Whether this run compares the pages' markup (see the module's docstring).
ESCAPING_CHECKED = not TEST_DATABASE_URL


def run_corpus(app, strings, *, chunk: int, thorough: bool, every_page: int = 1):
    """Send ``strings`` through, ``chunk`` at a time, each chunk by a user of its own
    (so that no page grows past what a real journal holds)."""
    for start in range(0, len(strings), chunk):
        part = strings[start : start + chunk]
        corpus = Corpus(
            app, part, username=f"xss{start:05d}", thorough=thorough and ESCAPING_CHECKED
        )
        check_corpus(corpus, every_page)
        yield corpus


def check_corpus(corpus: Corpus, every_page: int) -> None:
    corpus.create_everything()
    corpus.edit_everything()
    if ESCAPING_CHECKED:
        corpus.reject_everything()
        urls = corpus.urls(every=every_page)
    else:
        urls = ["/roadmap", "/journal"]
    attacked = corpus.fetch(urls)
    names = corpus.stored_names()
    assert len(names) >= 2 * len(corpus.strings)

    # What was typed as plain text comes back exactly as typed (escaped, not stripped).
    roadmap = page_text(attacked[("/roadmap", "page")])
    missing = [name for name in names if name not in roadmap]
    assert not missing, missing[:5]
    # Template syntax in notes stays text, and nothing reveals the app's configuration.
    journal = page_text(attacked[("/journal", "page")])
    for case in TEMPLATE_SYNTAX:
        if case in corpus.strings:
            assert case in journal
    for page in attacked.values():
        assert SECRET not in page
    if not ESCAPING_CHECKED:
        return

    corpus.make_harmless()
    harmless = corpus.fetch(urls)
    problems = {key: injected(attacked[key], harmless[key]) for key in attacked}
    problems = {key: found for key, found in problems.items() if found}
    assert not problems, problems


def test_own_attack_strings_never_become_markup(xss_app):
    corpora = list(run_corpus(xss_app, OWN_CASES, chunk=20, thorough=True))
    # The strings did reach the journal: tags were made from them.
    assert "tag" in set().union(*(corpus.stored_tags() for corpus in corpora))


@pytest.mark.skipif(not blns(), reason="blns.json (the big list of naughty strings) not found")
def test_the_big_list_of_naughty_strings_never_becomes_markup(xss_app):
    corpora = list(run_corpus(xss_app, list(blns()), chunk=100, thorough=False, every_page=25))
    assert sum(len(corpus.strings) for corpus in corpora) == len(blns())


def test_the_check_notices_markup_that_gets_through():
    """The comparison is not blind: unescaped attack markup is reported."""
    harmless = '<div class="notes"><p>plain</p></div>'
    for attack, expected in (
        ("<script>alert(1)</script>", ("script", None)),
        ('<img src=x onerror="alert(1)">', ("attribute", "img", "onerror")),
        ('<a href=" JaVaScript:alert(1)">x</a>', ("url", "a", "href", "javascript")),
        ('<p hx-get="/logout" hx-trigger="load">x</p>', ("htmx", "p", "hx-get")),
        ('<p data-hx-post="/x">x</p>', ("htmx", "p", "data-hx-post")),
        ("<svg><circle/></svg>", ("element", "svg")),
        ('<hx-partial hx-target="body">x</hx-partial>', ("element", "hx-partial")),
    ):
        page = f'<div class="notes">{attack}</div>'
        assert expected in injected(page, harmless), attack
    assert not injected(harmless, harmless)


def test_links_must_be_web_addresses_and_are_shown_safely(xss_app):
    client = xss_app.test_client()
    AuthActions(xss_app, client).login("alice")
    with xss_app.app_context():
        user_id = get_user_by_name("alice").id
        stage_id = db.session.scalar(select(Stage.id).filter_by(user_id=user_id).limit(1))
    saved = []
    for link in LINK_ATTACKS:
        data = {"date": STUDY_DATE, "duration": "1h", "stage": stage_id, "link": link}
        response = client.post("/entries", data=data, headers=HX)
        scheme = clean_text(link).split(":", 1)[0].lower()
        if scheme in ("http", "https"):
            assert response.status_code == 200, link
            saved.append(link)
        else:
            assert response.status_code == 422, link
            assert "Link must be a web address" in text(response)
            harmless = client.post("/entries", data={**data, "link": "ftp://x"}, headers=HX)
            assert not injected(text(response), text(harmless)), link
    assert len(saved) == 3
    attacked = {url: text(client.get(url)) for url in ("/journal", "/entries/1", "/entries/1/edit")}
    with xss_app.app_context():
        db.session.execute(update(Entry).values(link="https://example.test/"))
        db.session.commit()
    for url, page in attacked.items():
        assert not injected(page, text(client.get(url))), url


def test_search_and_filters_echo_the_query_as_text(xss_app):
    client = xss_app.test_client()
    AuthActions(xss_app, client).login("alice")
    # A date range with no entries: both renderings list nothing, only the query differs.
    dates = {"from": "2000-01-01", "to": "2000-01-02"}
    harmless = {
        name: text(client.get("/journal", query_string={"q": "x", "tag": "x", **dates}, headers=h))
        for name, h in (("page", {}), ("fragment", HX))
    }
    for string in OWN_CASES + list(blns()):
        for name, headers in (("page", {}), ("fragment", HX)):
            query = {"q": string, "tag": string, **dates}
            attacked = client.get("/journal", query_string=query, headers=headers)
            assert attacked.status_code == 200
            assert not injected(text(attacked), harmless[name]), string


def test_account_forms_show_rejected_names_as_text(xss_app):
    AuthActions(xss_app, xss_app.test_client()).create("owner")
    harmless = {
        "/login": text(
            xss_app.test_client().post("/login", data={"username": "nobody", "password": "x"})
        ),
        "/signup": text(
            xss_app.test_client().post("/signup", data={"username": "x", "password": "x"})
        ),
    }
    created = 0
    for string in OWN_CASES + list(blns()):
        for url in ("/login", "/signup"):
            data = {"username": string, "password": PASSWORD, "timezone": string[:64]}
            response = xss_app.test_client().post(url, data=data)
            if response.status_code == 303:  # a harmless name such as "null" signed up
                created += 1
                continue
            assert not injected(text(response), harmless[url]), (url, string)
            if url == "/login":
                assert response.status_code == 401
    assert created < 50
