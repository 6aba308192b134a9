"""LoRA path: a tiny random Qwen2, a peft step on CPU, GGUF conversion, llama.cpp lora_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.llama_backend import open_llama
from models.lora import LoraSettings
from models.lora import base_from_gguf
from models.lora import convert_adapter
from models.lora import convert_base
from models.lora import find_converter
from models.lora import train_lora
from tests.helpers.lora import require_converter
from tests.helpers.lora import tiny_qwen

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


@pytest.mark.integration
def test_tiny_lora_trains_converts_and_loads_in_llama_cpp(
    tmp_path: Path, model_cache: Path
) -> None:
    """GIVEN a tiny random Qwen2 WHEN a LoRA is trained for one step on CPU,
    converted with llama.cpp's scripts and loaded with lora_path THEN it generates."""
    converter = require_converter(model_cache, tmp_path / "sdist")
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


@pytest.mark.integration
def test_a_gguf_only_model_gets_a_hugging_face_folder(tmp_path: Path, model_cache: Path) -> None:
    """GIVEN a model that exists only as a GGUF WHEN a base folder is made from it
    THEN transformers loads that folder with the same weights and the chat template."""
    converter = require_converter(model_cache, tmp_path / "sdist")
    import torch
    from transformers import AutoModelForCausalLM
    from transformers import AutoTokenizer

    original = tmp_path / "tiny-qwen2"
    tiny_qwen(original, model_cache)
    gguf = convert_base(original, tmp_path / "tiny.gguf", converter, outtype="f32")
    folder = base_from_gguf(gguf, tmp_path / "from-gguf")
    config = json.loads((folder / "config.json").read_text())
    assert config["architectures"] == ["Qwen2ForCausalLM"]
    made = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    source = AutoModelForCausalLM.from_pretrained(original, local_files_only=True)
    name = "model.layers.0.self_attn.q_proj.weight"
    assert torch.equal(made.state_dict()[name], source.state_dict()[name])
    assert AutoTokenizer.from_pretrained(folder, local_files_only=True).chat_template
