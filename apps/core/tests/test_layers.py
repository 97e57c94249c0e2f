"""`make lint` refuses an import against the layers (docs/architecture.md).

The contracts live in pyproject.toml and run in `make lint`; here they run on a temporary copy
of the code, first as it is (kept), then with one import added on purpose (refused), so a
contract that stopped checking anything would fail this test.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def copy(tmp_path):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "vendor", "static")
    for name in ("apps", "starline"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=300, check=False
    )


def _add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}\n")


def test_the_code_as_it_is_keeps_every_contract(copy):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "refusal"),
    [
        # Core reaching up to an app.
        (
            "apps/core/clock.py",
            "from apps.scheduling import services",
            "apps.core is not allowed to import apps.scheduling",
        ),
        # Two apps on one floor.
        ("apps/clients/selectors.py", "import apps.staff.models", "apps.clients is not allowed to import apps.staff"),
        # An app reaching for the project package.
        ("apps/files/services.py", "from starline import celery", "apps is not allowed to import starline"),
        # A circle inside an app.
        ("apps/staff/models.py", "from apps.staff import services", "No cycles are allowed in apps.staff"),
    ],
)
def test_an_import_against_the_layers_is_refused(copy, module, line, refusal):
    _add_import(copy / module, line)
    result = _lint(copy)
    assert result.returncode != 0
    assert refusal in result.stdout, result.stdout
