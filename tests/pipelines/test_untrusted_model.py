"""Untrusted model files: a file that does not match its registry record, a skops file with
a type outside the trusted list, and files crafted to run code on load are all refused with a
ModelError, and none of them runs anything.

Every crafted file's payload creates a marker file. Each test also shows that the payload is
real (it does create the marker when skops or pickle is told to trust it), so a refusal that
let it run would fail the test.
"""

from __future__ import annotations

import json
import pickle
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import skops
import skops.io as sio
from click.testing import CliRunner

import models.persistence as persistence
from extractors.errors import ModelError
from models import load_flagger
from models.persistence import ModelRecord, file_sha256, load_model, record_path, write_record
from pipelines.analyst.registry import (
    current_record,
    get_version,
    load_verified,
    promote,
    record_version,
)
from pipelines.cli import main
from pipelines.config import get_settings
from pipelines.store import open_store


def _json_node(value: Any, node_id: int) -> dict[str, Any]:
    return {
        "__class__": type(value).__name__,
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
        "is_json": True,
        "__id__": node_id,
    }


def _call_node(module: str, name: str, argument: str) -> dict[str, Any]:
    """A skops node that, once trusted, is built by calling `module.name(argument)`."""
    return {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [_json_node(argument, 12)],
            "__id__": 11,
        },
        "__id__": 10,
    }


def _write_skops(path: Path, tree: dict[str, Any]) -> Path:
    schema = {**tree, "protocol": 2, "_skops_version": skops.__version__}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
    return path


def system_payload(path: Path, marker: Path) -> tuple[Path, str]:
    return _write_skops(path, _call_node("os", "system", f"touch {marker}")), "os.system"


def eval_payload(path: Path, marker: Path) -> tuple[Path, str]:
    code = f"open({str(marker)!r}, 'w').write('ran')"
    return _write_skops(path, _call_node("builtins", "eval", code)), "builtins.eval"


def nested_payload(path: Path, marker: Path) -> tuple[Path, str]:
    """The call hidden one level down, as a value in a dict that looks like a model's state."""
    sio.dump({"coef_": 0.5, "vocabulary_": "placeholder"}, path)
    with zipfile.ZipFile(path) as archive:
        tree = json.loads(archive.read("schema.json"))
    values = tree["content"]
    assert "vocabulary_" in values  # the layout this rewrite relies on
    values["vocabulary_"] = _call_node("os", "system", f"touch {marker}")
    return _write_skops(path, tree), "os.system"


class _Exploit:
    """Pickles to a call of os.system: what a model saved with pickle or joblib can do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[str]]:
        import os

        return os.system, (f"touch {self.marker}",)


PAYLOADS = {
    "os.system": system_payload,
    "builtins.eval": eval_payload,
    "nested os.system": nested_payload,
}


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    # The CLI reads NOSURPRISES_MODEL_PATH through the cached settings: read it afresh.
    get_settings.cache_clear()
    yield tmp_path / "payload-ran"
    get_settings.cache_clear()


def _with_record(path: Path) -> Path:
    """A record beside the file with its true hash: an attacker who can write the model
    directory can write the record too, so only the type check stands in the way."""
    write_record(
        ModelRecord(version="wf-crafted", path=str(path), sha256=file_sha256(path)),
        record_path(path),
    )
    return path


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_crafted_skops_file_is_refused_and_runs_nothing(
    name: str, marker: Path, tmp_path: Path
) -> None:
    path, dangerous = PAYLOADS[name](tmp_path / "model.skops", marker)
    _with_record(path)
    with pytest.raises(ModelError, match=f"untrusted types: {re.escape(dangerous)}"):
        load_model(path)
    with pytest.raises(ModelError, match="untrusted types"):
        load_flagger(path)
    with pytest.raises(ModelError, match="untrusted types"):
        load_verified(ModelRecord("wf-crafted", str(path), file_sha256(path)))
    assert not marker.exists()

    # The payload is real: skops told to trust the type runs it.
    sio.load(path, trusted=[dangerous])
    assert marker.exists()


def _pickled_exploit(tmp_path: Path, marker: Path) -> Path:
    path = tmp_path / "model.skops"
    path.write_bytes(pickle.dumps(_Exploit(marker)))
    return _with_record(path)


def test_pickle_renamed_skops_is_a_model_error_and_runs_nothing(
    marker: Path, tmp_path: Path
) -> None:
    path = _pickled_exploit(tmp_path, marker)
    for load in (load_model, load_flagger):
        with pytest.raises(ModelError, match="not a skops file"):
            load(path)
    result = CliRunner().invoke(
        main,
        ["classify"],
        input='{"text": "Staff will transfer."}\n',
        env={"NOSURPRISES_MODEL_PATH": str(path)},
    )
    assert result.exit_code == 1 and "not a skops file" in result.output
    assert "Traceback" not in result.output
    assert not marker.exists()

    pickle.loads(path.read_bytes())  # what pickle or joblib would have done
    assert marker.exists()


def test_crafted_model_through_the_cli_is_one_line_error(marker: Path, tmp_path: Path) -> None:
    path, _ = system_payload(tmp_path / "model.skops", marker)
    _with_record(path)
    result = CliRunner().invoke(
        main,
        ["classify"],
        input='{"text": "Staff will transfer."}\n',
        env={"NOSURPRISES_MODEL_PATH": str(path)},
    )
    assert result.exit_code == 1
    assert "untrusted types: os.system" in result.output
    assert "Traceback" not in result.output
    assert not marker.exists()


def test_type_outside_the_trusted_list_is_refused(tmp_path: Path) -> None:
    from datetime import timedelta, timezone

    path = tmp_path / "model.skops"
    sio.dump({"offset": timezone(timedelta(hours=1))}, path)
    with pytest.raises(
        ModelError, match=r"untrusted types: datetime\.timedelta, datetime\.timezone"
    ):
        load_model(path, sha256=file_sha256(path))


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.dispose()


def test_registry_hash_mismatch_is_refused_before_anything_is_built(
    store, marker: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, dangerous = system_payload(tmp_path / "candidate.skops", marker)
    # Trust the payload's type here, so that the hash is the only check left: the file must be
    # refused on its hash alone, before skops builds anything from it.
    monkeypatch.setattr(persistence, "TRUSTED_TYPES", (*persistence.TRUSTED_TYPES, dangerous))
    registered = "0" * 64  # the hash of the file that was trained and recorded
    record_version(store, ModelRecord("wf-20261123-000000-beef", str(path), registered))
    record = get_version(store, "wf-20261123-000000-beef")

    with pytest.raises(ModelError, match="does not match its registry record") as refused:
        load_verified(record)
    assert str(path) in str(refused.value) and "000000000000" in str(refused.value)
    with pytest.raises(ModelError, match="does not match its registry record"):
        promote(store, record.version, tmp_path / "home")
    assert not marker.exists()
    # Nothing was promoted: no pointer for load_flagger, the shipped model stays current.
    assert not (tmp_path / "home" / "models" / persistence.CURRENT_POINTER).exists()
    assert current_record(store).version != record.version

    # With the file's true hash the same (now trusted) payload does run: the hash check, not
    # luck, is what kept it from running above.
    with pytest.raises(ModelError, match="not a workforce model"):
        load_verified(ModelRecord(record.version, str(path), file_sha256(path)))
    assert marker.exists()
