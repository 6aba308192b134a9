"""A tuning round of the reply writer: a LoRA adapter on the LLM, from the drafts the user kept.

Every accepted reply draft that still stands (not undone) is an example: the
chat messages Sift asked the model with (``reply_messages``) and the text the
user sent, as the JSON the model answers in (``{"reply": ...}``), edited or
as written. The round (``train_reply``):

1. Runs from ``sift train --reply``, and in the scheduled trainer
   subprocess after the head's round when ``due``: a GPU and ``MIN_NEW``
   drafts kept since the last round. Needs ``MIN_EXAMPLES`` examples, a GPU
   (torch's CUDA) unless the caller allows the CPU, and llama.cpp's
   converters (``models.lora.find_converter``).
2. Finds the base model's Hugging Face folder: the ``reply_base`` setting, or
   one dequantized from the serving GGUF into the cache once
   (``models.lora.base_from_gguf``).
3. Holds out the newest ``HELD_OUT_SHARE`` of the examples (time order, as the
   head's gate does), trains a peft LoRA on the rest, and measures both the
   serving writer (the base, or base + the serving adapter) and the
   candidate on the held-out replies: mean log-loss per reply token.
4. **Gate**: the candidate is promoted only when its held-out loss is lower
   than the serving writer's. A promoted adapter is converted to a GGUF LoRA
   and published atomically as ``models/reply/reply-vN/`` (peft folder and
   ``adapter.gguf``), then recorded (task ``reply``); the engine puts it on
   the loaded model (``LlamaGenerator.use_adapter``) for reply drafts from
   then on. A rejected round is recorded with its numbers and leaves nothing
   behind.

An adapter belongs to the weights it was trained on: the version row keeps
the generator's version (column ``embedder``, the "trained on" model), and an
adapter is served only with that generator.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.actions.drafts import reply_messages
from assistant.errors import UserError
from assistant.store_actions import ActionStore
from assistant.store_models import ModelStore
from assistant.types import Decision
from assistant.types import ModelKind
from assistant.types import SuggestionKind
from assistant.types import TrainReport
from models.publish import settle_candidate

if TYPE_CHECKING:
    from assistant.engine import Sift
    from models.lora import LoraSettings

TASK = str(ModelKind.REPLY)
MIN_EXAMPLES = 8
MIN_NEW = 10  # a scheduled round waits for this many new kept drafts
HELD_OUT_SHARE = 0.25
ADAPTER_FILE = "adapter.gguf"
PEFT_FOLDER = "peft"
NEEDS_GPU = (
    "reply tuning (a LoRA on the language model) runs when torch sees a GPU, and none is "
    "present: `sift train --reply --cpu` runs it on the CPU, slowly"
)
NO_CONVERTER = (
    "llama.cpp's converters (convert_lora_to_gguf.py) are not in {cache}/llama.cpp nor in "
    "$SIFT_LLAMA_CPP: copy them there from the llama-cpp-python source package "
    "(models.lora.extract_converter)"
)


@dataclass(frozen=True, slots=True)
class ReplyExample:
    """One kept reply: what the model was asked, and what the user sent.

    Attributes:
        item_id: the mail replied to.
        messages: the chat messages of the reply prompt.
        output: the reply as the model's JSON answer.
        edited: whether the user changed the draft before sending it.
    """

    item_id: int
    messages: tuple[dict[str, str], ...]
    output: str
    edited: bool


def reply_examples(sift: Sift) -> list[ReplyExample]:
    """Every accepted reply draft that stands, oldest first."""
    examples = []
    for record in ActionStore(sift.store).kept(SuggestionKind.REPLY_DRAFT):
        text = str(record.detail.get("text") or "").strip()
        if not text:
            continue
        item = sift.store.item(record.item_id)
        examples.append(
            ReplyExample(
                item_id=item.id,
                messages=tuple(reply_messages(item)),
                output=json.dumps({"reply": text}, ensure_ascii=False),
                edited=bool(record.detail.get("edited")),
            )
        )
    return examples


def gpu_present() -> bool:
    """Whether torch sees a CUDA device."""
    import torch  # noqa: PLC0415 - lazy: seconds to import

    return bool(torch.cuda.is_available())


def _safe(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", version)


def base_folder(sift: Sift, gguf: Path, version: str) -> Path:
    """The base model's Hugging Face folder: the setting, or one made from the GGUF once.

    Raises:
        UserError: the ``reply_base`` setting names no model folder.
    """
    from models.lora import base_from_gguf  # noqa: PLC0415 - lazy: transformers

    if sift.settings.reply_base:
        folder = Path(sift.settings.reply_base).expanduser()
        if not (folder / "config.json").is_file():
            raise UserError(f"reply_base {folder} is not a Hugging Face model folder")
        return folder
    folder = sift.paths.cache / "hf-base" / _safe(version)
    if not (folder / "config.json").is_file():
        base_from_gguf(gguf, folder)
    return folder


def active_adapter(sift: Sift, generator_version: str) -> Path | None:
    """The serving adapter's folder for this generator, if one is promoted and complete."""
    active = ModelStore(sift.store).active(TASK)
    if active is None or active.path is None or active.embedder != generator_version:
        return None
    folder = sift.paths.heads / active.path
    return folder if (folder / ADAPTER_FILE).is_file() else None


def due(sift: Sift) -> bool:
    """Whether a scheduled round should tune the reply writer: a GPU, and enough new drafts."""
    count = len(ActionStore(sift.store).kept(SuggestionKind.REPLY_DRAFT))
    rounds = ModelStore(sift.store).versions(TASK)
    before = int(rounds[-1].trained_on + rounds[-1].held_out) if rounds else 0
    if count < MIN_EXAMPLES or count - before < MIN_NEW:
        return False
    return gpu_present()


def _skipped(trained_on: int, version: str, reason: str) -> TrainReport:
    return TrainReport(
        TASK, trained_on, 0, None, None, promoted=False, version=version, reason=reason
    )


def train_reply(
    sift: Sift, *, allow_cpu: bool = False, settings: LoraSettings | None = None
) -> TrainReport:
    """One reply-writer round: train, gate, publish or discard, record.

    Args:
        sift: the engine (its generator is the base model).
        allow_cpu: run without a GPU (tests; patient users).
        settings: LoRA hyperparameters (default ``LoraSettings()``).
    """
    from models.lora import chat_pairs  # noqa: PLC0415 - lazy: transformers
    from models.lora import convert_adapter  # noqa: PLC0415
    from models.lora import find_converter  # noqa: PLC0415
    from models.lora import output_loss  # noqa: PLC0415
    from models.lora import train_lora  # noqa: PLC0415

    started = time.perf_counter()
    versions = ModelStore(sift.store)
    serving = versions.active(TASK)
    serves_now = serving.version if serving else "base"
    examples = reply_examples(sift)
    if len(examples) < MIN_EXAMPLES:
        return _skipped(
            len(examples),
            serves_now,
            f"need at least {MIN_EXAMPLES} kept reply drafts (have {len(examples)})",
        )
    if not allow_cpu and not gpu_present():
        return _skipped(len(examples), serves_now, NEEDS_GPU)
    generator = sift.generator()
    if generator is None or not generator.info.path:
        return _skipped(len(examples), "none", "no language model to tune")
    info = generator.info
    serving_name = serving.version if serving and serving.embedder == info.version else "base"
    converter = find_converter(sift.paths.cache)
    if converter is None:
        return _skipped(len(examples), serving_name, NO_CONVERTER.format(cache=sift.paths.cache))

    base = base_folder(sift, Path(info.path), info.version)
    held = max(1, int(len(examples) * HELD_OUT_SHARE))
    pairs = chat_pairs(base, [(e.messages, e.output) for e in examples])
    train, test = pairs[:-held], pairs[-held:]
    feedback_id = versions.newest_feedback_id()
    version = f"reply-v{versions.next_number(TASK)}"
    final = sift.paths.heads / TASK / version
    scratch = final.with_name(f"{version}-candidate")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    train_lora(base, train, scratch / PEFT_FOLDER, settings=settings)
    serving_adapter = active_adapter(sift, info.version)
    old_loss = output_loss(
        base, test, adapter=serving_adapter / PEFT_FOLDER if serving_adapter else None
    )
    new_loss = output_loss(base, test, adapter=scratch / PEFT_FOLDER)
    promoted = new_loss < old_loss
    reason = (
        f"{'promoted' if promoted else 'rejected'}: held-out log-loss per reply token "
        f"{new_loss:.3f} vs {serving_name} {old_loss:.3f} on {len(test)} replies; "
        f"{'lower' if promoted else 'not lower'} (the gate asks for lower)"
    )
    if promoted:
        convert_adapter(scratch / PEFT_FOLDER, base, scratch / ADAPTER_FILE, converter)
    settle_candidate(scratch, final, keep=promoted)
    path = f"{TASK}/{version}" if promoted else None
    versions.record(
        task=TASK,
        version=version,
        decision=Decision.PROMOTED if promoted else Decision.REJECTED,
        reason=reason,
        path=path,
        embedder=info.version,
        feedback_id=feedback_id,
        metrics={
            "trained_on": len(train),
            "held_out": len(test),
            "old_loss": old_loss,
            "new_loss": new_loss,
            "edited_share": sum(e.edited for e in examples) / len(examples),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return TrainReport(
        TASK,
        len(train),
        len(test),
        None,
        None,
        promoted=promoted,
        version=version if promoted else serving_name,
        reason=reason,
    )
