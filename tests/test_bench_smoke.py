"""The benchmark runner's pieces work, on a tiny scale (``make bench`` is the real run).

One quick run from this venv (no bundles, no web benchmark, one repetition of
everything) must write a report with every figure, real numbers in the timing rows
and both skills answering the scripted sessions. Nothing here asserts a timing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from alexa import ROOT

from benchmarks import bundles, run
from benchmarks.ddb import household_table_properties

FIGURES = (
    "Cold start: import of the handler module",
    "Cold start: first turn right after the import",
    "Cold start: import + first turn",
    "Warm turn: median",
    "Warm turn: p99",
    "Warm ten-turn session: total handler time",
    "Warm turn that makes a DynamoDB request",
    "Warm turn without a DynamoDB request",
    "DynamoDB requests per ten-turn session",
    "DynamoDB requests, same household's next session",
    "Peak memory of a warm process",
    "Bundle, unzipped, without boto3",
    "Bundle, unzipped, with boto3 bundled",
)
NUMERIC = FIGURES[:8] + ("Peak memory of a warm process",)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    out = work / "RESULTS.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-build", "--no-web", "--silent",
         "--cold-runs", "1", "--rounds", "1", "--sessions", "1", "--out", str(out), "--work", str(work)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out.read_text(encoding="utf-8"), json.loads((work / "results.json").read_text()), result.stdout


def _row(report: str, figure: str) -> list[str]:
    for line in report.splitlines():
        if line.startswith(f"| {figure}"):
            return [cell.strip() for cell in line.strip("|").split("|")]
    raise AssertionError(f"no row for {figure!r}")


def test_report_has_every_figure_for_both_skills(quick_run):
    report, _, printed = quick_run
    for figure in FIGURES:
        row = _row(report, figure)
        assert row[1] and row[2], (figure, row)
        assert f"| {figure}" in printed  # the same table is printed
    for figure in NUMERIC:
        ours, reference, ratio = _row(report, figure)[1:4]
        assert re.fullmatch(r"[\d,]+\.\d+ \w+", ours) and re.fullmatch(r"[\d,]+\.\d+ \w+", reference), (figure, ours)
        assert re.fullmatch(r"\d+\.\d\dx", ratio), (figure, ratio)
    assert "venv" in report or "not Lambda-like" in report  # says how it was measured


def test_goals_are_judged_in_the_report(quick_run):
    report, _, _ = quick_run
    for figure in ("Cold start: import of the handler module", "Warm turn: median", "DynamoDB requests per ten-turn"):
        assert _row(report, figure)[5] in ("yes", "**no**"), figure
    assert "< 15 MB" in _row(report, "Bundle, unzipped, without boto3")[4]


def test_both_skills_held_their_sessions_and_used_dynamodb(quick_run):
    _, raw, _ = quick_run
    results = raw["results"]
    assert len(results["scripts"]["ours"]) == len(results["scripts"]["reference"]) == 10
    assert results["script_notes"] == [], results["script_notes"]
    for name in ("ours", "reference"):
        first = results["requests"][name][0]
        assert len(first) == 10
        assert first[0].get("GetItem") == 1, first  # launch reads the household once
        assert len(results["warm"][name]["turns"]) == 10
    assert results["cold"]["reference"][0]["boto3_at_import"] is True


def test_request_goal_counts_reads_per_session_and_writes_per_turn():
    changes = [[True, True, False]]
    assert run.request_goal([[{"GetItem": 1, "PutItem": 1}, {"PutItem": 1}, {}]], changes) == (True, "met")
    ok, why = run.request_goal([[{"GetItem": 1}, {"GetItem": 1, "PutItem": 1}, {}]], changes)
    assert not ok and "2 reads" in why
    ok, why = run.request_goal([[{"GetItem": 1}, {"PutItem": 2}, {}]], changes)
    assert not ok and "2 writes" in why
    ok, why = run.request_goal([[{"GetItem": 1}, {}, {"PutItem": 1}]], changes)
    assert not ok and "changed nothing" in why


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert run.percentile(values, 0.99) == 99
    assert run.percentile(values, 0.5) == 50
    assert run.percentile([7.0], 0.99) == 7.0


def test_bundle_size_and_boto3_removal(tmp_path):
    bundle = tmp_path / "bundle"
    for name in ("boto3", "botocore", "s3transfer", "jmespath", "boto3-1.0.dist-info", "ask_sdk_core", "skill"):
        (bundle / name).mkdir(parents=True)
        (bundle / name / "x.py").write_text("x" * 100)
    (bundle / "app.py").write_text("y" * 10)
    (bundle / "skill" / "boto3").mkdir()  # only top-level packages are the runtime's
    (bundle / "skill" / "boto3" / "z.py").write_text("z")
    assert bundles.folder_size(bundle) == (7 * 100 + 10 + 1, 9)
    trimmed = bundles.without_boto3(bundle, tmp_path / "trimmed")
    assert sorted(p.name for p in trimmed.iterdir()) == ["app.py", "ask_sdk_core", "skill"]
    assert (trimmed / "skill" / "boto3" / "z.py").exists()


def test_proxy_log_splits_into_turns_and_sessions():
    log = [(1, "GetItem", None), (2, "PutItem", None), (3, "TurnEnd", None), (4, "TurnEnd", None),
           (5, "PutItem", None), (6, "PutItem", None), (7, "TurnEnd", None), (8, "TurnEnd", None)]
    assert run.requests_per_turn(log, 2) == [[{"GetItem": 1, "PutItem": 1}, {}], [{"PutItem": 2}, {}]]
    with pytest.raises(RuntimeError):
        run.requests_per_turn([(1, "GetItem", None)], 1)  # a request no turn accounts for


def test_our_table_comes_from_the_template():
    props = household_table_properties()
    assert props["KeySchema"] == [{"AttributeName": "household_id", "KeyType": "HASH"}]


def test_web_bench_headline_is_parsed():
    sample = "web endpoint\n  verified     346.7 req/s   median   2.14 ms   p95   4.70 ms   (50 requests, 0 failed)\n"
    assert run.parse_web_output(sample) == {"verified_per_second": 346.7, "verified_median_ms": 2.14}
    assert run.parse_web_output("changed format") == {"verified_per_second": None, "verified_median_ms": None}
