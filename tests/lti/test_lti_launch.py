"""LTI 1.3 launches from a real platform (lti1p3platform) into a real JupyterHub on 127.0.0.1.

The hub is tests/hub's (system users, LocalProcessSpawner, configurable-http-proxy) with
``SourcewiseLTI13Authenticator`` (jupyterhub-ltiauthenticator's LTI 1.3 login); see
``lti_hub.py``. A ``requests`` session plays the browser of each launch.
"""

from __future__ import annotations

import html

import pytest
from lti_hub import GUEST, STUDENTS, TEACHER, hub_user, launch
from platform_app import wait_for

pytestmark = pytest.mark.lti
AALTO, BROOK = STUDENTS


def test_instructor_and_students_launch_into_their_nbgrader_groups(lti_hub):
    for sub, groups in ((TEACHER, ["formgrade-sourcewise", "nbgrader-sourcewise"]),
                        (AALTO, ["nbgrader-sourcewise"]), (BROOK, ["nbgrader-sourcewise"])):
        _, answer, _ = launch(lti_hub, sub)
        assert answer.status_code == 302, answer.text
        assert answer.headers["Location"] == "/hub/"
        assert sorted(hub_user(lti_hub, sub)["groups"]) == groups


def test_a_student_lands_in_their_own_server_with_the_same_name_next_time(lti_hub):
    import requests

    url, token = lti_hub.url, lti_hub.token
    browser, _, _ = launch(lti_hub, AALTO)
    browser, again, _ = launch(lti_hub, AALTO)  # a second launch, days later
    assert again.status_code == 302
    names = [u["name"] for u in requests.get(f"{url}/hub/api/users", timeout=10, headers={
        "Authorization": f"token {token}"}).json()]
    assert names.count(AALTO) == 1
    started = requests.post(f"{url}/hub/api/users/{AALTO}/server", timeout=60,
                            headers={"Authorization": f"token {token}"})
    assert started.status_code in (201, 202, 400), started.text  # 400: running already
    wait_for(lambda: (hub_user(lti_hub, AALTO) or {}).get("servers", {}).get("", {})
             .get("ready", False), timeout=300)
    lab = browser.get(f"{url}/user/{AALTO}/lab", timeout=30)
    assert lab.status_code == 200 and lab.url == f"{url}/user/{AALTO}/lab"
    assert "JupyterLab" in lab.text
    other = browser.get(f"{url}/user/{BROOK}/lab", timeout=30)
    assert other.url != f"{url}/user/{BROOK}/lab"  # never another student's server


@pytest.mark.parametrize(("fault", "code", "says"), [
    ("bad-signature", 400, "Signature verification failed"),
    ("expired", 400, "Signature has expired"),
    ("wrong-aud", 401, "Audience doesn't match"),
])
def test_a_forged_or_stale_launch_is_refused(lti_hub, fault, code, says):
    _, answer, _ = launch(lti_hub, BROOK, fault=fault)
    assert answer.status_code == code
    assert says in html.unescape(answer.text)  # the hub's error page names the reason


def test_a_replayed_launch_is_refused_even_with_its_cookies(lti_hub):
    import requests

    _, first, (action, form, cookies) = launch(lti_hub, AALTO)
    assert first.status_code == 302
    bare = requests.post(action, data=form, allow_redirects=False, timeout=20)
    assert bare.status_code == 400
    assert "OAuth state missing from cookies" in html.unescape(bare.text)
    copied = requests.post(action, data=form, cookies=cookies, allow_redirects=False,
                           timeout=20)
    assert copied.status_code == 403
    assert "used already (replayed nonce)" in html.unescape(copied.text)


def test_staff_without_a_role_in_the_course_is_refused(lti_hub):
    _, answer, _ = launch(lti_hub, GUEST)
    assert answer.status_code == 403
    assert "no learner or instructor role in this course" in html.unescape(answer.text)
    assert hub_user(lti_hub, GUEST) is None
