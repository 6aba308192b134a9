"""LoRA path: a tiny random Qwen2, a peft step on CPU, GGUF conversion, llama.cpp lora_path."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.llama_backend import open_llama
from models.lora import LoraSettings
from models.lora import convert_adapter
from models.lora import convert_base
from models.lora import extract_converter
from models.lora import find_converter
from models.lora import train_lora

PAIRS = [
    ("Reply to: Can we meet on Friday?", "Yes, Friday works for me."),
    ("Reply to: Is the invoice paid?", "Yes, it was paid on Monday."),
    ("Reply to: Lunch tomorrow?", "Sounds good, see you at noon."),
    ("Reply to: Did you get the report?", "Got it, thanks."),
]


def test_no_pairs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        train_lora(tmp_path, [], tmp_path / "adapter")


def test_converter_is_found_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_converter(tmp_path) is None
    folder = tmp_path / "llama.cpp"
    folder.mkdir()
    for name in ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py"):
        (folder / name).write_text("")
    assert find_converter(tmp_path) == folder
    monkeypatch.setenv("SIFT_LLAMA_CPP", str(folder))
    assert find_converter(None) == folder


def converter_for_tests(cache: Path, scratch: Path) -> Path | None:
    """llama.cpp's converters: found, or copied out of the installed llama-cpp-python's sdist.

    The sdist comes from the package index (reachable in CI, as for the install
    itself); offline, the test skips.
    """
    found = find_converter(cache)
    if found is not None:
        return found
    version = importlib.metadata.version("llama-cpp-python")
    fetched = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", f"llama-cpp-python=={version}"),
            *("--no-deps", "--no-binary", ":all:", "-d", str(scratch)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    sdists = sorted(scratch.glob("llama_cpp_python-*.tar.gz"))
    if fetched.returncode != 0 and not sdists:
        return None
    return extract_converter(sdists[0], cache / "llama.cpp")


def tiny_qwen(folder: Path, cache: Path) -> None:
    """A random 2-layer, 64-wide Qwen2 with the real Qwen2.5 tokenizer (read from the GGUF).

    The converter recognises a tokenizer by hashing how it splits a test
    string, so the vocabulary must be a real one; the weights need not be.
    """
    from transformers import AutoTokenizer
    from transformers import Qwen2Config
    from transformers import Qwen2ForCausalLM

    gguf = cache / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    if not gguf.is_file():
        pytest.skip("the Qwen GGUF (its tokenizer) is not assembled in the cache")
    tokenizer = AutoTokenizer.from_pretrained(cache, gguf_file=gguf.name)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=True,
    )
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    assert json.loads((folder / "config.json").read_text())["architectures"] == ["Qwen2ForCausalLM"]


@pytest.mark.integration
def test_tiny_lora_trains_converts_and_loads_in_llama_cpp(
    tmp_path: Path, model_cache: Path
) -> None:
    """GIVEN a tiny random Qwen2 WHEN a LoRA is trained for one step on CPU,
    converted with llama.cpp's scripts and loaded with lora_path THEN it generates."""
    converter = converter_for_tests(model_cache, tmp_path / "sdist")
    if converter is None:
        pytest.skip("llama.cpp converters absent and the sdist could not be downloaded")
    pytest.importorskip("llama_cpp")
    base = tmp_path / "tiny-qwen2"
    tiny_qwen(base, model_cache)
    adapter = train_lora(base, PAIRS, tmp_path / "adapter", settings=LoraSettings(rank=4, alpha=8))
    assert (adapter / "adapter_config.json").is_file()
    base_gguf = convert_base(base, tmp_path / "base.gguf", converter, outtype="f32")
    lora_gguf = convert_adapter(adapter, base, tmp_path / "lora.gguf", converter, outtype="f32")
    assert base_gguf.read_bytes()[:4] == lora_gguf.read_bytes()[:4] == b"GGUF"

    llm = open_llama(
        str(base_gguf),
        lora_path=str(lora_gguf),
        n_ctx=128,
        n_threads=1,
        verbose=False,
        seed=0,
    )
    out = llm.create_completion("Reply to: Can we meet?", max_tokens=4, temperature=0.0)
    assert out["usage"]["completion_tokens"] >= 1
    llm.close()
    assert lora_gguf.stat().st_size < base_gguf.stat().st_size
