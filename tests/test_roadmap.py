"""The roadmap: each user's own copy, edited inline; archiving keeps history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.roadmap import services
from journal.roadmap.default import DEFAULT_ROADMAP
from journal.roadmap.models import Stage, Topic

from .support import HX, is_full_page, text


def stages(app, username="alice", archived=False):
    from journal.auth.services import get_user_by_name

    with app.app_context():
        return [
            (s.id, s.name, s.color, s.suggested_weeks)
            for s in services.stages_of(get_user_by_name(username), archived=archived)
        ]


def topic_names(app, stage_id):
    with app.app_context():
        stage = db.session.get(Stage, stage_id)
        return [t.name for t in stage.topics if not t.archived]


def test_each_account_gets_its_own_copy_of_the_default(app, auth):
    auth.create("alice")
    auth.create("bob")
    alice, bob = stages(app, "alice"), stages(app, "bob")
    assert [s[1] for s in alice] == [d["name"] for d in DEFAULT_ROADMAP]
    assert [s[1] for s in bob] == [d["name"] for d in DEFAULT_ROADMAP]
    assert not {s[0] for s in alice} & {s[0] for s in bob}
    assert [s[3] for s in alice] == [4, 4, 6, 6, 4, None, None]
    assert topic_names(app, alice[0][0])[0] == "Variables and data types"


def test_roadmap_page_in_both_renderings(client, auth):
    auth.login()
    page = client.get("/roadmap")
    assert page.status_code == 200 and is_full_page(page)
    assert "Python fundamentals" in text(page) and "Projects and portfolio" in text(page)
    fragment = client.get("/roadmap", headers=HX)
    assert not is_full_page(fragment)
    assert text(fragment).lstrip().startswith('<div id="roadmap"')


def test_rename_and_recolour_a_stage_inline(app, client, auth):
    auth.login()
    stage_id = stages(app)[0][0]
    form = client.get(f"/roadmap/stages/{stage_id}/edit", headers=HX)
    assert f'<form id="stage-{stage_id}-head"' in text(form)
    assert 'value="Python fundamentals"' in text(form)
    response = client.post(
        f"/roadmap/stages/{stage_id}",
        data={"name": "Python basics", "color": "#AA00FF", "weeks": "5", "description": "Mine"},
        headers=HX,
    )
    assert response.status_code == 200
    assert f'<div id="stage-{stage_id}-head"' in text(response)
    assert "Python basics" in text(response)
    assert "roadmap-changed" in response.headers["HX-Trigger"]
    assert stages(app)[0][1:] == ("Python basics", "#aa00ff", 5)


def test_stage_edit_without_javascript(app, client, auth):
    auth.login()
    stage_id = stages(app)[1][0]
    page = client.get(f"/roadmap/stages/{stage_id}/edit")
    assert is_full_page(page) and "Edit stage" in text(page)
    response = client.post(
        f"/roadmap/stages/{stage_id}", data={"name": "SQL", "color": "#112233", "weeks": ""}
    )
    assert response.status_code == 303
    assert response.location == "/roadmap"
    assert stages(app)[1][1:] == ("SQL", "#112233", None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "color": "#112233"}, "name", "Name is required."),
        ({"name": "x" * 81, "color": "#112233"}, "name", "at most 80 characters"),
        ({"name": "Ok", "color": "red"}, "color", "Colour must be a hex colour"),
        ({"name": "Ok", "color": "#112233", "weeks": "0"}, "weeks", "whole number from 1 to 520"),
        ({"name": "Ok", "color": "#112233", "weeks": "two"}, "weeks", "whole number"),
        ({"name": "Ok", "color": "#112233", "description": "d" * 2001}, "description", "2000"),
    ],
)
def test_stage_validation(app, client, auth, data, field, message):
    auth.login()
    stage_id, name, color, weeks = stages(app)[0]
    response = client.post(f"/roadmap/stages/{stage_id}", data=data, headers=HX)
    assert response.status_code == 422
    assert f'id="stage-{stage_id}-{field}-error"' in text(response)
    assert message in text(response)
    assert stages(app)[0] == (stage_id, name, color, weeks)


def test_add_a_stage_at_the_end(app, client, auth):
    auth.login()
    response = client.post(
        "/roadmap/stages",
        data={"name": "Data engineering", "color": "#123456", "weeks": "8"},
        headers=HX,
    )
    assert response.status_code == 200
    assert "Data engineering" in text(response)
    assert stages(app)[-1][1:] == ("Data engineering", "#123456", 8)


def test_add_stage_errors_rerender_the_form(app, client, auth):
    auth.login()
    response = client.post("/roadmap/stages", data={"name": "", "color": "#123456"}, headers=HX)
    assert response.status_code == 422
    assert '<details id="new-stage"' in text(response)
    assert "Name is required." in text(response)
    assert len(stages(app)) == 7


def test_add_stage_errors_without_htmx_show_the_whole_roadmap(app, client, auth):
    """A plain form refused: the roadmap page again, its stages and the form as typed."""
    auth.login()
    response = client.post("/roadmap/stages", data={"name": "Data engineering", "weeks": "0"})
    assert response.status_code == 422
    page = text(response)
    assert "<title>Roadmap" in page
    assert "whole number from 1 to 520" in page
    assert 'value="Data engineering"' in page
    # The default roadmap's stages (the design's roadmap), none added.
    default = [
        "Python fundamentals",
        "Databases and SQL",
        "Web frameworks",
        "APIs, authentication and security",
        "DevOps and deployment",
        "Beyond the basics",
        "Projects and portfolio",
    ]
    assert [name for _, name, _, _ in stages(app)] == default
    for name in default:
        assert name in page


def test_reorder_stages(app, client, auth):
    auth.login()
    first, second = stages(app)[:2]
    response = client.post(
        f"/roadmap/stages/{second[0]}/move", data={"direction": "up"}, headers=HX
    )
    assert response.status_code == 200
    assert [s[0] for s in stages(app)[:2]] == [second[0], first[0]]
    # Moving the first stage up changes nothing.
    client.post(f"/roadmap/stages/{second[0]}/move", data={"direction": "up"})
    assert [s[0] for s in stages(app)[:2]] == [second[0], first[0]]
    # Without JavaScript: a redirect back to the roadmap.
    response = client.post(f"/roadmap/stages/{first[0]}/move", data={"direction": "up"})
    assert response.status_code == 303
    assert [s[0] for s in stages(app)[:2]] == [first[0], second[0]]
    assert (
        client.post(f"/roadmap/stages/{first[0]}/move", data={"direction": "sideways"}).status_code
        == 400
    )


def test_archive_keeps_history_and_can_be_undone(app, client, auth):
    auth.login()
    stage_id = stages(app)[2][0]
    entry = client.post(
        "/entries", data={"date": "2026-01-05", "duration": "1h", "stage": stage_id, "notes": "x"}
    )
    assert entry.status_code == 303
    response = client.post(f"/roadmap/stages/{stage_id}/archive", headers=HX)
    assert response.status_code == 200
    assert "Archived stages" in text(response)
    assert stage_id not in [s[0] for s in stages(app)]
    assert stage_id in [s[0] for s in stages(app, archived=True)]
    # The entry keeps its stage; new entries cannot use it.
    assert "Web frameworks" in text(client.get("/journal"))
    refused = client.post(
        "/entries", data={"date": "2026-01-06", "duration": "1h", "stage": stage_id}
    )
    assert refused.status_code == 422
    assert "is archived" in text(refused)
    client.post(f"/roadmap/stages/{stage_id}/restore")
    assert stage_id in [s[0] for s in stages(app)]


def test_topics_add_rename_reorder_archive(app, client, auth):
    auth.login()
    stage_id = stages(app)[4][0]
    added = client.post(
        f"/roadmap/stages/{stage_id}/topics", data={"name": "Kubernetes"}, headers=HX
    )
    assert added.status_code == 200
    assert f'<div id="stage-{stage_id}-topics"' in text(added)
    assert topic_names(app, stage_id)[-1] == "Kubernetes"
    with app.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.name == "Kubernetes"))
        topic_id = topic.id
    form = client.get(f"/roadmap/topics/{topic_id}/edit", headers=HX)
    assert f'<li id="topic-{topic_id}"' in text(form)
    renamed = client.post(f"/roadmap/topics/{topic_id}", data={"name": "K8s"}, headers=HX)
    assert renamed.status_code == 200 and "K8s" in text(renamed)
    client.post(f"/roadmap/topics/{topic_id}/move", data={"direction": "up"}, headers=HX)
    assert topic_names(app, stage_id)[-2:] == ["K8s", "Deploy one application to the cloud"]
    archived = client.post(f"/roadmap/topics/{topic_id}/archive", headers=HX)
    assert "(archived)" in text(archived)
    assert "K8s" not in topic_names(app, stage_id)
    client.post(f"/roadmap/topics/{topic_id}/restore", headers=HX)
    assert "K8s" in topic_names(app, stage_id)


def test_topic_name_is_required(app, client, auth):
    auth.login()
    stage_id = stages(app)[0][0]
    before = topic_names(app, stage_id)
    response = client.post(f"/roadmap/stages/{stage_id}/topics", data={"name": "  "}, headers=HX)
    assert response.status_code == 422
    assert "Topic name is required." in text(response)
    assert topic_names(app, stage_id) == before


def test_stage_and_topic_pages_in_both_renderings(app, client, auth):
    auth.login()
    stage_id = stages(app)[0][0]
    with app.app_context():
        topic_id = db.session.scalar(select(Topic.id).where(Topic.stage_id == stage_id).limit(1))
    page = client.get(f"/roadmap/stages/{stage_id}")
    assert is_full_page(page) and "Python fundamentals" in text(page)
    head = client.get(f"/roadmap/stages/{stage_id}", headers=HX)
    assert text(head).lstrip().startswith(f'<div id="stage-{stage_id}-head"')
    topic_page = client.get(f"/roadmap/topics/{topic_id}")
    assert is_full_page(topic_page)
    line = client.get(f"/roadmap/topics/{topic_id}", headers=HX)
    assert text(line).lstrip().startswith(f'<li id="topic-{topic_id}"')
    edit_page = client.get(f"/roadmap/topics/{topic_id}/edit")
    assert is_full_page(edit_page) and "Rename topic" in text(edit_page)


def test_a_changed_default_never_rewrites_an_existing_copy(app, auth, monkeypatch):
    auth.create("alice")
    before = stages(app)
    monkeypatch.setitem(DEFAULT_ROADMAP[0], "name", "Changed default")
    auth.create("bob")
    assert stages(app) == before
    assert stages(app, "bob")[0][1] == "Changed default"


def test_moving_a_topic_shows_the_new_order_at_once(app, client, auth):
    auth.login()
    stage_id = stages(app)[4][0]
    with app.app_context():
        second = db.session.scalar(
            select(Topic).where(Topic.stage_id == stage_id, Topic.name == "Git and GitHub")
        )
    response = client.post(
        f"/roadmap/topics/{second.id}/move", data={"direction": "up"}, headers=HX
    )
    body = text(response)
    assert body.index("Git and GitHub") < body.index("Linux command line")
    assert topic_names(app, stage_id)[:2] == ["Git and GitHub", "Linux command line"]


def test_a_stages_own_page_uses_plain_forms_that_come_back_to_it(app, client, auth):
    auth.login()
    stage_id = stages(app)[1][0]
    page = text(client.get(f"/roadmap/stages/{stage_id}"))
    assert 'hx-target="#roadmap"' not in page  # there is no roadmap on this page to swap
    assert "Move up: Databases and SQL" not in page  # topics still move, the stage does not
    response = client.post(
        f"/roadmap/stages/{stage_id}/archive", data={"next": f"/roadmap/stages/{stage_id}"}
    )
    assert response.status_code == 303
    assert response.location == f"/roadmap/stages/{stage_id}"
    # After an inline edit on that page, the heading still has no roadmap targets.
    head = client.get(
        f"/roadmap/stages/{stage_id}",
        headers={**HX, "HX-Current-URL": f"http://localhost/roadmap/stages/{stage_id}"},
    )
    assert 'hx-target="#roadmap"' not in text(head)
    on_roadmap = client.get(
        f"/roadmap/stages/{stage_id}", headers={**HX, "HX-Current-URL": "http://localhost/roadmap"}
    )
    assert 'hx-target="#roadmap"' in text(on_roadmap)
