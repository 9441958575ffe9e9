"""Models are saved with skops and refused when their hash or their types are wrong."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from extractors.errors import ModelError
from models import load_flagger
from models.persistence import (
    SHIPPED_MODEL,
    check_hash,
    default_record,
    file_sha256,
    load_model,
    read_record,
    record_for,
    record_path,
)


@pytest.fixture()
def copied_model(tmp_path: Path) -> Path:
    target = tmp_path / "wf-copy.skops"
    shutil.copy(SHIPPED_MODEL, target)
    shutil.copy(record_path(SHIPPED_MODEL), record_path(target))
    return target


def test_shipped_model_is_small_and_matches_its_record() -> None:
    assert SHIPPED_MODEL.stat().st_size < 20 * 1024 * 1024
    record = record_for(SHIPPED_MODEL)
    assert record.sha256 == file_sha256(SHIPPED_MODEL)
    assert record.version.startswith("wf-")
    assert set(record.thresholds) >= {"workforce_impacting", "staff_transfer"}


def test_changed_bytes_are_refused_with_a_model_error(copied_model: Path) -> None:
    with copied_model.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match its registry record"):
        load_flagger(copied_model)


def test_untrusted_type_is_refused(tmp_path: Path, copied_model: Path) -> None:
    # Rewrite the file's schema so that one object claims to be os.system.
    evil = tmp_path / "evil.skops"
    with zipfile.ZipFile(copied_model) as source, zipfile.ZipFile(evil, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "schema.json":
                data = data.replace(b'"_SigmoidCalibration"', b'"system"', 1).replace(
                    b'"sklearn.calibration"', b'"os"', 1
                )
            target.writestr(name, data)
    with pytest.raises(ModelError, match="untrusted types"):
        load_model(evil)


def test_missing_file_and_missing_record_are_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "absent.skops")
    lonely = tmp_path / "lonely.skops"
    shutil.copy(SHIPPED_MODEL, lonely)
    with pytest.raises(ModelError, match="has no record"):
        load_flagger(lonely)


def test_check_hash_accepts_the_right_hash(copied_model: Path) -> None:
    check_hash(copied_model, read_record(record_path(copied_model)).sha256)


def test_default_is_configured_then_promoted_then_shipped(
    tmp_path: Path, copied_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOSURPRISES_MODEL_PATH", raising=False)
    monkeypatch.setenv("NOSURPRISES_HOME", str(tmp_path / "home"))
    assert Path(default_record().path) == SHIPPED_MODEL
    pointer = tmp_path / "home" / "models" / "current.json"
    pointer.parent.mkdir(parents=True)
    pointer.write_text(
        record_path(copied_model).read_text().replace('"workforce.skops"', f'"{copied_model}"')
    )
    assert Path(default_record().path) == copied_model
    monkeypatch.setenv("NOSURPRISES_MODEL_PATH", str(copied_model))
    assert default_record().path == str(copied_model)


_FRESH_LOAD = """
import sys
from extractors.errors import ModelError
from models.persistence import SHIPPED_MODEL, load_model, skops_io

model = load_model(SHIPPED_MODEL)
print("loaded", type(model).__name__)
unused = ("sklearn.neural_network", "sklearn.gaussian_process", "sklearn.naive_bayes")
print("estimator modules imported", any(name in sys.modules for name in unused))
import sklearn.tree
skops_io().dump(sklearn.tree.DecisionTreeClassifier(), sys.argv[1])
try:
    load_model(sys.argv[1])
except ModelError as exc:
    print("refused", exc)
"""


def test_a_fresh_process_loads_without_importing_every_estimator_and_trusts_only_the_list(
    tmp_path: Path,
) -> None:
    """skops' default list of every scikit-learn estimator costs a second of each start;
    without it the shipped model still loads, and a scikit-learn type that is not on
    TRUSTED_TYPES is refused (skops' full defaults would have trusted it)."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_LOAD, str(tmp_path / "tree.skops")],
        capture_output=True,
        text=True,
        cwd=repo,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "loaded WorkforceClassifier"
    assert lines[1] == "estimator modules imported False"
    assert lines[2].startswith("refused") and "DecisionTreeClassifier" in lines[2]
