"""template.yaml passes cfn-lint, and `sam build` (no container) makes a bundle whose
handler answers a LaunchRequest when imported from the build folder by a fresh
interpreter of the function's runtime."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from alexa import ROOT, envelope, request

BIN = Path(sys.executable).parent


class CfnLoader(yaml.SafeLoader):
    pass


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def template() -> dict:
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=CfnLoader)


def runtime_python() -> str | None:
    """The interpreter matching the template's runtime (pythonX.Y), if this machine has it."""
    version = template()["Resources"]["SkillFunction"]["Properties"]["Runtime"].removeprefix("python")
    env = {**os.environ, "PYENV_VERSION": os.environ.get("PYENV_VERSION", "3.11.7:3.12.1:3.13.0")}
    found = shutil.which(f"python{version}", path=env.get("PATH"))
    candidates = [found] if found else []
    candidates += sorted(Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}"))
    for candidate in candidates:
        if candidate and subprocess.run([str(candidate), "-c", "pass"], env=env, capture_output=True).returncode == 0:
            return str(candidate)
    return None


def test_template_passes_cfn_lint():
    result = subprocess.run([str(BIN / "cfn-lint"), str(ROOT / "template.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_grants_only_the_item_operations_the_code_uses():
    props = template()["Resources"]["SkillFunction"]["Properties"]
    actions = set(props["Policies"][0]["Statement"][0]["Action"])
    assert actions == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
    source = (ROOT / "skill" / "persistence" / "dynamodb.py").read_text()
    for action in actions:
        operation = {"GetItem": "get_item", "PutItem": "put_item", "DeleteItem": "delete_item"}[action.split(":")[1]]
        assert f'"{operation}"' in source
    table = template()["Resources"]["HouseholdTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["Architectures"] == ["arm64"]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sam") / "build"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "SAM_CLI_TELEMETRY": "0"}
    result = subprocess.run(
        [str(BIN / "sam"), "build", "--template", str(ROOT / "template.yaml"), "--build-dir", str(out)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "SkillFunction"


def test_bundle_has_no_web_stack_and_no_tests(build_dir):
    assert (build_dir / "app.py").exists() and (build_dir / "skill" / "app.py").exists()
    assert (build_dir / "skill" / "speech" / "en-US" / "core.json").exists()
    for unwanted in ("flask", "werkzeug", "tests", "skill/web", "moto", "boto3"):
        assert not (build_dir / unwanted).exists(), unwanted


def test_built_handler_answers_a_launch_request(build_dir, tmp_path):
    python = runtime_python()
    if python is None:
        pytest.skip("this machine has no interpreter matching the template's Lambda runtime; "
                    "install it (e.g. pyenv) to run this test")
    event = envelope(request("LaunchRequest"), session={
        "new": True, "sessionId": "s1", "application": {"applicationId": "x"},
        "user": {"userId": "amzn1.ask.account.BUILD"}, "attributes": {}})
    code = "import json, sys, app; print(json.dumps(app.handler(json.load(sys.stdin), None)))"
    env = {"PATH": os.environ["PATH"], "HEART_DB_PATH": str(tmp_path / "h.sqlite3"), "PYTHONNOUSERSITE": "1",
           "PYENV_VERSION": "3.11.7:3.12.1:3.13.0", "HOME": os.environ.get("HOME", "/root")}
    result = subprocess.run([python, "-I", "-c", code.replace("import json, sys, app", "import sys; sys.path.insert(0, '.'); import json, app")],
                            input=json.dumps(event), capture_output=True, text=True, cwd=build_dir, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout.strip().splitlines()[-1])
    assert "Welcome to Heart to Heart" in response["response"]["outputSpeech"]["ssml"]
    assert response["response"]["shouldEndSession"] is False
