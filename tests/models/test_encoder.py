"""The sentence encoder: its weights file reader, its checks, and what its vectors mean."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from extractors.errors import ModelError
from extractors.types import Item
from models import encoder
from models.encoder import SentenceEncoder, read_safetensors, sentence_encoder
from models.features import ItemText, item_table


def _safetensors(path: Path, tensors: dict[str, np.ndarray], header_extra: dict | None = None):
    header: dict = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    header.update(header_extra or {})
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))
    return path


def test_reads_tensors_by_name_shape_and_value(tmp_path: Path) -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([0.5, -1.5], dtype=np.float32)
    tensors = read_safetensors(_safetensors(tmp_path / "w.safetensors", {"a": a, "b": b}))
    assert set(tensors) == {"a", "b"}
    np.testing.assert_array_equal(tensors["a"], a)
    np.testing.assert_array_equal(tensors["b"], b)


def test_refuses_a_file_whose_hash_is_not_the_expected_one(tmp_path: Path) -> None:
    path = _safetensors(tmp_path / "w.safetensors", {"a": np.ones(3, dtype=np.float32)})
    right = hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_safetensors(path, right)["a"].sum() == 3
    with pytest.raises(ModelError, match="SHA-256 differs"):
        read_safetensors(path, "0" * 64)


@pytest.mark.parametrize(
    "damage",
    ["header past the end", "header not JSON", "tensor outside its range", "too short"],
)
def test_refuses_damaged_files_with_a_clear_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "w.safetensors"
    if damage == "header past the end":
        path.write_bytes(struct.pack("<Q", 10_000) + b"{}")
    elif damage == "header not JSON":
        path.write_bytes(struct.pack("<Q", 4) + b"nope")
    elif damage == "tensor outside its range":
        bad = {"x": {"dtype": "F32", "shape": [100], "data_offsets": [0, 400]}}
        _safetensors(path, {"a": np.ones(2, dtype=np.float32)}, bad)
    else:
        path.write_bytes(b"abc")
    with pytest.raises(ModelError):
        read_safetensors(path)


def test_missing_weights_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder, "CARRIER", "no_such_weights_package_here")
    with pytest.raises(ModelError, match="install the package"):
        encoder.model_folder()


def test_vectors_are_unit_length_deterministic_and_batch_independent() -> None:
    texts = [
        "The ward will close and its 40 staff will be redeployed.",
        "Lunch will be served.",
        "Payroll cut-off dates move to the 10th of each month for all bank workers.",
    ]
    model = sentence_encoder()
    together = model.encode(texts)
    assert together.shape == (3, encoder.DIMENSIONS)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, rtol=1e-5)
    alone = np.vstack([model.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert model.encode([]).shape == (0, encoder.DIMENSIONS)


def test_batches_on_several_threads_give_the_same_vectors_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run of one paper lets the encoder use every core: its flags must not change."""
    import threading

    labels = Path(encoder.__file__).parent / "data" / "labels.jsonl"
    texts = [json.loads(line)["text"] for line in labels.read_text().splitlines()[:40]]
    # Texts of unlike lengths: several batches, each padded to its longest
    texts = [" ".join(text.split()[: 5 + 7 * (n % 9)]) for n, text in enumerate(texts)]
    model = sentence_encoder()
    one = model.encode(texts)
    forward = model._forward
    # Each thread's first batch waits for the other thread's: this fails unless two batches
    # are computed at once.
    both_running = threading.Barrier(2, timeout=60)
    threads: set[int] = set()

    def together(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if threading.get_ident() not in threads:
            threads.add(threading.get_ident())
            both_running.wait()
        return forward(ids, mask)

    monkeypatch.setattr(model, "_forward", together)
    with encoder.encoder_threads(2):
        two = model.encode(texts)
    assert len(threads) == 2
    assert np.array_equal(one, two)


def test_batches_group_like_lengths_and_pad_less_than_fixed_cuts() -> None:
    # A short paper's candidate sentences: many short lines and a few long paragraphs.
    lengths = sorted([5] * 7 + [9] * 5 + [12, 17, 17, 18, 19, 20, 22] + [25] * 4
                     + [28, 29, 30, 31, 35, 41, 81, 96, 96])
    runs = encoder.length_batches(lengths)
    assert [start for start, _ in runs] == [0, *(end for _, end in runs[:-1])]
    assert runs[-1][1] == len(lengths)
    assert all(0 < end - start <= encoder.BATCH for start, end in runs)
    padded = sum((end - start) * lengths[end - 1] for start, end in runs)
    assert padded < len(lengths) * max(lengths) / 2  # one fixed batch of 32 pads all to 96
    assert len(runs) < 6  # not a pass per length: each pass streams all the weights
    # Texts of one length take as few passes as the batch size allows.
    assert len(encoder.length_batches([20] * 70)) == 3
    assert encoder.length_batches([]) == []


def test_meaning_is_closer_than_vocabulary() -> None:
    """A change to shifts said in other words is nearer a change to shifts than a sentence
    sharing its staff vocabulary without changing anything."""
    model = sentence_encoder()
    change, paraphrase, same_words = model.encode(
        [
            "Theatre nurses will move from 7.5-hour shifts to 12-hour days from March.",
            "From spring the operating department's nursing team works long days instead.",
            "Nurses and theatre staff were thanked for their hard work over the winter.",
        ]
    )
    assert float(change @ paraphrase) > float(change @ same_words)


def test_a_wrong_weights_file_is_refused_before_use(tmp_path: Path) -> None:
    folder = tmp_path / "model_files"
    folder.mkdir()
    _safetensors(folder / "model.safetensors", {"a": np.ones(2, dtype=np.float32)})
    with pytest.raises(ModelError, match="SHA-256 differs"):
        SentenceEncoder(folder)


def test_the_flag_reads_an_items_best_sentences_and_quotes_the_one_it_judged() -> None:
    from models import load_flagger

    flagger = load_flagger()
    if getattr(flagger.model, "head_weights_", None) is None:
        pytest.skip("the shipped model predates the sentence encoder")
    filler = " ".join(
        f"The committee noted the estates report for quarter {n} and the car park figures."
        for n in range(1, 8)
    )
    change = "Porters at both hospitals will move onto a single rota with night shifts from May."
    item = Item(heading="Estates update", text=f"{filler} {change} {filler}")
    flag = flagger.flag([item])[0]
    assert flag.workforce_impacting
    assert change in flag.evidence
    plain = flagger.flag([Item(heading="Estates update", text=filler)])[0]
    assert plain.score < flag.score
    scores = flagger.model.scores(item_table([ItemText(text=item.text)]))
    assert scores.texts[0] == change
