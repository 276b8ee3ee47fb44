"""Deployment files: gunicorn's settings, the env example and docs, and the Dockerfile's steps
run for real in a fresh virtual environment (Docker itself cannot run here)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import types
from fnmatch import fnmatch
from pathlib import Path

import pytest
from gunicorn.app.base import Application
from sqlalchemy import text

from journal import ROOT
from journal.config import DEFAULTS
from journal.extensions import db

from .live import Browser, free_port, stop_group, wait_until_up
from .support import PASSWORD

DEPLOY = ROOT / "deploy"
DOCS = ROOT / "docs"


class SettingsProbe(Application):
    """gunicorn's own loading of gunicorn.conf.py, without starting anything."""

    def load_config(self):
        self.load_config_from_file(str(ROOT / "gunicorn.conf.py"))

    def load(self):  # pragma: no cover - never served
        raise AssertionError


def gunicorn_settings(monkeypatch, **env) -> dict:
    for name in ("PORT", "JOURNAL_BIND", "JOURNAL_WORKERS", "JOURNAL_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["gunicorn"])
    return SettingsProbe().cfg.settings


def test_gunicorn_defaults_suit_a_small_server(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["bind"].get() == ["127.0.0.1:5000"]
    assert settings["workers"].get() == 2
    assert settings["threads"].get() == 4
    assert settings["worker_class"].get() == "gthread"
    assert settings["preload_app"].get() is False  # no app, no connection, before the fork
    assert settings["accesslog"].get() == "-"
    assert settings["forwarded_allow_ips"].get() == []  # only JOURNAL_BEHIND_PROXY decides
    assert settings["graceful_timeout"].get() < settings["timeout"].get() <= 30
    assert settings["max_requests"].get() > 0


def test_gunicorn_listens_where_the_environment_says(monkeypatch):
    assert gunicorn_settings(monkeypatch, PORT="8123")["bind"].get() == ["127.0.0.1:8123"]
    settings = gunicorn_settings(
        monkeypatch,
        PORT="8123",
        JOURNAL_BIND="0.0.0.0:8000",
        JOURNAL_WORKERS="3",
        JOURNAL_THREADS="2",
    )
    assert settings["bind"].get() == ["0.0.0.0:8000"]
    assert settings["workers"].get() == 3
    assert settings["threads"].get() == 2


def test_a_bad_number_stops_gunicorn_with_a_message(monkeypatch):
    with pytest.raises(SystemExit, match="JOURNAL_WORKERS must be a whole number"):
        gunicorn_settings(monkeypatch, JOURNAL_WORKERS="two")


# The configuration table, the env example and the code agree.


def documented_variables() -> set[str]:
    table = (DOCS / "configuration.md").read_text()
    return set(re.findall(r"^\| `((?:JOURNAL_|PORT)\w*)`", table, re.M))


def test_every_setting_is_in_the_configuration_table():
    documented = documented_variables()
    example = set(
        re.findall(r"^#? ?(JOURNAL_\w+)=", (DEPLOY / "roadbook.env.example").read_text(), re.M)
    )
    assert example and example <= documented
    gunicorn = set(re.findall(r'"((?:JOURNAL_|PORT)\w*)"', (ROOT / "gunicorn.conf.py").read_text()))
    assert gunicorn <= documented
    settings = {
        f"JOURNAL_{name}" for name in DEFAULTS if name.isupper() and "SQLALCHEMY" not in name
    }
    settings |= {"JOURNAL_DATABASE_URL", "JOURNAL_SECRET_KEY", "JOURNAL_BEHIND_PROXY"}
    assert settings <= documented, settings - documented


def test_the_proxies_forward_to_where_gunicorn_listens():
    example = (DEPLOY / "roadbook.env.example").read_text()
    bind = re.search(r"^JOURNAL_BIND=(\S+)", example, re.M).group(1)
    assert bind == "127.0.0.1:5000"
    assert f"reverse_proxy {bind}" in (DEPLOY / "Caddyfile").read_text()
    assert f"proxy_pass http://{bind};" in (DEPLOY / "nginx-roadbook.conf").read_text()
    assert re.search(r"^JOURNAL_BEHIND_PROXY=1$", example, re.M)


def test_the_systemd_unit_runs_gunicorn_as_an_unprivileged_user():
    unit = (DEPLOY / "roadbook.service").read_text()
    assert "User=roadbook" in unit
    assert "EnvironmentFile=/etc/roadbook/roadbook.env" in unit
    assert "WorkingDirectory=/srv/roadbook/app" in unit
    assert "ExecStart=/srv/roadbook/app/.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app" in unit
    assert "ReadWritePaths=/srv/roadbook/data" in unit
    deploy_doc = (DOCS / "deploy.md").read_text()
    assert (
        "JOURNAL_INSTANCE_PATH=/srv/roadbook/data" in (DEPLOY / "roadbook.env.example").read_text()
    )
    for path in ("/srv/roadbook/app", "/srv/roadbook/data", "/etc/roadbook/roadbook.env"):
        assert path in deploy_doc


def test_the_schema_is_upgraded_once_before_the_workers_start():
    """Workers refuse a database that is behind (wsgi.py): every way of starting the server
    runs the upgrade first, once."""
    unit = (DEPLOY / "roadbook.service").read_text()
    upgrade = "/srv/roadbook/app/.venv/bin/flask --app journal db upgrade"
    assert re.findall(r"^ExecStartPre=(.+)$", unit, re.M) == [upgrade]
    assert unit.index("ExecStartPre=") < unit.index("ExecStart=")
    entrypoint = (DEPLOY / "docker-entrypoint.sh").read_text()
    assert entrypoint.index("flask --app journal db upgrade") < entrypoint.index('exec "$@"')
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "serve"):
        assert re.search(rf"^{target}: setup db$", makefile, re.M), target
    assert re.search(r"^db: setup\n\t\$\(FLASK\) db upgrade$", makefile, re.M)


# The Dockerfile, step by step, in a fresh virtual environment.


def dockerfile_stages(path: Path) -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, per stage: (INSTRUCTION, arguments)."""
    logical, current = [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += " " + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            logical.append(current.strip())
            current = ""
    stages: list[list[tuple[str, str]]] = []
    for instruction in logical:
        name, _, arguments = instruction.partition(" ")
        if name.upper() == "FROM":
            stages.append([])
        stages[-1].append((name.upper(), arguments.strip()))
    return stages


def test_the_dockerfile_copies_everything_the_app_needs():
    final = dockerfile_stages(DEPLOY / "Dockerfile")[-1]
    copied = {
        source
        for name, arguments in final
        if name == "COPY" and not arguments.startswith("--from")
        for source in arguments.split()[:-1]
    }
    needed = {"pyproject.toml", "README.md", "wsgi.py", "gunicorn.conf.py"}
    needed |= {"journal", "migrations", "templates", "static"}
    assert needed <= copied
    assert ("USER", "roadbook") in final
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "dockerfile: deploy/Dockerfile" in compose
    assert '"127.0.0.1:8000:8000"' in compose  # only the host's proxy reaches it


IGNORED = [
    line.strip()
    for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def docker_ignored(folder: str, names: list[str]) -> set[str]:
    """The build context as Docker sends it: without what Dockerfile.dockerignore lists."""
    relative = Path(folder).relative_to(ROOT)
    ignored = set()
    for name in names:
        path = (relative / name).as_posix()
        for pattern in IGNORED:
            if fnmatch(path, pattern) or fnmatch(name, pattern.removeprefix("**/")):
                ignored.add(name)
    return ignored


@pytest.mark.slow
def test_the_dockerfile_steps_work_in_a_fresh_virtual_environment(tmp_path, empty_database):
    """The final stage's steps, with /app and /data moved into a temporary folder.

    On the PostgreSQL run the fresh install is pointed at an empty PostgreSQL database:
    the driver comes with the app, so the URL is all it takes.
    """
    postgres = empty_database.startswith("postgresql")
    app_dir, data_dir, venv = tmp_path / "app", tmp_path / "data", tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("JOURNAL_")}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    port = free_port()
    command = entrypoint = None
    healthcheck = None
    workdir = app_dir
    root = tmp_path / "root"  # where files copied outside /app land
    for name, arguments in dockerfile_stages(DEPLOY / "Dockerfile")[-1]:
        if name == "WORKDIR":
            assert arguments == "/app"
            app_dir.mkdir()
        elif name == "ENV":
            for key, value in (pair.split("=", 1) for pair in shlex.split(arguments)):
                env[key] = value.replace("/data", str(data_dir))
        elif name == "COPY" and arguments.startswith("--from=assets"):
            # The htmx file that stage fetches; `make setup` fetched and checked the same one.
            source, target = arguments.split()[1:]
            assert source.endswith("static/vendor/htmx.min.js")
            (workdir / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "static" / "vendor" / "htmx.min.js", workdir / target)
        elif name == "COPY":
            *sources, target = arguments.split()
            if target.startswith("/"):  # outside the app's folder: a file of the image's own
                target = str(root / target.lstrip("/"))
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            for source in sources:
                origin, destination = ROOT / source, workdir / target
                if origin.is_dir():
                    shutil.copytree(origin, destination, ignore=docker_ignored)
                else:
                    shutil.copy(origin, destination)
        elif name == "RUN":
            for step in (part.strip() for part in arguments.split("&&")):
                if step.startswith("pip install"):
                    args = shlex.split(step)
                    subprocess.run(
                        [str(venv / "bin" / "pip"), *args[1:]], cwd=workdir, env=env, check=True
                    )
                elif step.startswith(("mkdir -p /data", "chown ", "useradd ")):
                    data_dir.mkdir(exist_ok=True)  # the container's own folders and user
                else:
                    raise AssertionError(f"a Dockerfile step this test does not know: {step}")
        elif name == "HEALTHCHECK":
            healthcheck = shlex.split(arguments.split(" CMD ", 1)[1])
        elif name == "ENTRYPOINT":
            [entrypoint] = json.loads(arguments)
            entrypoint = shutil.which(entrypoint, path=str(root / "usr/local/bin"))
        elif name == "CMD":
            command = json.loads(arguments)
        else:
            assert name in ("FROM", "USER", "VOLUME", "EXPOSE"), name
    assert env["JOURNAL_INSTANCE_PATH"] == str(data_dir)
    assert (app_dir / "static" / "vendor" / "htmx.min.js").exists()
    assert not list(app_dir.rglob("__pycache__"))
    env["JOURNAL_BIND"] = f"127.0.0.1:{port}"  # loopback here, not the container's 0.0.0.0:8000
    if postgres:
        env["JOURNAL_DATABASE_URL"] = empty_database

    def run(*args, **kwargs):
        return subprocess.run(
            [str(venv / "bin" / args[0]), *args[1:]], cwd=app_dir, env=env, check=True, **kwargs
        )

    # What the container runs: its entry point (the schema upgraded once, on a new data
    # folder), then its command; then what docs/deploy.md does once it is up.
    assert entrypoint is not None and command[0] == "gunicorn"
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [entrypoint, *command],
            cwd=app_dir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz", 60, log)
        check = [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in healthcheck]
        assert check[0] == "python"
        subprocess.run([str(venv / "bin" / "python"), *check[1:]], check=True, timeout=30)
        run("flask", "--app", "journal", "create-user", "alice", input=PASSWORD + "\n", text=True)
        browser = Browser(base)
        login = {"username": "alice", "password": PASSWORD, "csrf_token": browser.token("/login")}
        assert browser.post("/login", login).status == 303
        assert "Today" in browser.get("/").text
        assert browser.get("/static/vendor/htmx.min.js").status == 200
    finally:
        stop_group(server)
    assert (data_dir / "journal.sqlite3").exists() is not postgres
    assert (data_dir / "secret_key").exists()
    # The app ran from the copied source, with only the packages pyproject.toml lists.
    listed = subprocess.run(
        [str(venv / "bin" / "pip"), "list", "--format=json"], capture_output=True, check=True
    )
    names = {package["name"].lower() for package in json.loads(listed.stdout)}
    assert {"gunicorn", "psycopg", "flask"} <= names
    assert "pytest" not in names and "playwright" not in names


def test_the_nightly_backup_unit_runs_a_real_backup_command(app, runner, tmp_path):
    unit = (DEPLOY / "roadbook-backup.service").read_text()
    command = shlex.split(re.search(r"^ExecStart=(.+)$", unit, re.M).group(1))
    assert command[:3] == ["/srv/roadbook/app/.venv/bin/flask", "--app", "journal"]
    args = [arg.replace("/srv/roadbook/backups/", f"{tmp_path}/nightly/") for arg in command[3:]]
    for _ in range(2):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "nightly").glob("roadbook-*.sqlite3"))) == 2
    assert "--keep" in args
    timer = (DEPLOY / "roadbook-backup.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer


def test_the_command_wrapper_and_the_entry_point_are_valid_shell():
    for script in ("roadbook-flask", "docker-entrypoint.sh"):
        subprocess.run(["sh", "-n", str(DEPLOY / script)], check=True)
        assert os.access(DEPLOY / script, os.X_OK)


def test_a_preloaded_app_forgets_the_masters_connections_after_the_fork(app, monkeypatch):
    """With ``--preload`` the master built the app: a worker must not reuse its connections."""
    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        pool = db.engine.pool
        assert pool.checkedin() == 1  # the master's connection, ready to be shared by mistake
    monkeypatch.setitem(sys.modules, "wsgi", types.SimpleNamespace(app=app))
    namespace["post_fork"](server=None, worker=None)
    with app.app_context():
        assert db.engine.pool is not pool
        assert db.engine.pool.checkedin() == 0


def header_values(config: str, pattern: str) -> dict[str, str]:
    return {name.lower(): value for name, value in re.findall(pattern, config)}


@pytest.mark.parametrize(
    ("config", "pattern"),
    [
        ("Caddyfile", r'^\t\t\t([\w-]+) "([^"]*)"$'),
        ("nginx-roadbook.conf", r'^\s+add_header ([\w-]+) "([^"]*)" always;$'),
    ],
)
def test_the_proxies_serve_static_files_with_the_apps_headers_and_hsts(
    app, client, config, pattern
):
    """The proxy serves /static/ itself: those files carry what the app's responses carry."""
    text = (DEPLOY / config).read_text()
    static = text[text.index("/static/") :]
    found = header_values(static[: static.index("}")], re.compile(pattern, re.M))
    page = client.get("/setup").headers
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "X-Frame-Options", "Cross-Origin-Opener-Policy"):  # fmt: skip
        assert found[name.lower()] == page[name], name
    assert found["strict-transport-security"] == "max-age=31536000"
