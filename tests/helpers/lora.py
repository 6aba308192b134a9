"""A tiny random Qwen2 and llama.cpp's converters, for the LoRA tests (CPU, seconds)."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.lora import extract_converter
from models.lora import find_converter


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


def require_converter(cache: Path, scratch: Path) -> Path:
    """``converter_for_tests``, or skip the test when the converters cannot be had."""
    converter = converter_for_tests(cache, scratch)
    if converter is None:
        pytest.skip("llama.cpp converters absent and the sdist could not be downloaded")
    return converter
