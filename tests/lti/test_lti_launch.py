"""LTI 1.3 launches from a real platform (lti1p3platform) into a real JupyterHub on 127.0.0.1.

The hub runs ``SourcewiseLTI13Authenticator`` (jupyterhub-ltiauthenticator's LTI 1.3 login)
behind configurable-http-proxy; a ``requests`` session plays the browser: it follows the
LMS link to the hub's login initiation, the redirect to the platform's authorisation
endpoint, and posts the platform's form (id_token and state) back to the hub.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from platform_app import CLIENT_ID, CONTEXT_ID, INSTRUCTOR, LEARNER, PlatformServer, wait_for

pytestmark = pytest.mark.lti

VENV_BIN = Path(sys.executable).parent
CHP = Path(os.environ.get("SOURCEWISE_VENV", Path(__file__).resolve().parents[2] / ".venv")
           ) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
HUB_CONFIG = '''\
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/cookie_secret"
c.JupyterHub.authenticator_class = (
    "sourcewise.grading.course.lms.hub_lti.SourcewiseLTI13Authenticator")
c.SourcewiseLTI13Authenticator.issuer = {issuer!r}
c.SourcewiseLTI13Authenticator.client_id = [{client_id!r}]
c.SourcewiseLTI13Authenticator.authorize_url = {issuer!r} + "/auth"
c.SourcewiseLTI13Authenticator.jwks_endpoint = {issuer!r} + "/jwks"
c.SourcewiseLTI13Authenticator.uri_scheme = "http"
c.SourcewiseLTI13Authenticator.course_id = "sourcewise"
c.SourcewiseLTI13Authenticator.context_id = {context!r}
c.Authenticator.manage_groups = True
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]  # the test runs as root
c.SimpleLocalProcessSpawner.home_dir_template = "{state}/homes/{{username}}"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.load_roles = [{{"name": "driver", "services": ["driver"],
                            "scopes": ["admin:users", "admin:servers", "list:users",
                                       "read:users", "admin:groups"]}}]
c.JupyterHub.services = [{{"name": "driver", "api_token": {token!r}}}]
'''


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    if not CHP.exists():
        pytest.fail(f"configurable-http-proxy missing at {CHP} (python3 .ci/services.py)",
                    pytrace=False)
    import requests

    state = tmp_path_factory.mktemp("hub")
    (state / "homes").mkdir()
    port, token = _port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    platform = PlatformServer(tool_jwks={"keys": []}, hub_url=url)
    platform.add_member("teacher", "Terry Teacher", INSTRUCTOR)
    platform.add_member("aalto", "Aino Aalto", LEARNER)
    platform.add_member("brook", "Ben Brook", LEARNER)
    platform.add_member("guest", "Gus Guest", "http://purl.imsglobal.org/vocab/lis/v2/"
                        "institution/person#Instructor")  # staff, but no role in this course
    (state / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        port=port, hub_port=_port(), api_port=_port(), chp=str(CHP), state=state,
        issuer=platform.url, client_id=CLIENT_ID, context=CONTEXT_ID, token=token,
        singleuser=str(VENV_BIN / "jupyterhub-singleuser")))
    env = dict(os.environ, PATH=f"{VENV_BIN}:{os.environ['PATH']}")
    log = (state / "hub.log").open("wb")
    process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f",
                                str(state / "jupyterhub_config.py")], cwd=state, env=env,
                               stdout=log, stderr=subprocess.STDOUT)

    def up() -> bool:
        try:
            return requests.get(f"{url}/hub/api/", timeout=2).status_code == 200
        except requests.RequestException:
            return process.poll() is not None
    try:
        wait_for(up, timeout=90)
        assert process.poll() is None, (state / "hub.log").read_text()[-3000:]
        yield url, platform, token, state
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        platform.stop()
        log.close()


def _launch(url: str, platform: PlatformServer, sub: str, *, fault: str = ""):
    """Click the LMS link as ``sub``: returns (session, hub's answer to the form post, form)."""
    import requests

    browser = requests.Session()
    platform.launch_fault = fault
    try:
        to_platform = browser.get(platform.login_url(sub), allow_redirects=False, timeout=10)
        assert to_platform.status_code == 302, to_platform.text
        page = browser.get(to_platform.headers["Location"], timeout=10)
        assert page.status_code == 200, page.text
    finally:
        platform.launch_fault = ""
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    cookies = dict(browser.cookies)  # the state and nonce cookies, before the hub clears them
    answer = browser.post(action, data=form, allow_redirects=False, timeout=20)
    return browser, answer, (action, form, cookies)


def _user(url: str, token: str, name: str) -> dict | None:
    import requests

    answer = requests.get(f"{url}/hub/api/users/{name}", timeout=10,
                          headers={"Authorization": f"token {token}"})
    return answer.json() if answer.status_code == 200 else None


def test_instructor_and_students_launch_into_their_nbgrader_groups(hub):
    url, platform, token, _ = hub
    for sub, groups in (("teacher", ["formgrade-sourcewise", "nbgrader-sourcewise"]),
                        ("aalto", ["nbgrader-sourcewise"]), ("brook", ["nbgrader-sourcewise"])):
        _, answer, _ = _launch(url, platform, sub)
        assert answer.status_code == 302, answer.text
        assert answer.headers["Location"] == "/hub/"
        assert sorted(_user(url, token, sub)["groups"]) == groups


def test_a_student_lands_in_their_own_server_with_the_same_name_next_time(hub):
    import requests

    url, platform, token, _ = hub
    browser, _, _ = _launch(url, platform, "aalto")
    browser, again, _ = _launch(url, platform, "aalto")  # a second launch, days later
    assert again.status_code == 302
    names = [u["name"] for u in requests.get(f"{url}/hub/api/users", timeout=10, headers={
        "Authorization": f"token {token}"}).json()]
    assert names.count("aalto") == 1
    started = requests.post(f"{url}/hub/api/users/aalto/server", timeout=60,
                            headers={"Authorization": f"token {token}"})
    assert started.status_code in (201, 202), started.text
    wait_for(lambda: (_user(url, token, "aalto") or {}).get("servers", {}).get("", {})
             .get("ready", False), timeout=120)
    lab = browser.get(f"{url}/user/aalto/lab", timeout=30)
    assert lab.status_code == 200 and lab.url == f"{url}/user/aalto/lab"
    assert "JupyterLab" in lab.text
    other = browser.get(f"{url}/user/brook/lab", timeout=30)
    assert other.url != f"{url}/user/brook/lab"  # never another student's server


@pytest.mark.parametrize(("fault", "code", "says"), [
    ("bad-signature", 400, "Signature verification failed"),
    ("expired", 400, "Signature has expired"),
    ("wrong-aud", 401, "Audience doesn't match"),
])
def test_a_forged_or_stale_launch_is_refused(hub, fault, code, says):
    url, platform, _, _ = hub
    _, answer, _ = _launch(url, platform, "brook", fault=fault)
    assert answer.status_code == code
    assert says in html.unescape(answer.text)  # the hub's error page names the reason


def test_a_replayed_launch_is_refused_even_with_its_cookies(hub):
    import requests

    url, platform, _, _ = hub
    _, first, (action, form, cookies) = _launch(url, platform, "aalto")
    assert first.status_code == 302
    bare = requests.post(action, data=form, allow_redirects=False, timeout=20)
    assert bare.status_code == 400
    assert "OAuth state missing from cookies" in html.unescape(bare.text)
    copied = requests.post(action, data=form, cookies=cookies, allow_redirects=False,
                           timeout=20)
    assert copied.status_code == 403
    assert "used already (replayed nonce)" in html.unescape(copied.text)


def test_staff_without_a_role_in_the_course_is_refused(hub):
    url, platform, token, _ = hub
    _, answer, _ = _launch(url, platform, "guest")
    assert answer.status_code == 403
    assert "no learner or instructor role in this course" in html.unescape(answer.text)
    assert _user(url, token, "guest") is None
