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
3. ``LlamaGenerator(..., lora_path=...)`` / ``use_adapter`` (``models.llama_backend``)
   loads the adapter beside the model (``llama_adapter_lora_init``) and applies
   it only to calls through ``adapted()``.

Around them: ``base_from_gguf`` makes the Hugging Face folder a GGUF-only
model lacks (dequantized by transformers), ``chat_pairs`` renders chat
messages with the base's own chat template (the one llama.cpp applies when
it serves), and ``output_loss`` measures an adapter on held-out pairs, the
gate of ``assistant.reply_training``.

The base model folder needs a ``config.json`` with ``architectures``
(e.g. ``["Qwen2ForCausalLM"]``): the converters pick the architecture from it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def _peft_quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        # peft 0.21 still reads transformers' deprecated is_gradient_checkpointing.
        warnings.filterwarnings(
            "ignore", message=".*is_gradient_checkpointing", category=FutureWarning
        )
        yield


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
    with _peft_quiet():
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
            # Loss on the output only: the adapter learns what to write, not the prompt.
            ids, labels = _encode_pair(tokenizer, prompt, output, settings.max_length)
            batch = torch.tensor([ids], device=device)
            loss = model(input_ids=batch, labels=torch.tensor([labels], device=device)).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    return publish_dir(target, lambda part: model.save_pretrained(part))


def _encode_pair(tokenizer: Any, prompt: str, output: str, max_length: int) -> tuple[list, list]:
    """Token ids of prompt + output (+ EOS), and labels that score the output only."""
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    output_ids = tokenizer(output, add_special_tokens=False)["input_ids"]
    if tokenizer.eos_token_id is not None:
        output_ids = [*output_ids, tokenizer.eos_token_id]
    ids = (prompt_ids + output_ids)[:max_length]
    labels = ([-100] * len(prompt_ids) + output_ids)[:max_length]
    return ids, labels


def output_loss(
    base: Path,
    pairs: Sequence[tuple[str, str]],
    *,
    adapter: Path | None = None,
    max_length: int = 512,
) -> float:
    """Mean negative log-likelihood per output token of ``pairs`` (lower is better).

    Args:
        base: the Hugging Face causal LM folder.
        pairs: ``(prompt, output)`` pairs, as ``train_lora`` takes them.
        adapter: a peft adapter folder to apply on top of ``base`` (None: the base alone).
        max_length: token limit per pair, as in training.

    Raises:
        ValueError: no pair has an output token within ``max_length``.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch  # noqa: PLC0415 - lazy: seconds to import
    from transformers import AutoModelForCausalLM  # noqa: PLC0415
    from transformers import AutoTokenizer  # noqa: PLC0415

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model: Any = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
    if adapter is not None:
        from peft import PeftModel  # noqa: PLC0415

        with _peft_quiet():
            model = PeftModel.from_pretrained(model, adapter)
    model = model.to(device).eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for prompt, output in pairs:
            ids, labels = _encode_pair(tokenizer, prompt, output, max_length)
            scored = sum(1 for label in labels[1:] if label != -100)  # labels shift by one
            if not scored:
                continue
            loss = model(
                input_ids=torch.tensor([ids], device=device),
                labels=torch.tensor([labels], device=device),
            ).loss
            total += float(loss) * scored
            count += scored
    if not count:
        raise ValueError("no pair has an output token to score")
    return total / count


def chat_pairs(
    base: Path, conversations: Sequence[tuple[Sequence[dict[str, str]], str]]
) -> list[tuple[str, str]]:
    """``(messages, output)`` conversations as ``(prompt, output)`` text pairs.

    The prompt is the base tokenizer's chat template applied to the messages
    with the assistant's turn opened, so an adapter learns the very text that
    llama.cpp will put before the answer (it renders the GGUF's copy of the
    same template).
    """
    from transformers import AutoTokenizer  # noqa: PLC0415 - lazy

    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError(f"{base} has no chat template: an instruction model is needed")
    return [
        (
            str(
                tokenizer.apply_chat_template(
                    list(messages), tokenize=False, add_generation_prompt=True
                )
            ),
            output,
        )
        for messages, output in conversations
    ]


def base_from_gguf(gguf: Path, target: Path) -> Path:
    """A Hugging Face folder (fp32 weights, tokenizer, config) made from a GGUF file.

    A model that exists only as a GGUF has no weights torch can train; transformers
    reads the GGUF and dequantizes it (about 40 s and 4 GB for a 0.5B model), and the
    result is published as the folder ``target`` for ``train_lora`` and the converters.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import transformers  # noqa: PLC0415 - lazy
    from transformers import AutoModelForCausalLM  # noqa: PLC0415
    from transformers import AutoTokenizer  # noqa: PLC0415

    options: dict[str, Any] = {}
    if hasattr(transformers, "GgufConfig"):
        # transformers 5 keeps GGUF weights in their quantized blocks unless told
        # otherwise; that model can neither train nor be saved. Older releases
        # always dequantize.
        options["quantization_config"] = transformers.GgufConfig(dequantize=True)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, **options)

    def fill(part: Path) -> None:
        model.save_pretrained(part, safe_serialization=True)
        tokenizer.save_pretrained(part)
        config = part / "config.json"
        data = json.loads(config.read_text(encoding="utf-8"))
        if not data.get("architectures"):  # the converters choose the model class from it
            data["architectures"] = [type(model).__name__]
            config.write_text(json.dumps(data, indent=2), encoding="utf-8")

    return publish_dir(target, fill)


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
    """A peft adapter folder to a GGUF LoRA that llama.cpp loads beside the model.

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
