"""``make bench``: Heart to Heart against the smallest persistent ask-sdk skill.

Both skills are measured in the same run, on the same machine, against the same
DynamoDB server on loopback (moto), and reported as ours / reference / ratio:

* cold start: importing the Lambda handler module in a fresh interpreter (median of
  repeated runs), and the first turn right after it (what moves where when imports
  are deferred);
* warm turn: median and p99 handler time per turn over a scripted ten-turn session;
* DynamoDB requests per ten-turn session, counted as real HTTP requests by a proxy;
* peak memory (ru_maxrss) of a process that imported the handler and ran sessions;
* the bundle size, unzipped, with and without boto3.

By default the skills run as on Lambda: the runtime's interpreter (template.yaml),
started isolated (``-I``) and unable to write bytecode (``-B``, Lambda's code folder
is read-only), with the built bundle first on ``sys.path`` and a precompiled boto3
standing in for the runtime's. ``--no-build`` (or a machine without that
interpreter) runs them from the source tree in this venv instead, and says so.

Figures go to stdout and to benchmarks/RESULTS.md; raw data to bench-results/.
Timings are reported, never asserted. Only 127.0.0.1 is contacted (plus the package
index when bundles are built).

    .venv/bin/python benchmarks/run.py [--quick] [--no-build] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bundles, child, ddb  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from fake_alexa_api import FakeAlexaApi  # noqa: E402  (the test suite's stand-in for the Alexa APIs)
from fault_proxy import FaultProxy  # noqa: E402  (counts real HTTP requests per DynamoDB operation)

BENCH_DIR = ROOT / "benchmarks"
CHILD = BENCH_DIR / "child.py"
DEFAULT_OUT = BENCH_DIR / "RESULTS.md"
DEFAULT_WORK = ROOT / "bench-results"
CHILD_TIMEOUT_S = 600

# Goals from issue 8.
COLD_START_MAX, COLD_START_TARGET = 1.0, 0.8
WARM_MEDIAN_MAX = 1.5
BUNDLE_MAX_MB = 15.0
MB = 1_000_000
# What the stand-in Alexa API answers for the device's time zone setting.
DEVICE_TIME_ZONE = "America/New_York"


# ---- the scripted sessions ------------------------------------------------------------

REFERENCE_SCRIPT = [{"type": "LaunchRequest"}] + [{"intent": "AMAZON.HelpIntent"}] * 8 + [{"intent": "AMAZON.StopIntent"}]
# Ours, when the question feature is there: what a couple does in a short evening.
OURS_SCRIPT = (
    [{"type": "LaunchRequest"}, {"intent": "AskQuestionIntent"}]
    + [{"intent": "AnotherQuestionIntent"}] * 5
    + [{"intent": "SaveFavouriteIntent"}, {"intent": "AMAZON.HelpIntent"}, {"intent": "AMAZON.StopIntent"}]
)
FEATURE_INTENTS = {"AskQuestionIntent", "AnotherQuestionIntent", "SaveFavouriteIntent"}


def turn_label(turn: dict) -> str:
    return turn.get("intent") or turn.get("type", "LaunchRequest")


@dataclass
class DryRun:
    """The script as our skill answers it on an in-memory store: who answered each
    turn and whether the household record changed (the goal's state-changing turns)."""

    script: list
    answered_by: list = field(default_factory=list)
    changes_state: list = field(default_factory=list)  # per session, per turn
    problems: list = field(default_factory=list)


def dry_run_ours(script: list, api_endpoint: str, sessions: int = 2) -> DryRun:
    """Runs ``script`` through our skill (embedded store) to check it is a real
    session (open until the last turn, feature intents answered by feature handlers)
    and to learn which turns change the household record."""
    from ask_sdk_core.attributes_manager import AttributesManager
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.app import build_skill, handle_event
    from skill.config import Settings
    from skill.handlers import request_handlers
    from skill.persistence.embedded import SqliteStore

    store = SqliteStore(":memory:")
    skill = build_skill(store, settings=Settings(skill_id=child.SKILL_ID, table_name=None, db_path=":memory:"))
    serializer = DefaultSerializer()
    handlers = request_handlers()
    user = "amzn1.ask.account.BENCHDRYRUN"
    result = DryRun(script)

    def record():
        stored = store.load(user)
        return None if stored is None else json.dumps(stored.data, sort_keys=True)

    for number in range(sessions):
        session = child.new_session(user)
        changes = []
        for index, turn in enumerate(script):
            event = child.build_event(turn, session, user, api_endpoint)
            envelope = serializer.deserialize(json.dumps(event), RequestEnvelope)
            handler_input = HandlerInput(request_envelope=envelope, attributes_manager=AttributesManager(envelope))
            chosen = next((h for h in handlers if h.can_handle(handler_input)), None)
            name = f"{type(chosen).__module__}.{type(chosen).__name__}" if chosen else "none"
            if number == 0:
                result.answered_by.append(name)
            before = record()
            response = handle_event(skill, event)
            changes.append(record() != before)
            session = child.session_after(session, response)
            last = index == len(script) - 1
            if turn_label(turn) in FEATURE_INTENTS and ".builtins." in name:
                result.problems.append(f"{turn_label(turn)} is answered by {name}")
            if (session is None) != last:
                result.problems.append(f"session {'ended' if session is None else 'stayed open'} after turn {index + 1}")
        result.changes_state.append(changes)
    return result


def choose_script(api_endpoint: str) -> tuple[list, DryRun]:
    """Our full evening script if the question feature answers it, else the
    reference's launch / help / stop."""
    checked = dry_run_ours(OURS_SCRIPT, api_endpoint)
    if not checked.problems:
        return OURS_SCRIPT, checked
    fallback = dry_run_ours(REFERENCE_SCRIPT, api_endpoint)
    if fallback.problems:
        raise SystemExit("our skill does not hold a ten-turn session: " + "; ".join(fallback.problems))
    fallback.problems = checked.problems  # kept for the report
    return REFERENCE_SCRIPT, fallback


# ---- running children -----------------------------------------------------------------


@dataclass
class Setup:
    """How one skill is run: interpreter, flags, folders, handler, environment."""

    name: str
    python: str
    flags: list
    entry_dir: Path
    paths: list
    handler: str
    env: dict
    script: list
    api_endpoint: str = child.NO_API
    forbidden: tuple = ()


REFERENCE_FAILURES = ("Sorry, I had trouble",)


def our_failure_sentences() -> tuple:
    """What our skill says when a turn went wrong or could not be saved."""
    from skill.speech import catalogue

    return tuple(
        variant.split("{")[0]
        for key, variants in catalogue("en-US").items()
        if key.split(".")[0] in ("error", "store", "envelope")
        for variant in variants
        if variant.split("{")[0].strip()
    )


def base_env() -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TZ": "UTC",
    }
    return env


def ours_env(endpoint: str) -> dict:
    return {
        **base_env(),
        "HEART_TABLE": ddb.OURS_TABLE,
        "HEART_SKILL_ID": child.SKILL_ID,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
    }


def reference_env(endpoint: str) -> dict:
    return {
        **base_env(),
        "DYNAMODB_PERSISTENCE_TABLE_NAME": ddb.REFERENCE_TABLE,
        "DYNAMODB_PERSISTENCE_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
    }


def run_child(setup: Setup, *, sessions: int = 0, user_id: str | None = None, marker_url: str | None = None,
              endpoint: str | None = None, extra_flags: tuple = (), mark_import: bool = False) -> dict:
    spec = {
        "entry_dir": str(setup.entry_dir),
        "paths": [str(p) for p in setup.paths],
        "module": "app",
        "handler": setup.handler,
        "script": setup.script,
        "sessions": sessions,
        "user_id": user_id,
        "marker_url": marker_url,
        "api_endpoint": setup.api_endpoint,
        "mark_import": mark_import,
        "forbidden": list(setup.forbidden),
    }
    env = dict(setup.env)
    if endpoint:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    result = subprocess.run(
        [setup.python, *setup.flags, *extra_flags, str(CHILD), json.dumps(spec)],
        capture_output=True, text=True, env=env, cwd=str(setup.entry_dir), timeout=CHILD_TIMEOUT_S,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"{setup.name} child failed ({result.returncode}):\n{result.stderr[-4000:]}")
    data = json.loads(lines[-1])
    data["stderr"] = result.stderr
    problems = [e for s in data["sessions"] for e in s["errors"]]
    expected = [True] * (len(setup.script) - 1) + [False]
    problems += [f"session {n + 1} open after each turn: {s['open']}" for n, s in enumerate(data["sessions"])
                 if s["open"] != expected]
    if problems:
        raise RuntimeError(f"{setup.name}: {problems[:3]}\n{result.stderr[-3000:]}")
    return data


def requests_per_turn(log: list, turns_per_session: int) -> list:
    """The proxy's log ``[(number, operation, fault), ...]``, with a ``TurnEnd``
    marker after every turn, as ``[[{operation: count} per turn] per session]``."""
    turns, current = [], {}
    for _, operation, _ in log:
        if operation == child.MARKER_TARGET.rsplit(".", 1)[-1]:
            turns.append(current)
            current = {}
        else:
            current[operation] = current.get(operation, 0) + 1
    if current:
        raise RuntimeError(f"DynamoDB requests after the last turn: {current}")
    return [turns[i:i + turns_per_session] for i in range(0, len(turns), turns_per_session)]


def percentile(values: list, fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def cold_figures(data: dict) -> dict:
    first = data["sessions"][0]["ms"]
    return {"import_ms": data["import_ms"], "first_turn_ms": first[0], "session_ms": sum(first),
            "boto3_at_import": data["boto3_at_import"]}


def importtime_breakdown(setup: Setup, endpoint: str) -> dict:
    """Self import time grouped by package, from ``-X importtime``: while the handler
    module is imported, then during the first session."""
    data = run_child(setup, endpoint=endpoint, extra_flags=("-X", "importtime"), mark_import=True)
    before, _, after = data["stderr"].partition("bench: handler imported")
    return {"import": _group_importtime(before), "first session": _group_importtime(after)}


def _group_importtime(text: str) -> list:
    groups: dict[str, int] = {}
    for line in text.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not match:
            continue
        name = match.group(4)
        top = name.split(".")[0]
        if top in ("ask_sdk_model",) and name.count(".") >= 2:
            top = ".".join(name.split(".")[:3]) if name.startswith("ask_sdk_model.interfaces") else ".".join(name.split(".")[:2])
        elif top == "skill":
            top = ".".join(name.split(".")[:2])
        groups[top] = groups.get(top, 0) + int(match.group(1))
    total = sum(groups.values())
    top = sorted(groups.items(), key=lambda item: -item[1])[:12]
    return [{"module": name, "ms": us / 1000, "share": us / total if total else 0} for name, us in top] + [
        {"module": "(all)", "ms": total / 1000, "share": 1.0}
    ]


# ---- the benchmark --------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"os": f"{platform.system()} {platform.release()} {platform.machine()}", "cpu": cpu,
            "cores": os.cpu_count(), "memory": memory}


def versions(python: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {"runner python": platform.python_version()}
    probe = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    found["measured python"] = probe.stdout.strip()
    for package in ("ask-sdk-core", "ask-sdk-dynamodb-persistence-adapter", "boto3", "moto"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def measure(args) -> dict:
    """Everything, with a stand-in for the Alexa APIs on loopback (our launch asks
    the device's time zone once per household, as it would on a real device)."""
    with FakeAlexaApi(token=child.API_TOKEN) as alexa:
        alexa.reply("GET", "/v2/devices/", 200, DEVICE_TIME_ZONE)
        return _measure(args, alexa)


def _measure(args, alexa) -> dict:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log = (lambda *a: None) if args.silent else (lambda *a: print(*a, file=sys.stderr, flush=True))

    load_before = os.getloadavg()
    script, checked = choose_script(alexa.url)
    log(f"script for ours: {[turn_label(t) for t in script]}")
    results: dict = {
        "quick": args.quick,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "scripts": {"ours": [turn_label(t) for t in script], "reference": [turn_label(t) for t in REFERENCE_SCRIPT]},
        "answered_by": checked.answered_by,
        "script_notes": checked.problems,
        "changes_state": checked.changes_state,
    }

    # -- bundles and how to run each skill
    python = None if args.no_build else bundles.runtime_python()
    builds: dict = {}
    if python:
        log("building bundles (sam build for ours, pip --target for the reference) ...")
        build = work / "build"
        build.mkdir(parents=True, exist_ok=True)
        ours_bundle = bundles.build_ours(build)
        reference_full = bundles.build_reference(build)
        variants = {
            "ours without boto3": ours_bundle,
            "ours with boto3": bundles.with_boto3(ours_bundle, build / "ours-with-boto3", build),
            "reference without boto3": bundles.without_boto3(reference_full, build / "reference-without-boto3"),
            "reference with boto3": reference_full,
        }
        for label, folder in variants.items():
            if label.startswith("reference"):
                # pip compiles for the interpreter that runs it, not the runtime's, so a
                # reference bundle as usually shipped brings no usable bytecode. Ours
                # ships the runtime's own bytecode (lambda/Makefile): measured as built.
                bundles.remove_bytecode(folder)
            size, files = bundles.folder_size(folder)
            builds[label] = {"bytes": size, "files": files, "du_kb": bundles.disk_usage_kb(folder), "path": str(folder)}
        runtime = bundles.runtime_boto3(build, python)
        mode = "lambda"
        flags = ["-I", "-B"]
        ours_setup = Setup("ours", python, flags, variants["ours without boto3"], [runtime], "handler", {}, script)
        reference_setup = Setup("reference", python, flags, variants["reference without boto3"], [runtime],
                                "lambda_handler", {}, REFERENCE_SCRIPT)
        as_shipped = Setup("reference (boto3 bundled)", python, flags, variants["reference with boto3"], [runtime],
                           "lambda_handler", {}, REFERENCE_SCRIPT, forbidden=REFERENCE_FAILURES)
    else:
        mode = "venv"
        python = sys.executable
        flags = ["-P", "-B"]
        ours_setup = Setup("ours", python, flags, ROOT / "lambda", [ROOT], "handler", {}, script)
        reference_setup = Setup("reference", python, flags, BENCH_DIR / "reference", [], "lambda_handler", {},
                                REFERENCE_SCRIPT)
        as_shipped = None
    results["mode"] = mode
    results["bundles"] = builds
    results["versions"] = versions(python)
    results["no_runtime_python"] = not args.no_build and mode == "venv"

    cold_runs = args.cold_runs or (3 if args.quick else 15)
    rounds = args.rounds or (1 if args.quick else 3)
    sessions = args.sessions or (2 if args.quick else 10)

    ours_setup.forbidden = our_failure_sentences()
    reference_setup.forbidden = REFERENCE_FAILURES
    for setup in (ours_setup, reference_setup, as_shipped):
        if setup is not None:
            setup.api_endpoint = alexa.url

    with ddb.dynamodb_on_loopback() as moto_url:
        ours_setup.env = ours_env(moto_url)
        reference_setup.env = reference_env(moto_url)
        if as_shipped:
            as_shipped.env = reference_env(moto_url)
        pair = (ours_setup, reference_setup)

        # -- cold start: a fresh interpreter per run, a new household each time
        log(f"cold start: {cold_runs} fresh interpreters per skill ...")
        cold = {s.name: [] for s in pair}
        for _ in range(cold_runs):
            for setup in pair:  # interleaved, so drift hits both alike
                cold[setup.name].append(cold_figures(run_child(setup)))
        results["cold"] = cold
        if as_shipped and not args.quick:
            results["cold_as_shipped"] = [cold_figures(run_child(as_shipped)) for _ in range(max(3, cold_runs // 3))]

        # -- warm turns: one process per skill and round, first session discarded
        log(f"warm turns: {rounds} round(s) x {sessions} sessions per skill ...")
        warm = {s.name: {"turns": [], "sessions_ms": [], "by_turn": [], "maxrss_kb": []} for s in pair}
        for _ in range(rounds):
            for setup in pair:
                data = run_child(setup, sessions=sessions, user_id=f"amzn1.ask.account.BENCH{uuid.uuid4().hex.upper()}")
                entry = warm[setup.name]
                for session in data["sessions"][1:]:
                    entry["turns"].extend(session["ms"])
                    entry["sessions_ms"].append(sum(session["ms"]))
                    entry["by_turn"].append(session["ms"])
                entry["maxrss_kb"].append(data["maxrss_kb"])
        results["warm"] = warm

        # -- DynamoDB requests, through the counting proxy (tests/fault_proxy.py, no
        #    faults): a new household, then the same household again (a returning
        #    couple, same evening)
        log("DynamoDB requests through the counting proxy ...")
        counts, api_calls = {}, {}
        for setup in pair:
            calls_before = len(alexa.requests)
            proxy = FaultProxy(moto_url)
            try:
                run_child(setup, sessions=1, user_id=f"amzn1.ask.account.BENCH{uuid.uuid4().hex.upper()}",
                          marker_url=proxy.endpoint, endpoint=proxy.endpoint)
                log_entries = list(proxy.log)
            finally:
                proxy.close()
            counts[setup.name] = requests_per_turn(log_entries, len(setup.script))
            api_calls[setup.name] = len(alexa.requests) - calls_before
        results["requests"] = counts
        results["alexa_api_calls"] = api_calls

        # -- where the import time goes
        log("import time breakdown (-X importtime) ...")
        results["importtime"] = {setup.name: importtime_breakdown(setup, moto_url) for setup in pair}

        # -- what-if: both bundles precompiled for the runtime (the reference is not, as usually shipped)
        if mode == "lambda" and not args.quick:
            log("what-if: precompiled bundles ...")
            whatif = {}
            for setup in pair:
                compiled = bundles.precompiled_copy(setup.entry_dir, work / "build" / f"{setup.name}-precompiled", python)
                variant = Setup(setup.name, python, setup.flags, compiled, setup.paths, setup.handler, setup.env,
                                setup.script, setup.api_endpoint, setup.forbidden)
                whatif[setup.name] = [cold_figures(run_child(variant)) for _ in range(max(3, cold_runs // 3))]
                results.setdefault("precompiled_bytes", {})[setup.name] = bundles.folder_size(compiled)[0]
            results["cold_precompiled"] = whatif

    # -- the web endpoint (another engineer's benchmark), when it exists
    results["web"] = run_web_bench(args.quick) if not args.no_web else None
    results["elapsed_s"] = time.perf_counter() - started
    results["load"] = {"before": load_before, "after": os.getloadavg()}
    return results


def run_web_bench(quick: bool) -> dict | None:
    script = BENCH_DIR / "web_bench.py"
    if not script.exists():
        return None
    command = [sys.executable, str(script)]
    if quick:
        command += ["--requests", "50", "--max-seconds", "5"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return {"ok": False, "output": "web_bench.py did not finish within 600 s"}
    output = result.stdout.strip()
    return {"ok": result.returncode == 0, "output": output or result.stderr[-2000:], **parse_web_output(output)}


def parse_web_output(output: str) -> dict:
    """The headline from web_bench.py's printout: verified requests per second."""
    found = re.search(r"^\s*verified\s+([\d.]+) req/s\s+median\s+([\d.]+) ms", output, re.M)
    return {
        "verified_per_second": float(found.group(1)) if found else None,
        "verified_median_ms": float(found.group(2)) if found else None,
    }


# ---- figures and the report -----------------------------------------------------------


def requests_summary(per_turn: list) -> dict:
    total: dict = {}
    for turn in per_turn:
        for op, n in turn.items():
            total[op] = total.get(op, 0) + n
    return total


def format_requests(summary: dict) -> str:
    if not summary:
        return "none"
    return " + ".join(f"{n} {op}" for op, n in sorted(summary.items())) + f" = {sum(summary.values())}"


def _short_requests(turn: dict) -> str:
    return " + ".join(f"{n} {op}" for op, n in sorted(turn.items())) or "none"


READS = ("GetItem", "Query", "Scan", "BatchGetItem")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def request_goal(per_session: list, changes_state: list) -> tuple[bool, str]:
    """At most one read per session; at most one write per turn, and none on turns
    that do not change the household record."""
    problems = []
    for number, session in enumerate(per_session):
        reads = sum(turn.get(op, 0) for turn in session for op in READS)
        if reads > 1:
            problems.append(f"session {number + 1}: {reads} reads")
        changes = changes_state[number] if number < len(changes_state) else changes_state[-1]
        for index, turn in enumerate(session):
            writes = sum(turn.get(op, 0) for op in WRITES)
            if writes > 1:
                problems.append(f"session {number + 1} turn {index + 1}: {writes} writes")
            if writes and index < len(changes) and not changes[index]:
                problems.append(f"session {number + 1} turn {index + 1}: a write that changed nothing")
    return (not problems, "; ".join(problems) or "met")


def turns_by_store_use(results: dict, name: str) -> tuple[list, list]:
    """Warm turn times split by whether that turn of the script made a DynamoDB
    request (as counted for a returning household, like the warm sessions)."""
    uses = [bool(turn) for turn in results["requests"][name][-1]]
    with_store, without = [], []
    for session in results["warm"][name]["by_turn"]:
        for index, ms in enumerate(session):
            (with_store if index < len(uses) and uses[index] else without).append(ms)
    return with_store, without


def figures(results: dict) -> list:
    """Rows: (figure, ours, reference, ratio, goal, met)."""
    rows = []
    cold = results["cold"]

    def med(values):
        return statistics.median(values) if values else float("nan")

    def row(name, ours, reference, unit, goal="", met=None, digits=1, ratio=True):
        value_ratio = ours / reference if ratio and reference else None
        rows.append({
            "figure": name, "ours": ours, "reference": reference, "unit": unit, "digits": digits,
            "ratio": value_ratio, "goal": goal, "met": met,
        })
        return value_ratio

    runs = len(cold["ours"])
    o_import = med([r["import_ms"] for r in cold["ours"]])
    r_import = med([r["import_ms"] for r in cold["reference"]])
    ratio = o_import / r_import
    row(f"Cold start: import of the handler module (median of {runs})", o_import, r_import, "ms",
        f"<= {COLD_START_MAX}x (target {COLD_START_TARGET}x)", ratio <= COLD_START_MAX)
    row("Cold start: first turn right after the import (LaunchRequest)",
        med([r["first_turn_ms"] for r in cold["ours"]]), med([r["first_turn_ms"] for r in cold["reference"]]), "ms")
    row("Cold start: import + first turn (what the first user waits for)",
        med([r["import_ms"] + r["first_turn_ms"] for r in cold["ours"]]),
        med([r["import_ms"] + r["first_turn_ms"] for r in cold["reference"]]), "ms")

    warm = results["warm"]
    o_med, r_med = med(warm["ours"]["turns"]), med(warm["reference"]["turns"])
    row(f"Warm turn: median ({len(warm['ours']['turns'])} turns)", o_med, r_med, "ms",
        f"<= {WARM_MEDIAN_MAX}x", o_med / r_med <= WARM_MEDIAN_MAX, digits=2)
    row("Warm turn: p99", percentile(warm["ours"]["turns"], 0.99), percentile(warm["reference"]["turns"], 0.99),
        "ms", digits=2)
    row("Warm ten-turn session: total handler time (median)", med(warm["ours"]["sessions_ms"]),
        med(warm["reference"]["sessions_ms"]), "ms", digits=1)
    split = {name: turns_by_store_use(results, name) for name in ("ours", "reference")}
    with_store = row("Warm turn that makes a DynamoDB request (median)", med(split["ours"][0]),
                     med(split["reference"][0]), "ms", digits=2)
    without = row("Warm turn without a DynamoDB request (median)", med(split["ours"][1]), med(split["reference"][1]),
                  "ms", digits=2)
    warm_row = next(r for r in rows if r["figure"].startswith("Warm turn: median"))
    if not warm_row["met"]:
        uses = {name: sum(1 for turn in results["requests"][name][-1] if turn) for name in ("ours", "reference")}
        warm_row["why"] = (
            f"not met. {uses['reference']} of the reference's {len(results['scripts']['reference'])} turns make a "
            f"DynamoDB request, so its median turn is a help turn that touches nothing; {uses['ours']} of ours do "
            f"(each question heard is saved as it is asked). "
            f"Like for like: turns that make a request {with_store:.2f}x, turns that make none {without:.2f}x."
        )
    cold_row = rows[0]
    o_total = med([r["import_ms"] + r["first_turn_ms"] for r in cold["ours"]])
    r_total = med([r["import_ms"] + r["first_turn_ms"] for r in cold["reference"]])
    if not any(r.get("boto3_at_import") for r in cold["ours"]):
        cold_row["why"] = (
            f"{'met' if cold_row['met'] else 'not met'} with boto3 deferred to the first store call: the import is "
            f"{o_import:.0f} ms but the first turn pays for boto3, so import + first turn is "
            f"{o_total / r_total:.2f}x the reference's."
        )

    requests = results["requests"]
    o_req = requests_summary(requests["ours"][0])
    r_req = requests_summary(requests["reference"][0])
    ok, why = request_goal(requests["ours"], results["changes_state"])
    rows.append({"figure": "DynamoDB requests per ten-turn session (new household)", "ours": format_requests(o_req),
                 "reference": format_requests(r_req), "unit": "", "digits": 0,
                 "ratio": (sum(o_req.values()) / sum(r_req.values())) if sum(r_req.values()) else None,
                 "goal": "<= 1 read per session, <= 1 write per state-changing turn", "met": ok, "why": why})
    if len(requests["ours"]) > 1:
        rows.append({"figure": "DynamoDB requests, same household's next session", "ours":
                     format_requests(requests_summary(requests["ours"][1])),
                     "reference": format_requests(requests_summary(requests["reference"][1])),
                     "unit": "", "digits": 0, "ratio": None, "goal": "", "met": None})

    row("Peak memory of a warm process (peak RSS, median)", med(warm["ours"]["maxrss_kb"]) / 1024,
        med(warm["reference"]["maxrss_kb"]) / 1024, "MiB")

    builds = results["bundles"]
    if builds:
        o, r = builds["ours without boto3"]["bytes"] / MB, builds["reference without boto3"]["bytes"] / MB
        row("Bundle, unzipped, without boto3 (runtime provides it)", o, r, "MB", f"< {BUNDLE_MAX_MB:g} MB (ours)",
            o < BUNDLE_MAX_MB, digits=2)
        row("Bundle, unzipped, with boto3 bundled", builds["ours with boto3"]["bytes"] / MB,
            builds["reference with boto3"]["bytes"] / MB, "MB", digits=2)
    else:
        for name in ("Bundle, unzipped, without boto3 (runtime provides it)", "Bundle, unzipped, with boto3 bundled"):
            rows.append({"figure": name, "ours": "not measured", "reference": "not measured", "unit": "",
                         "digits": 0, "ratio": None,
                         "goal": f"< {BUNDLE_MAX_MB:g} MB (ours)" if "without" in name else "", "met": None,
                         "why": "run without --no-build on a machine with the runtime's python"})

    web = results.get("web")
    if web:
        value = web.get("verified_per_second")
        rows.append({"figure": "Web endpoint (self-hosted): verified requests per second, one client",
                     "ours": value if value is not None else "see below", "reference": "n/a", "unit": "req/s",
                     "digits": 1, "ratio": None, "goal": "", "met": None})
    return rows


def yes_no(runs: list) -> str:
    flags = {run.get("boto3_at_import") for run in runs}
    return "yes" if flags == {True} else "no" if flags == {False} else "mixed"


def _cell(value, digits) -> str:
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}"
    return str(value)


def table(rows: list) -> list:
    lines = ["| Figure | Ours | Reference | Ours / reference | Goal | Met |", "|---|---:|---:|---:|---|---|"]
    for r in rows:
        unit = f" {r['unit']}" if r["unit"] and isinstance(r["ours"], (int, float)) else ""
        ref_unit = f" {r['unit']}" if r["unit"] and isinstance(r["reference"], (int, float)) else ""
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else ""
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['figure']} | {_cell(r['ours'], r['digits'])}{unit} | "
                     f"{_cell(r['reference'], r['digits'])}{ref_unit} | {ratio} | {r['goal']} | {met} |")
    return lines


def report(results: dict, rows: list) -> str:
    m, v = results["machine"], results["versions"]
    mode = results["mode"]
    out = [
        "# Benchmarks: Heart to Heart against a plain ask-sdk skill",
        "",
        "Written by `make bench` (`benchmarks/run.py`); do not edit by hand. "
        + ("**Quick run** (`--quick`): few repetitions, figures are rough. " if results["quick"] else "")
        + "Timings are reported, never asserted by the test suite.",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}",
        f"- Measured interpreter: Python {v['measured python']}"
        + (" (the Lambda runtime's version), started `-I -B`: only the bundle and the runtime's boto3 on "
           "`sys.path`, no bytecode written, as in Lambda's read-only code folder; each bundle as built "
           "(ours carries the runtime's `.pyc`, lambda/Makefile; the reference, built the usual way, none)"
           if mode == "lambda" else
           " from this venv, run from the source tree (`--no-build`"
           + (", or no interpreter for the Lambda runtime on this machine" if results.get("no_runtime_python") else "")
           + "): figures are not Lambda-like"),
        f"- Runner: Python {v['runner python']}; ask-sdk-core {v['ask-sdk-core']}, "
        f"ask-sdk-dynamodb-persistence-adapter {v['ask-sdk-dynamodb-persistence-adapter']}, boto3 {v['boto3']}, "
        f"moto {v['moto']} (DynamoDB server on 127.0.0.1)",
        f"- Load average (1 min) before / after: {results['load']['before'][0]:.2f} / {results['load']['after'][0]:.2f}"
        " (other work on the machine shows up in every figure; ratios suffer least)",
        "",
        "## Figures",
        "",
        *table(rows),
        "",
    ]
    notes = [r for r in rows if r.get("why") and r["why"] != "met"]
    for r in notes:
        out.append(f"- {r['figure']}: {r['why']}")
    if notes:
        out.append("")
    out += [
        "## What was measured",
        "",
        "- **Reference**: `benchmarks/reference/app.py`, the smallest persistent skill written the usual way "
        "(ask-sdk-core, the official `DynamoDbAdapter`, a launch handler that counts visits, help, stop, "
        "session-ended and an error handler). Never shipped.",
        f"- **Ours**: `lambda/app.py` with `HEART_TABLE` set, so the DynamoDB store is what runs, as on Lambda.",
        f"- **Sessions** (ten turns each): ours {' > '.join(results['scripts']['ours'])}; "
        f"reference {' > '.join(results['scripts']['reference'])}.",
        "- **Cold start**: a fresh interpreter imports the handler module (`time.perf_counter` around the import, "
        "interpreter start-up excluded), then answers a LaunchRequest for a new household. "
        "Runs alternate between the two skills. boto3 imported by the handler import: ours "
        + yes_no(results["cold"]["ours"]) + ", reference " + yes_no(results["cold"]["reference"])
        + " (a skill that defers it pays for it in its first turn instead).",
        "- **Warm turn**: one process per skill and round runs a first session (discarded: it is the cold one), "
        "then the measured sessions for one returning household; each turn is the handler call, "
        "Alexa JSON in, Alexa JSON out.",
        "- **DynamoDB requests**: the same script through a counting proxy in front of the server (real HTTP "
        "requests per operation, retries included): first a new household, then its next session.",
        "- **Alexa API**: a stand-in on 127.0.0.1 (tests/fake_alexa_api.py) answers the device's time zone. Calls "
        f"in the new household's first session: ours {results['alexa_api_calls']['ours']}, reference "
        f"{results['alexa_api_calls']['reference']} (our launch asks once per household; on Alexa that is an HTTPS "
        "round trip this benchmark does not price).",
        "- **Memory**: the warm process's peak resident memory (interpreter, imports, sessions), read as "
        "VmHWM from /proc: Linux carries `ru_maxrss` across exec, so a child would report the runner's own peak.",
        "- **Bundle**: the sum of the files' sizes, unzipped. Ours from `sam build` with template.yaml; the "
        "reference with `pip install --target` and the same platform flags as lambda/Makefile. 'Without boto3' "
        "drops boto3, botocore, s3transfer and jmespath, which Lambda's Python runtime provides.",
        "",
    ]
    builds = results["bundles"]
    if builds:
        out += ["### Bundles", "", "| Bundle | Bytes | Files | du -sk |", "|---|---:|---:|---:|"]
        for label, b in builds.items():
            out.append(f"| {label} | {b['bytes']:,} | {b['files']:,} | {b['du_kb'] or ''} |")
        out.append("")

    out += ["### Per turn: warm median ms (returning household), DynamoDB requests (new household / its next "
            "session), whether the turn changed the record (new household)", "",
            "| # | Ours: turn | ms | requests | changes record | Reference: turn | ms | requests |",
            "|---:|---|---:|---|---|---|---:|---|"]
    scripts = results["scripts"]
    warm, requests = results["warm"], results["requests"]
    changes = results["changes_state"][0] if results["changes_state"] else []

    def cells(name: str, i: int) -> tuple[str, str, str]:
        if i >= len(scripts[name]):
            return "", "", ""
        by_turn = warm[name]["by_turn"]
        ms = f"{statistics.median([s[i] for s in by_turn]):.2f}" if by_turn else ""
        counted = " / ".join(_short_requests(session[i]) for session in requests[name] if i < len(session))
        return scripts[name][i], ms, counted

    for i in range(max(len(scripts["ours"]), len(scripts["reference"]))):
        o_turn, o_ms, o_req = cells("ours", i)
        r_turn, r_ms, r_req = cells("reference", i)
        changed = ("yes" if changes[i] else "no") if i < len(changes) else ""
        out.append(f"| {i + 1} | {o_turn} | {o_ms} | {o_req} | {changed} | {r_turn} | {r_ms} | {r_req} |")
    out.append("")

    if results.get("cold_as_shipped") or results.get("cold_precompiled"):
        out += ["### Cold start, other ways to ship (medians)", ""]
        def both(runs):
            return (f"import {statistics.median([r['import_ms'] for r in runs]):.0f} ms, import + first turn "
                    f"{statistics.median([r['import_ms'] + r['first_turn_ms'] for r in runs]):.0f} ms")

        if results.get("cold_as_shipped"):
            out.append(f"- Reference as a developer usually ships it, boto3 inside the bundle (not precompiled): "
                       f"{both(results['cold_as_shipped'])}.")
        for name, runs in (results.get("cold_precompiled") or {}).items():
            size = (results.get("precompiled_bytes") or {}).get(name)
            out.append(f"- {name.capitalize()} with the bundle precompiled for the runtime (`.pyc` shipped; "
                       f"ours is built this way): {both(runs)}"
                       + (f"; bundle without boto3 {size / MB:.2f} MB." if size else "."))
        out.append("")

    out += ["### Where the import time goes (`-X importtime`, self time by package, one cold run; "
            "-X importtime adds its own overhead)", ""]
    for name, phases in results["importtime"].items():
        for phase, breakdown in phases.items():
            parts = ", ".join(f"{b['module']} {b['ms']:.0f} ms" for b in breakdown[:-1]) or "nothing"
            out.append(f"- {name.capitalize()}, {'handler import' if phase == 'import' else 'first session'} "
                       f"({breakdown[-1]['ms']:.0f} ms in all): {parts}.")
    out.append("")

    if results.get("script_notes"):
        out += ["### Script note", "",
                "Our evening script could not run (" + "; ".join(results["script_notes"]) + "), so ours ran the "
                "reference's launch / help / stop script.", ""]

    web = results.get("web")
    if web:
        out += ["### Web endpoint (benchmarks/web_bench.py)", "", "```", web["output"], "```", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Heart to Heart against a plain ask-sdk skill.")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a rough run in well under a minute")
    parser.add_argument("--no-build", action="store_true",
                        help="skip the bundles: run both skills from this venv (not Lambda-like)")
    parser.add_argument("--no-web", action="store_true", help="skip benchmarks/web_bench.py")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="the markdown report (default benchmarks/RESULTS.md)")
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="builds and raw data (default bench-results/)")
    parser.add_argument("--cold-runs", type=int, default=0, help="fresh interpreters per skill (default 15, quick 3)")
    parser.add_argument("--rounds", type=int, default=0, help="warm processes per skill (default 3, quick 1)")
    parser.add_argument("--sessions", type=int, default=0, help="measured sessions per warm process (default 10, quick 2)")
    parser.add_argument("--silent", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    for name in ("cold_runs", "rounds", "sessions"):
        if getattr(args, name) < 0 or getattr(args, name) > 1000:
            parser.error(f"--{name.replace('_', '-')} must be between 0 (the default) and 1000")

    results = measure(args)
    rows = figures(results)
    text = report(results, rows)
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    raw = Path(args.work) / "results.json"
    raw.write_text(json.dumps({"results": results, "figures": rows}, indent=1, default=str), encoding="utf-8")
    print("\n".join(table(rows)))
    for r in rows:
        if r.get("why") and r["why"] != "met":
            print(f"- {r['figure']}: {r['why']}")
    print(f"\n{'Lambda-like' if results['mode'] == 'lambda' else 'venv (not Lambda-like)'} run, "
          f"{results['elapsed_s']:.0f} s. Written: {args.out} and {raw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
