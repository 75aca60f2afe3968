"""The parallel test run (scripts/test.sh: pytest-xdist, ``--dist loadgroup``) keeps a module's
tests that share a module fixture on one worker, so the fixture is built once, while the other
tests spread over both workers. Checked on a throwaway suite that uses this suite's conftest."""
import json
import os
import shutil
import subprocess
import sys

_SHARED = '''
import json, os, pytest

@pytest.fixture(scope="module")
def built():
    with open(os.environ["RECORD"], "a") as f:
        f.write(json.dumps({"built": os.environ["PYTEST_XDIST_WORKER"]}) + "\\n")
    return 1

@pytest.mark.parametrize("i", range(6))
def test_uses_the_fixture(built, i):
    with open(os.environ["RECORD"], "a") as f:
        f.write(json.dumps({"shared": os.environ["PYTEST_XDIST_WORKER"]}) + "\\n")
'''

_ALONE = '''
import json, os, time, pytest

@pytest.mark.parametrize("i", range(6))
def test_alone(i):
    time.sleep(0.3)
    with open(os.environ["RECORD"], "a") as f:
        f.write(json.dumps({"alone": os.environ["PYTEST_XDIST_WORKER"]}) + "\\n")
'''


def test_a_modules_fixture_users_share_one_worker_and_the_rest_spread(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    shutil.copy(os.path.join(os.path.dirname(__file__), "conftest.py"), suite / "conftest.py")
    (suite / "test_shared.py").write_text(_SHARED)
    (suite / "test_alone.py").write_text(_ALONE)
    record = tmp_path / "record.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup",
         "--no-loadscope-reorder", str(suite)],
        cwd=tmp_path, env={**os.environ, "RECORD": str(record)}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [json.loads(line) for line in record.read_text().splitlines()]
    built = [r["built"] for r in rows if "built" in r]
    shared = {r["shared"] for r in rows if "shared" in r}
    alone = {r["alone"] for r in rows if "alone" in r}
    assert len(built) == 1 and shared == set(built), rows
    assert len(alone) == 2, rows  # the ungrouped tests went to both workers
