"""A real JupyterHub for the hub tests and the hub benchmark: users, environments, hub, kernels.

Not a test module. Everything here is real: system users made with ``useradd``, a JupyterHub
with configurable-http-proxy (installed by ``.ci/services.py``), the shared-password
authenticator and ``LocalProcessSpawner`` (each user's server runs as that system user, from a
separate student environment that holds the course-edition wheel and no key), nbgrader's
exchange in a shared folder, and a PostgreSQL server started from Debian's binaries.
Students act through their own server's HTTP API: nbgrader's assignment-list endpoints,
the contents API and a kernel over the server's websocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTOR_BIN = Path(sys.executable).parent
VENV = Path(os.environ.get("SOURCEWISE_VENV", ROOT / ".venv"))
CHP = VENV / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
# Both kept between runs, outside the checkout so that CI's fresh clone on the same machine
# reuses them (several minutes each to build); only Sourcewise itself is reinstalled each run.
HUB_ENVS = Path(os.environ.get("SOURCEWISE_HUB_ENVS", "/var/tmp/sourcewise-hub-envs"))
STUDENT_ENV = HUB_ENVS / "student"
INSTRUCTOR_ENV = HUB_ENVS / "instructor"
INSTRUCTOR_GROUP = "swinstructors"
SYSTEM_PYTHON = "/usr/bin/python3"  # this venv's interpreter is under /root, closed to others
COURSE_ID = "sourcewise"
PASSWORD = "sourcewise-hub-test"  # the shared password (JupyterHub wants at least 8 characters)
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def _jupyterhub_version() -> str:
    from importlib.metadata import version

    return version("jupyterhub")


def _psycopg_version() -> str:
    from importlib.metadata import version

    return version("psycopg")


def student_requirements() -> list[str]:
    """What the single-user servers run besides the course wheel (its own deps come with it)."""
    return [f"jupyterhub=={_jupyterhub_version()}", "nbgrader==0.9.6", "jupyterlab>=4.4,<4.7",
            "notebook>=7.2,<8"]


def missing() -> str | None:
    """Why the hub cannot run here, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub tests create system users and must run as root"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found (Debian's python3 and python3-venv)"
    for tool in ("useradd", "userdel", "runuser", "groupadd"):
        if not shutil.which(tool):
            return f"{tool} not found"
    if not CHP.exists():
        return f"configurable-http-proxy not installed at {CHP} (run python3 .ci/services.py)"
    try:
        _jupyterhub_version()
        import psycopg  # noqa: F401  (SQLAlchemy 2.1's driver for postgresql:// URLs)
    except Exception as err:
        return f"jupyterhub or psycopg missing from the test environment ({err})"
    if pg_bin() is None:
        return "PostgreSQL's initdb not found (run python3 .ci/services.py)"
    return None


def pg_bin() -> Path | None:
    sys.path.insert(0, str(ROOT / ".ci"))
    try:
        from services import pg_bin_dir
    finally:
        sys.path.pop(0)
    return pg_bin_dir()


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(text: str) -> None:
    print(f"[hub {time.strftime('%H:%M:%S')}] {text}", flush=True)


# -- system users -----------------------------------------------------------------------------

def home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def ensure_group(group: str) -> None:
    try:
        grp.getgrnam(group)
    except KeyError:
        subprocess.run(["groupadd", group], check=True)


def ensure_user(user: str, groups: Sequence[str] = ()) -> Path:
    """A system user with an empty private home (0700); an existing one is emptied."""
    try:
        folder = home(user)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", user],
                       check=True)
        folder = home(user)
    for group in groups:
        ensure_group(group)
        subprocess.run(["usermod", "--append", "--groups", group, user], check=True)
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    entry = pwd.getpwnam(user)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o700)
    return folder


def remove_user(user: str) -> None:
    subprocess.run(["userdel", "--remove", user], check=False, capture_output=True)


def user_env(user: str, bin_dir: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home(user)), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
            "PATH": f"{bin_dir}:{SYSTEM_PATH}", **extra}


def run_as(user: str, cmd: Sequence[str | Path], *, cwd: Path | None = None,
           bin_dir: Path = INSTRUCTOR_ENV / "bin", check: bool = True, timeout: float = 600,
           **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run a command as ``user`` with a clean environment (no root variables leak in)."""
    env = user_env(user, bin_dir, **extra_env)
    full = ["runuser", "-u", user, "--", "env", "-i",
            *[f"{k}={v}" for k, v in env.items()], *[str(c) for c in cmd]]
    result = subprocess.run(full, cwd=cwd or home(user), capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"as {user}: {' '.join(map(str, cmd))} exited "
                             f"{result.returncode}\n{result.stdout[-3000:]}\n"
                             f"{result.stderr[-3000:]}")
    return result


def can_read(user: str, path: Path) -> bool:
    """Whether ``user`` can list (folder) or read (file) ``path``, tried as that user."""
    test = ("import os, sys; p = sys.argv[1]; "
            "os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(1)")
    result = run_as(user, [SYSTEM_PYTHON, "-c", test, str(path)], check=False)
    return result.returncode == 0


# -- the two environments ------------------------------------------------------------------------

def _make_venv(folder: Path, install: Sequence[str], digest_of: str, group: str | None) -> Path:
    """A venv from the system's Python (every user can run it; this venv's own interpreter
    lives under /root), built once per ``digest_of`` and reused."""
    stamp = folder / ".hub-env-installed"
    digest = hashlib.sha256(digest_of.encode()).hexdigest()
    python = folder / "bin" / "python"
    if not (stamp.exists() and stamp.read_text() == digest and python.exists()):
        log(f"building {folder} (once; reused while its requirements stay the same)")
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(folder)], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                       check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", *install], check=True)
        stamp.write_text(digest)
    return folder


def _share(folder: Path, group: str | None) -> None:
    """Readable by everyone (students' env) or by one group only (the instructors' env)."""
    gid = None if group is None else grp.getgrnam(group).gr_gid
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode & 0o7777
        keep_x = path.is_dir() or mode & 0o100
        if gid is None:
            path.chmod(mode | 0o044 | (0o011 if keep_x else 0))
        else:
            os.chown(path, 0, gid)
            path.chmod((mode & 0o700) | 0o040 | (0o010 if keep_x else 0))


def student_env(wheel: Path) -> Path:
    """The single-user servers' venv: JupyterLab, nbgrader, JupyterHub and the course wheel
    (no key). The wheel is reinstalled every time (it is rebuilt with the course)."""
    reqs = student_requirements()
    env = _make_venv(STUDENT_ENV, [str(wheel), *reqs], "\n".join(reqs), None)
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet",
                    "--force-reinstall", "--no-deps", str(wheel)], check=True)
    _share(env, None)
    return env


def instructor_env(group: str, extras: Sequence[str] = ()) -> Path:
    """The instructors' venv: the full package (with the key) installed from this checkout,
    plus JupyterHub and psycopg, and the requirements of ``extras`` (e.g. ``lti``, as an
    instructor installs ``sourcewise[lti]``); only members of ``group`` can read it."""
    reqs = [f"jupyterhub=={_jupyterhub_version()}", f"psycopg[binary]=={_psycopg_version()}"]
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = _make_venv(INSTRUCTOR_ENV, [str(ROOT), *reqs], "\n".join([*deps, *reqs]), group)
    # This checkout's current code, not an editable link (which would point students at it).
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet",
                    "--force-reinstall", "--no-deps", str(ROOT)], check=True)
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get(
        "optional-dependencies", {})
    more = [req for extra in extras for req in optional[extra]]
    if more:  # on top, so the shared base environment is not rebuilt for them
        subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet", *more],
                       check=True)
    _share(env, group)
    return env


def make_people(base: Path, instructors: Sequence[str], students: Sequence[str],
                extras: Sequence[str] = ()) -> Path:
    """The system users (instructors in the instructors' group), the instructors'
    environment (with ``extras``) and the shared exchange under ``base``; returns the
    exchange."""
    ensure_group(INSTRUCTOR_GROUP)
    for user in instructors:
        ensure_user(user, groups=[INSTRUCTOR_GROUP])
    for user in students:
        ensure_user(user)
    instructor_env(INSTRUCTOR_GROUP, extras)
    return make_exchange(base)


# -- nbgrader's exchange and configs ------------------------------------------------------------

def make_exchange(base: Path) -> Path:
    """The shared exchange folder: everyone may create entries, nobody may delete others'."""
    exchange = base / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o1777)
    return exchange


def exchange_config(exchange: Path, *, hub_auth: bool) -> str:
    """The nbgrader settings both sides share (the students' also ask the hub for groups)."""
    lines = [f"c.Exchange.root = {str(exchange)!r}",
             "c.Exchange.path_includes_course = True"]
    if hub_auth:
        lines.append("c.Authenticator.plugin_class = "
                     "'nbgrader.auth.jupyterhub.JupyterHubAuthPlugin'")
    return "\n".join(lines) + "\n"


def student_config_dir(base: Path, exchange: Path) -> Path:
    """``JUPYTER_CONFIG_PATH`` for the single-user servers (on a real hub: /etc/jupyter)."""
    folder = base / "etc-jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n" + exchange_config(exchange, hub_auth=True))
    # Students get the assignment list and validate button, not the instructor's tools.
    (folder / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}))
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


# -- the hub ----------------------------------------------------------------------------------

HUB_CONFIG = '''\
"""JupyterHub for a Sourcewise course (written by tests/hub/hub_driver.py)."""
c = get_config()  # noqa: F821

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True

{authenticator}

# Each user's server runs as that system user, from the students' environment (no key).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {{
    "PATH": {student_path!r},
    "JUPYTER_CONFIG_PATH": {config_path!r},  # nbgrader_config.py: the exchange, hub groups
}}
c.Spawner.start_timeout = 300  # a loaded CI machine starts servers slowly
c.Spawner.http_timeout = 300
c.Spawner.mem_limit = "1G"  # LocalProcessSpawner only reports it; Kubernetes enforces it

# nbgrader's groups: a student of course X is in nbgrader-X, its instructors in formgrade-X
# (set here for the password login; an LTI login sets them from the LMS's course roles).
c.JupyterHub.load_groups = {groups!r}
c.JupyterHub.load_roles = [
    # nbgrader's JupyterHubAuthPlugin reads the user's groups with the server's token.
    {{"name": "server", "scopes": ["inherit"]}},
    {{"name": "test-driver", "services": ["test-driver"],
     "scopes": ["admin:users", "admin:servers", "tokens", "admin:groups", "list:users",
                "read:users"]}},
]
c.JupyterHub.services = [{{"name": "test-driver", "api_token": {admin_token!r}}}]
'''

SHARED_PASSWORD = """\
# One shared password for the class (JupyterHub >= 5.1); on a real hub use PAM, LTI or OAuth.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = {users!r}
"""

LTI13 = """\
# Login from the LMS (LTI 1.3, grading/course/DEPLOY.md section 7): the hub name is the
# platform's stable user id, the course roles put the user in nbgrader's groups.
c.JupyterHub.authenticator_class = (
    "sourcewise.grading.course.lms.hub_lti.SourcewiseLTI13Authenticator")
c.SourcewiseLTI13Authenticator.issuer = {issuer!r}
c.SourcewiseLTI13Authenticator.client_id = [{client_id!r}]
c.SourcewiseLTI13Authenticator.authorize_url = {issuer!r} + "/auth"
c.SourcewiseLTI13Authenticator.jwks_endpoint = {issuer!r} + "/jwks"
c.SourcewiseLTI13Authenticator.uri_scheme = "http"  # the test hub has no TLS
c.SourcewiseLTI13Authenticator.course_id = {course_id!r}
c.SourcewiseLTI13Authenticator.context_id = {context_id!r}
c.Authenticator.manage_groups = True
c.Authenticator.allow_all = True  # whoever the LMS launches with a course role
"""


def lti13_login(issuer: str, client_id: str, context_id: str) -> str:
    """The authenticator lines of a hub that students launch from an LTI 1.3 platform."""
    return LTI13.format(issuer=issuer, client_id=client_id, context_id=context_id,
                        course_id=COURSE_ID)


@dataclass
class Hub:
    """A running JupyterHub on 127.0.0.1 (``start`` / ``stop``); ``url`` is the proxy's."""

    base: Path
    students: list[str]
    instructors: list[str]
    env: Path
    exchange: Path
    port: int = field(default_factory=free_port)
    admin_token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    extra_config: str = ""  # more lines of jupyterhub_config.py (e.g. a managed service)
    authenticator: str = ""  # its lines (lti13_login); default: the shared password

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self) -> Path:
        return self.base / "hub"

    def config_text(self) -> str:
        config_dir = student_config_dir(self.base, self.exchange)
        return HUB_CONFIG.format(
            port=self.port, hub_port=free_port(), proxy_api_port=free_port(), chp=str(CHP),
            proxy_token=secrets.token_hex(16), state=self.state,
            authenticator=self.authenticator or SHARED_PASSWORD.format(
                password=PASSWORD, users=set(self.students + self.instructors)),
            singleuser=str(self.env / "bin" / "jupyterhub-singleuser"),
            student_path=f"{self.env / 'bin'}:{SYSTEM_PATH}", config_path=str(config_dir),
            groups={} if self.authenticator else {
                f"nbgrader-{COURSE_ID}": {"users": self.students},
                f"formgrade-{COURSE_ID}": {"users": self.instructors}},
            admin_token=self.admin_token) + self.extra_config

    def start(self, timeout: float = 180) -> Hub:
        self.state.mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o700)
        config = self.state / "jupyterhub_config.py"
        config.write_text(self.config_text())
        self.log = (self.state / "hub.log").open("wb")
        env = dict(os.environ, PATH=f"{INSTRUCTOR_BIN}:{os.environ.get('PATH', SYSTEM_PATH)}")
        self.process = subprocess.Popen(
            [str(INSTRUCTOR_BIN / "jupyterhub"), "-f", str(config)], cwd=self.state,
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited:\n{self.log_tail()}")
            with contextlib.suppress(Exception):
                if self.api_sync("GET", "/")["version"]:
                    return self
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        path = self.state / "hub.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGTERM: the hub stops every user's server (cleanup_servers) and its proxy.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.log.close()

    # -- the hub's REST API, as the test's admin service ---------------------------------------
    def api_sync(self, method: str, path: str, body: Any = None) -> Any:
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.admin_token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def login(self, user: str, password: str) -> int:
        """Log in through the hub's login form as a browser does; the HTTP status of the POST
        (302 to the user's server when the password is right, 403 when it is not)."""
        import http.cookiejar
        import re
        import urllib.error
        import urllib.parse
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                             NoRedirect())
        with opener.open(f"{self.url}/hub/login", timeout=30) as response:
            page = response.read().decode()
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page)
        form = {"username": user, "password": password}
        if xsrf:
            form["_xsrf"] = xsrf.group(1)
        request = urllib.request.Request(f"{self.url}/hub/login?next=",
                                         data=urllib.parse.urlencode(form).encode())
        try:
            with opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    def user_token(self, user: str) -> str:
        """An API token of ``user`` (what their browser session would carry)."""
        if user not in self.tokens:
            self.tokens[user] = self.api_sync("POST", f"/users/{user}/tokens",
                                              {"note": "hub test", "expires_in": 3600})["token"]
        return self.tokens[user]

    def server_pid(self, user: str) -> int | None:
        model = self.api_sync("GET", f"/users/{user}")
        state = (model.get("servers") or {}).get("", {}).get("state") or {}
        return state.get("pid")


# -- a user's own server, over HTTP ------------------------------------------------------------

class UserClient:
    """One user acting through the hub's proxy with their own token (async, tornado)."""

    def __init__(self, hub: Hub, user: str) -> None:
        from tornado.httpclient import AsyncHTTPClient

        AsyncHTTPClient.configure(None, max_clients=200)
        self.hub, self.user = hub, user
        self.token = hub.user_token(user)
        self.http = AsyncHTTPClient()
        self.timings: list[tuple[str, float]] = []

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.user}"

    async def request(self, method: str, url: str, body: Any = None, *, label: str = "",
                      timeout: float = 120, ok: Iterable[int] = (200, 201, 202, 204)) -> Any:
        from tornado.httpclient import HTTPClientError

        headers = {"Authorization": f"token {self.token}"}
        payload = None if body is None else json.dumps(body)
        if method in ("POST", "PUT", "PATCH") and payload is None:
            payload = ""
        started = time.perf_counter()
        try:
            response = await self.http.fetch(url, method=method, body=payload, headers=headers,
                                              request_timeout=timeout, follow_redirects=False,
                                              raise_error=False)
        except HTTPClientError as err:  # pragma: no cover - raise_error=False
            raise AssertionError(f"{self.user}: {method} {url}: {err}") from err
        self.timings.append((label or method, time.perf_counter() - started))
        if response.code not in set(ok):
            raise AssertionError(f"{self.user}: {method} {url} -> {response.code}: "
                                 f"{(response.body or b'')[:500]!r}")
        return json.loads(response.body) if response.body else None

    async def hub_api(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        return await self.request(method, f"{self.hub.url}/hub/api{path}", body, **kw)

    async def start_server(self, timeout: float = 300) -> float:
        """Ask the hub for this user's server (as the user would) and wait until it answers."""
        started = time.perf_counter()
        await self.hub_api("POST", f"/users/{self.user}/server", label="spawn request",
                           ok=(201, 202, 400))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = await self.hub_api("GET", f"/users/{self.user}", label="hub user model")
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return time.perf_counter() - started
            await asyncio.sleep(0.5)
        raise AssertionError(f"{self.user}'s server did not start in {timeout} s:\n"
                             f"{self.hub.log_tail()}")

    async def stop_server(self) -> None:
        await self.hub_api("DELETE", f"/users/{self.user}/server", ok=(202, 204))

    # nbgrader's assignment-list server extension (what the labextension's panel calls)
    async def assignments(self) -> list[dict[str, Any]]:
        reply = await self.request("GET", f"{self.server}/assignments?course_id={COURSE_ID}",
                                   label="assignment list")
        assert reply["success"], reply
        return reply["value"]

    async def assignment_action(self, action: str, lesson: str) -> list[dict[str, Any]]:
        reply = await self.request("POST", f"{self.server}/assignments/{action}",
                                   {"course_id": COURSE_ID, "assignment_id": lesson},
                                   label=f"assignment {action}")
        assert reply.get("success"), reply
        return reply["value"]

    async def contents(self, path: str = "") -> dict[str, Any]:
        return await self.request("GET", f"{self.server}/api/contents/{path}",
                                  label="contents")

    async def save_notebook(self, path: str, notebook: dict[str, Any]) -> None:
        await self.request("PUT", f"{self.server}/api/contents/{path}",
                           {"type": "notebook", "format": "json", "content": notebook},
                           label="save notebook")

    async def open_session(self, path: str) -> Kernel:
        """Open a notebook's kernel as the Lab front end does (a session for its path)."""
        model = await self.request("POST", f"{self.server}/api/sessions",
                                   {"path": path, "type": "notebook", "name": path,
                                    "kernel": {"name": "python3"}}, label="open session")
        kernel = Kernel(self, model["kernel"]["id"], model["id"])
        await kernel.connect()
        return kernel

    async def close_session(self, kernel: Kernel) -> None:
        kernel.close()
        await self.request("DELETE", f"{self.server}/api/sessions/{kernel.session_id}",
                           label="close session")


class Kernel:
    """A kernel reached through the user's server's websocket (Jupyter messaging, JSON)."""

    def __init__(self, client: UserClient, kernel_id: str, session_id: str) -> None:
        self.client, self.id, self.session_id = client, kernel_id, session_id
        self.session = uuid.uuid4().hex
        self.conn: Any = None

    async def connect(self) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = self.client.server.replace("http://", "ws://") + \
            f"/api/kernels/{self.id}/channels?session_id={self.session}"
        self.conn = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {self.client.token}"},
                        request_timeout=60), max_message_size=64 * 1024 * 1024)

    async def execute(self, code: str, timeout: float = 120) -> dict[str, Any]:
        """Run ``code``; ``{"status", "stdout", "stderr", "error"}`` once the kernel is idle."""
        msg_id = uuid.uuid4().hex
        await self.conn.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "",
                       "session": self.session, "version": "5.3",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        out: dict[str, Any] = {"status": None, "stdout": "", "stderr": "", "error": ""}
        idle = False
        deadline = time.monotonic() + timeout
        while out["status"] is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.client.user}: cell still running after {timeout} s")
            raw = await asyncio.wait_for(self.conn.read_message(), left)
            if raw is None:
                raise ConnectionError(f"{self.client.user}: kernel websocket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                out[content["name"]] += content["text"]
            elif kind == "error":
                out["error"] = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                out["status"] = content["status"]
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return out

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# -- a student's work: run the lesson, answer with the widgets' models --------------------------

# Runs in the student's kernel after the lesson's cells: every widget on the page gets answers
# through its plain model (as clicks would make them), then push() saves them to the store.
ANSWER_CODE = '''
import random as _random
from sourcewise.widgets.persistent_view import PersistentView as _View
_rng = _random.Random({seed!r})
_answered = []
for _name, _w in sorted(list(globals().items())):
    if not isinstance(_w, _View) or _name.startswith("_"):
        continue
    _m = _w.model
    _kind = type(_m).__name__
    if _kind == "AnnotationModel":
        for _unit in _rng.sample([u.id for u in _m.article.units], 6):
            _m.toggle_unit(_unit, _rng.choice(_m.labels))
    elif _kind == "GridSet":
        for _gid, _g in _m.grids.items():
            for _row in _g.rows:
                for _col in _g.columns:
                    if _rng.random() < 0.85:
                        _m.choose(_gid, _row, _col, _rng.choice(_g.options[_col]))
    elif _kind == "ConfidenceModel":
        for _claim in _m.claims:
            _m.judge(_claim, _rng.choice([5, 20, 35, 50, 65, 80, 95]), "from the sourcing")
    else:
        continue
    _w.push()
    _answered.append(_w.question_id)
print(sorted(_answered))
'''


async def run_lesson(client: UserClient, notebook_path: str, seed: str,
                     *, save_notebook: bool = True, before_close: Any = None
                     ) -> dict[str, Any]:
    """Open a fetched lesson, run every code cell in the user's kernel, answer every widget
    with its model and save; returns what was answered and the time each step took."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    model = await client.request("GET", f"{client.server}/api/contents/{notebook_path}",
                                 label="open notebook")
    notebook = model["content"]
    timings["open"] = time.perf_counter() - started
    started = time.perf_counter()
    kernel = await client.open_session(notebook_path)
    timings["kernel"] = time.perf_counter() - started
    started = time.perf_counter()
    try:
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            result = await kernel.execute(source)
            if result["status"] != "ok":
                raise AssertionError(f"{client.user}: a cell of {notebook_path} failed: "
                                     f"{result['error']}\n{source[:300]}")
        timings["run_all"] = time.perf_counter() - started
        started = time.perf_counter()
        result = await kernel.execute(ANSWER_CODE.format(seed=seed))
        if result["status"] != "ok":
            raise AssertionError(f"{client.user}: answering failed: {result['error']}")
        timings["answer"] = time.perf_counter() - started
        answered = json.loads(result["stdout"].strip().splitlines()[-1].replace("'", '"'))
        if before_close is not None:  # e.g. measure memory while the kernel still runs
            await before_close()
    finally:
        await client.close_session(kernel)
    if save_notebook:
        started = time.perf_counter()
        await client.save_notebook(notebook_path, notebook)
        timings["save"] = time.perf_counter() - started
    return {"answered": answered, "timings": timings}


# -- PostgreSQL ---------------------------------------------------------------------------------

@dataclass
class Postgres:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (Debian's binaries, run as ``postgres``)."""

    folder: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    owner: str = "postgres"

    def _run(self, *cmd: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        full = [str(c) for c in cmd]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            full = ["runuser", "-u", self.owner, "--", *full]
        result = subprocess.run(full, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(full)}: {result.stdout}\n{result.stderr}")
        return result

    def start(self) -> Postgres:
        bin_dir = pg_bin()
        assert bin_dir is not None
        self.bin = bin_dir
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)
        data, pwfile = self.folder / "data", self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.owner)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        self._run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile,
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self._run(bin_dir / "pg_ctl", "-D", data, "-l", self.folder / "server.log", "-w",
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 "
                        f"-c unix_socket_directories={self.folder} -c fsync=off "
                        "-c max_connections=200", "start")
        return self

    def create_database(self, name: str) -> str:
        """A database owned by a login role of the same name; its SQLAlchemy URL."""
        role_password = secrets.token_hex(10)
        for sql in (f"CREATE ROLE {name} LOGIN PASSWORD '{role_password}'",
                    f"CREATE DATABASE {name} OWNER {name}"):
            self._run(self.bin / "psql", "-h", self.folder, "-p", str(self.port), "-U",
                      "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql)
        return f"postgresql://{name}:{role_password}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if getattr(self, "bin", None):
            self._run(self.bin / "pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w",
                      "stop", check=False)


def memory_mb(pid: int) -> float:
    """Resident memory (MB) of a process and all its children (a server and its kernels)."""
    total, todo = 0, [pid]
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        todo += children.get(current, [])
    return total / 1024
