"""LoRA path for the LLM: train an adapter with peft, convert it to GGUF, serve it with llama.cpp.

1. ``train_lora``: a peft LoRA adapter on a Hugging Face causal LM folder,
   trained on ``(prompt, output)`` pairs (the user's accepted or edited
   drafts); only the output tokens carry loss. CUDA is used when torch sees
   a GPU, else the CPU (fine for a test step, slow for real data).
2. ``convert_base`` / ``convert_adapter``: llama.cpp's own converters
   (``convert_hf_to_gguf.py``, ``convert_lora_to_gguf.py``), run as
   subprocesses. They are not vendored into Sift (94 modules, MIT-licensed,
   tied to the llama.cpp version): ``find_converter`` looks in
   ``SIFT_LLAMA_CPP`` or ``<cache>/llama.cpp``, and ``extract_converter``
   copies them there from the llama-cpp-python sdist, whose
   ``vendor/llama.cpp`` carries them with their MIT licence.
3. ``LlamaGenerator(..., lora_path=...)`` (``models.llama_backend``) loads
   base + adapter with ``llama_cpp.Llama(lora_path=...)``.

The base model folder needs a ``config.json`` with ``architectures``
(e.g. ``["Qwen2ForCausalLM"]``): the converters pick the architecture from it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models.publish import publish_dir

CONVERTER_ENV = "SIFT_LLAMA_CPP"
CONVERTER_FILES = ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py")
# What the converters import, inside the sdist's vendor/llama.cpp.
CONVERTER_PARTS = (*CONVERTER_FILES, "conversion/", "gguf-py/", "LICENSE")


class ConverterMissing(Exception):
    """llama.cpp's conversion scripts are not available."""


@dataclass(frozen=True, slots=True)
class LoraSettings:
    """Hyperparameters of the adapter.

    Attributes:
        rank: LoRA rank r.
        alpha: LoRA scaling numerator.
        target_modules: attention projections that get adapters.
        epochs: passes over the pairs.
        lr: AdamW learning rate.
        max_length: token limit per pair.
        seed: torch seed.
    """

    rank: int = 8
    alpha: int = 16
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    epochs: int = 1
    lr: float = 1e-3
    max_length: int = 512
    seed: int = 0


def train_lora(
    base: Path,
    pairs: Sequence[tuple[str, str]],
    target: Path,
    *,
    settings: LoraSettings | None = None,
) -> Path:
    """Train a LoRA adapter on ``(prompt, output)`` pairs; publish it as the folder ``target``.

    Returns:
        ``target`` (a peft adapter folder: ``adapter_config.json`` and weights).
    """
    if not pairs:
        raise ValueError("a LoRA adapter needs at least one (prompt, output) pair")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch  # noqa: PLC0415 - lazy: seconds to import
    from peft import LoraConfig  # noqa: PLC0415
    from peft import get_peft_model  # noqa: PLC0415
    from transformers import AutoModelForCausalLM  # noqa: PLC0415
    from transformers import AutoTokenizer  # noqa: PLC0415

    settings = settings or LoraSettings()
    torch.manual_seed(settings.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True).to(device)
    with warnings.catch_warnings():
        # peft 0.21 still reads transformers' deprecated is_gradient_checkpointing.
        warnings.filterwarnings(
            "ignore", message=".*is_gradient_checkpointing", category=FutureWarning
        )
        model = get_peft_model(
            model,
            LoraConfig(
                r=settings.rank,
                lora_alpha=settings.alpha,
                target_modules=list(settings.target_modules),
                lora_dropout=0.0,
                task_type="CAUSAL_LM",
            ),
        )
    optimiser = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=settings.lr
    )
    model.train()
    for _ in range(settings.epochs):
        for prompt, output in pairs:
            prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            output_ids = tokenizer(output, add_special_tokens=False)["input_ids"]
            if tokenizer.eos_token_id is not None:
                output_ids = [*output_ids, tokenizer.eos_token_id]
            ids = (prompt_ids + output_ids)[: settings.max_length]
            # Loss on the output only: the adapter learns what to write, not the prompt.
            labels = ([-100] * len(prompt_ids) + output_ids)[: settings.max_length]
            batch = torch.tensor([ids], device=device)
            loss = model(input_ids=batch, labels=torch.tensor([labels], device=device)).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    return publish_dir(target, lambda part: model.save_pretrained(part))


# -- GGUF conversion -----------------------------------------------------------------


def find_converter(cache_dir: Path | None = None) -> Path | None:
    """The folder holding llama.cpp's converters: ``$SIFT_LLAMA_CPP`` or ``<cache>/llama.cpp``."""
    candidates = [Path(os.environ[CONVERTER_ENV])] if os.environ.get(CONVERTER_ENV) else []
    if cache_dir is not None:
        candidates.append(cache_dir / "llama.cpp")
    for folder in candidates:
        if all((folder / name).is_file() for name in CONVERTER_FILES):
            return folder
    return None


def extract_converter(sdist: Path, dest: Path) -> Path:
    """Copy the converters (and their MIT licence) out of a llama-cpp-python sdist.

    Args:
        sdist: ``llama_cpp_python-<version>.tar.gz``.
        dest: the folder to create (e.g. ``<cache>/llama.cpp``).
    """

    def fill(part: Path) -> None:
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                _, _, inner = member.name.partition("/vendor/llama.cpp/")
                if inner and any(inner == p or inner.startswith(p) for p in CONVERTER_PARTS):
                    member.name = inner
                    tar.extract(member, part, filter="data")

    publish_dir(dest, fill)
    if not all((dest / name).is_file() for name in CONVERTER_FILES):
        raise ConverterMissing(f"{sdist} holds no vendor/llama.cpp converters")
    return dest


# WORKAROUND: the Qwen2 converter tries a SentencePiece vocabulary first and
# falls back to BPE on FileNotFoundError, but imports sentencepiece before it
# looks for tokenizer.model, so without the package it dies on ImportError.
# Where sentencepiece is absent, this stand-in lets the fallback run.
_SENTENCEPIECE_STANDIN = """
class SentencePieceProcessor:
    def __init__(self, *args, **kwargs):
        raise FileNotFoundError("sentencepiece is not installed")
"""


def _run(converter: Path, script: str, args: list[str]) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory(prefix="sift-convert-") as shim:
        if importlib.util.find_spec("sentencepiece") is None:
            (Path(shim) / "sentencepiece.py").write_text(_SENTENCEPIECE_STANDIN, encoding="utf-8")
            env["PYTHONPATH"] = os.pathsep.join(p for p in (shim, env.get("PYTHONPATH")) if p)
        result = subprocess.run(
            [sys.executable, str(converter / script), *args],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stderr[-3000:]}")


def convert_base(model: Path, out: Path, converter: Path, *, outtype: str = "f16") -> Path:
    """A Hugging Face causal LM folder to one GGUF file (written then renamed)."""
    part = out.with_name(out.name + ".part")
    _run(
        converter,
        "convert_hf_to_gguf.py",
        [str(model), "--outfile", str(part), "--outtype", outtype],
    )
    part.replace(out)
    return out


def convert_adapter(
    adapter: Path, base: Path, out: Path, converter: Path, *, outtype: str = "f16"
) -> Path:
    """A peft adapter folder to a GGUF LoRA for ``Llama(lora_path=...)``.

    Args:
        adapter: the folder ``train_lora`` wrote.
        base: the base model's Hugging Face folder (its ``config.json`` is read).
        out: the GGUF file to write.
        converter: ``find_converter()``.
    """
    part = out.with_name(out.name + ".part")
    _run(
        converter,
        "convert_lora_to_gguf.py",
        [str(adapter), "--base", str(base), "--outfile", str(part), "--outtype", outtype],
    )
    part.replace(out)
    return out
