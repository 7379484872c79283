"""Lambda bundles for the benchmarks: ours from ``sam build``, the reference with pip
the same way lambda/Makefile does it, each with and without boto3, and a folder that
stands in for the Lambda runtime's own (precompiled) boto3.

On Lambda the function's folder is read-only, so a bundle without ``.pyc`` files for
the runtime's Python compiles what it imports on every cold start. Ours ships them
(lambda/Makefile compiles with the runtime's interpreter); the reference, built the
usual way, does not; the runtime's boto3 comes precompiled. The benchmark reproduces
exactly that: the runtime's interpreter (template.yaml's
``Runtime``) started with ``-I -B`` and a ``sys.path`` of the bundle, then this
runtime folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .ddb import _CfnLoader

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
# What Lambda's Python runtime already provides (boto3 and what only it needs).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
PYENV_VERSIONS = "3.11.7:3.12.1:3.13.0"


def template_runtime() -> str:
    """``3.13`` for ``Runtime: python3.13``."""
    import yaml

    template = yaml.load((ROOT / "template.yaml").read_text(encoding="utf-8"), Loader=_CfnLoader)
    return template["Resources"]["SkillFunction"]["Properties"]["Runtime"].removeprefix("python")


def lambda_platform() -> tuple[str, str]:
    """(platform, python version) as lambda/Makefile installs for."""
    text = (ROOT / "lambda" / "Makefile").read_text(encoding="utf-8")
    platform = re.search(r"^LAMBDA_PLATFORM \?= (\S+)", text, re.M)
    version = re.search(r"^LAMBDA_PYTHON_VERSION \?= (\S+)", text, re.M)
    return (platform.group(1) if platform else "manylinux2014_aarch64", version.group(1) if version else "3.13")


def tool_env() -> dict:
    """PATH with the venv's tools first; pyenv may serve the runtime's interpreter."""
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYENV_VERSION": os.environ.get("PYENV_VERSION", PYENV_VERSIONS),
        "SAM_CLI_TELEMETRY": "0",
    }


def runtime_python(version: str | None = None) -> str | None:
    """The real path of an interpreter matching the Lambda runtime, or None."""
    version = version or template_runtime()
    env = tool_env()
    candidates = [shutil.which(f"python{version}", path=env["PATH"])]
    candidates += [str(p) for p in sorted(Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}"))]
    for candidate in candidates:
        if not candidate:
            continue
        found = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable)"], env=env, capture_output=True, text=True
        )
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.strip()
    return None


def _run(command: list[str], what: str, **options) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=tool_env(), timeout=900, **options)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def pip_target(dest: Path, *requirements: str) -> None:
    """``pip install --target`` for the Lambda platform, as lambda/Makefile does."""
    platform, version = lambda_platform()
    _run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
            "--no-warn-conflicts", "--platform", platform, "--implementation", "cp", "--python-version", version,
            "--only-binary=:all:", "--target", str(dest), *requirements,
        ],
        f"pip install --target {dest.name}",
    )


def build_ours(work: Path) -> Path:
    """``sam build`` with template.yaml: the function folder, exactly as deployed."""
    out = work / "sam"
    shutil.rmtree(out, ignore_errors=True)
    _run(
        [str(BIN / "sam"), "build", "--template", str(ROOT / "template.yaml"), "--build-dir", str(out)],
        "sam build",
        cwd=ROOT,
    )
    return out / "SkillFunction"


def build_reference(work: Path) -> Path:
    """The reference bundle, the usual way: its requirements (boto3 comes with the
    adapter) and its app.py, installed like lambda/Makefile installs ours."""
    out = work / "reference"
    shutil.rmtree(out, ignore_errors=True)
    pip_target(out, "-r", str(REFERENCE_DIR / "requirements.txt"))
    shutil.copy2(REFERENCE_DIR / "app.py", out / "app.py")
    return out


def _is_runtime_provided(name: str) -> bool:
    base = re.split(r"[-.]", name, maxsplit=1)[0].lower()
    return base in RUNTIME_PROVIDED


def without_boto3(bundle: Path, dest: Path) -> Path:
    """A copy of ``bundle`` without boto3, botocore, s3transfer and jmespath."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(bundle, dest, ignore=lambda folder, names: [n for n in names if Path(folder) == bundle and _is_runtime_provided(n)])
    return dest


def with_boto3(bundle: Path, dest: Path, work: Path) -> Path:
    """A copy of ``bundle`` with boto3 (and what it needs) installed into it."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(bundle, dest)
    extra = work / "boto3-only"
    shutil.rmtree(extra, ignore_errors=True)
    pip_target(extra, "boto3")
    for entry in extra.iterdir():
        if not (dest / entry.name).exists():
            shutil.move(str(entry), dest / entry.name)
    shutil.rmtree(extra, ignore_errors=True)
    return dest


def runtime_boto3(work: Path, python: str) -> Path:
    """Stands in for the Lambda runtime's boto3: installed for the runtime, then
    compiled by the runtime's interpreter (the runtime ships it precompiled)."""
    out = work / "runtime"
    shutil.rmtree(out, ignore_errors=True)
    pip_target(out, "boto3")
    _run([python, "-m", "compileall", "-q", str(out)], "compileall (runtime boto3)")
    return out


def precompiled_copy(bundle: Path, dest: Path, python: str) -> Path:
    """A copy of ``bundle`` with .pyc files for ``python`` (what-if: not how we build)."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(bundle, dest)
    subprocess.run([python, "-m", "compileall", "-q", str(dest)], capture_output=True, env=tool_env(), timeout=600)
    return dest


def remove_bytecode(folder: Path) -> None:
    """No __pycache__ anywhere in a bundle: Lambda would find none."""
    for cache in list(folder.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files): the sum of the files' sizes, unzipped, as Lambda counts them."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def disk_usage_kb(folder: Path) -> int | None:
    """``du -sk``: blocks on this machine's filesystem (a little more than the bytes)."""
    if not shutil.which("du"):
        return None
    result = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True)
    try:
        return int(result.stdout.split()[0])
    except (IndexError, ValueError):
        return None
