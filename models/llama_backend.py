"""GGUF chat models through llama-cpp-python.

The model loads on first use (mmap, about half a second for the default), so
constructing a ``LlamaGenerator`` is free. One instance is not thread-safe: the
engine calls it from a single model thread, as llama-cpp's own server does.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from models.base import Generation
from models.base import ModelInfo

if TYPE_CHECKING:
    from llama_cpp import Llama


class LlamaLoadError(Exception):
    """The GGUF file is missing, corrupt or not loadable."""


# Constructing a Llama reads llama_model_default_params() from the module at
# call time; open_llama swaps it for one load, so loads take turns.
_DEFAULTS_LOCK = threading.Lock()


def amx_kernels_built() -> bool:
    """Whether this llama.cpp build carries ggml's AMX matrix kernels.

    ``-march=native`` (llama-cpp-python's default build) compiles them in on a
    CPU that reports AMX, such as a Sapphire Rapids Xeon.
    """
    import llama_cpp  # noqa: PLC0415 - lazy: a heavy native import

    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


def open_llama(model_path: str, **kwargs: Any) -> Llama:
    """``llama_cpp.Llama(model_path=..., **kwargs)``, without llama.cpp's AMX kernels.

    WORKAROUND for https://github.com/ggml-org/llama.cpp/issues/20824 (open):
    a build with AMX kernels segfaults in ``ggml_backend_amx_mul_mat`` at the
    first decode (seen with llama-cpp-python 0.3.36 on an AMX Xeon, every
    model and prompt). The kernels run only through llama.cpp's "extra buffer
    types", which ``Llama`` has no argument for, so for such a build the
    model is loaded with ``use_extra_bufts`` off. That also gives up the CPU
    weight repacking of the same mechanism; builds without AMX load as usual.
    Every Llama that Sift, its tests and its benchmarks open comes from here.
    """
    import llama_cpp  # noqa: PLC0415 - lazy: a heavy native import
    import llama_cpp.llama_cpp as native  # noqa: PLC0415 - lazy, as above

    if not amx_kernels_built():
        return llama_cpp.Llama(model_path=model_path, **kwargs)
    defaults = native.llama_model_default_params

    def without_extra_buffers() -> Any:
        params = defaults()
        params.use_extra_bufts = False
        return params

    with _DEFAULTS_LOCK:
        native.llama_model_default_params = without_extra_buffers
        try:
            return llama_cpp.Llama(model_path=model_path, **kwargs)
        finally:
            native.llama_model_default_params = defaults


def default_threads() -> int:
    """Physical-ish core count: llama.cpp gains nothing from hyper-threads."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, count or 1)


def gpu_layers(requested: int | None) -> int:
    """How many layers to offload: all (-1) when llama.cpp was built with GPU support.

    Args:
        requested: an explicit count from the settings, or ``None`` for auto.
    """
    if requested is not None:
        return requested
    import llama_cpp  # noqa: PLC0415 - lazy: a heavy native import

    return -1 if llama_cpp.llama_supports_gpu_offload() else 0


class LlamaGenerator:
    """A chat model in a GGUF file.

    Args:
        path: the .gguf file.
        name: display / registry name.
        version: stable identifier of the weights.
        n_ctx: context window to allocate.
        n_threads: CPU threads (default: the cores this process may use).
        n_gpu_layers: layers to offload; ``None`` offloads all when a GPU build is present.
        lora_path: an optional GGUF LoRA adapter. It applies only to calls made
            through the view ``adapted()`` returns, so one loaded model serves
            both the adapted task (reply drafts) and everything else on the
            base weights (summaries).
        lora_name: the adapter's version, shown in the view's ``info``.
        seed: sampling seed (generation is greedy, so this only matters for ties).
    """

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        version: str,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        n_gpu_layers: int | None = None,
        lora_path: Path | None = None,
        lora_name: str = "",
        seed: int = 0,
    ) -> None:
        self._path = path
        self._name = name
        self._version = version
        self._n_ctx = n_ctx
        self._n_threads = n_threads or default_threads()
        self._n_gpu_layers = n_gpu_layers
        self._lora_path = lora_path
        self._lora_name = lora_name or (lora_path.stem if lora_path else "")
        self._adapter: Any = None  # llama.cpp's handle, loaded with the model
        self._adapter_on = False
        self._seed = seed
        self._llama: Llama | None = None
        self._device = "cpu"
        self._lock = threading.Lock()

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            name=self._name,
            version=self._version,
            path=str(self._path),
            backend="llama-cpp",
            device=self._device,
        )

    @property
    def context_length(self) -> int:
        return self._n_ctx

    @property
    def has_adapter(self) -> bool:
        """Whether a LoRA adapter comes with the model (``adapted()`` applies it)."""
        return self._lora_path is not None

    @property
    def loaded(self) -> bool:
        """Whether the weights are in memory."""
        return self._llama is not None

    def load(self) -> Llama:
        """Load the weights now (idempotent)."""
        with self._lock:
            if self._llama is None:
                llama = self._open()
                if self._lora_path is not None:
                    self._adapter = self._open_adapter(llama, self._lora_path)
                self._llama = llama
            return self._llama

    def use_adapter(self, path: Path | None, name: str = "") -> None:
        """Serve this GGUF LoRA adapter through ``adapted()`` from the next call on.

        The model stays loaded; the old adapter is taken off the context and
        freed. ``None``: no adapter.
        """
        with self._lock:
            if path == self._lora_path:
                return
            if self._llama is not None and self._adapter is not None:
                import llama_cpp  # noqa: PLC0415 - loaded already: the model is

                self._set_adapter(self._llama, on=False)
                llama_cpp.llama_adapter_lora_free(self._adapter)
                self._adapter = None
            self._lora_path = path
            self._lora_name = name or (path.stem if path else "")
            if self._llama is not None and path is not None:
                self._adapter = self._open_adapter(self._llama, path)

    def adapted(self) -> AdaptedGenerator:
        """The view that generates with the LoRA adapter on.

        Raises:
            ValueError: this generator has no adapter.
        """
        if self._lora_path is None:
            raise ValueError("this generator has no LoRA adapter")
        return AdaptedGenerator(self, self._lora_name)

    @staticmethod
    def _open_adapter(llama: Llama, path: Path) -> Any:
        import llama_cpp  # noqa: PLC0415 - lazy: a heavy native import

        if not path.is_file():
            raise LlamaLoadError(f"LoRA adapter not found: {path}")
        adapter = llama_cpp.llama_adapter_lora_init(llama.model, str(path).encode("utf-8"))
        if not adapter:
            raise LlamaLoadError(f"llama.cpp could not load the LoRA adapter {path.name}")
        return adapter

    def _set_adapter(self, llama: Llama, *, on: bool) -> None:
        """Switch the adapter on or off for the next call (under ``_lock``)."""
        if on == self._adapter_on:
            return
        import ctypes  # noqa: PLC0415 - only where adapters are switched

        import llama_cpp  # noqa: PLC0415 - lazy: a heavy native import

        count = 1 if on else 0
        adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(self._adapter)
        scales = (ctypes.c_float * 1)(1.0)
        if llama_cpp.llama_set_adapters_lora(llama.ctx, adapters, count, scales):
            raise LlamaLoadError(f"llama.cpp could not apply the LoRA adapter {self._lora_name}")
        # The cached prompt was computed with the other weights: evaluate it again.
        llama.reset()
        self._adapter_on = on

    def _open(self) -> Llama:
        if not self._path.is_file():
            raise LlamaLoadError(f"model file not found: {self._path}")
        with self._path.open("rb") as handle:
            if handle.read(4) != b"GGUF":
                raise LlamaLoadError(f"{self._path.name} is not a GGUF file")
        layers = gpu_layers(self._n_gpu_layers)
        try:
            llama = open_llama(
                str(self._path),
                n_ctx=self._n_ctx,
                n_threads=self._n_threads,
                n_threads_batch=self._n_threads,
                n_gpu_layers=layers,
                seed=self._seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as error:
            raise LlamaLoadError(f"llama.cpp could not load {self._path.name}: {error}") from error
        self._device = "cuda" if layers != 0 else "cpu"
        return llama

    def count_tokens(self, text: str) -> int:
        llama = self.load()
        return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def generate(
        self,
        messages: Sequence[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """Run one chat completion, greedy, streaming tokens to ``on_token``.

        Cancelling stops generation between tokens and returns what was
        produced so far with ``cancelled=True``.
        """
        return self._generate(
            messages,
            schema=schema,
            max_tokens=max_tokens,
            on_token=on_token,
            cancel=cancel,
            adapter=False,
        )

    def _generate(
        self,
        messages: Sequence[dict[str, str]],
        *,
        schema: dict[str, Any] | None,
        max_tokens: int,
        on_token: Callable[[str], None] | None,
        cancel: threading.Event | None,
        adapter: bool,
    ) -> Generation:
        llama = self.load()
        response_format: Any = (
            {"type": "json_object", "schema": schema} if schema is not None else None
        )
        started = time.perf_counter()
        pieces: list[str] = []
        cancelled = False
        with self._lock:
            if self._adapter is not None:
                self._set_adapter(llama, on=adapter)
            stream = llama.create_chat_completion(
                messages=list(messages),  # type: ignore[arg-type]
                response_format=response_format,
                max_tokens=max_tokens,
                temperature=0.0,
                top_k=1,
                stream=True,
            )
            for chunk in stream:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                delta = chunk["choices"][0]["delta"]  # type: ignore[index]
                piece = delta.get("content") or ""  # type: ignore[union-attr]
                if piece:
                    pieces.append(piece)
                    if on_token is not None:
                        on_token(piece)
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        text = "".join(pieces)
        # Streamed chunks are not tokens (a multi-byte character held back
        # arrives with the next one), so count the output by tokenizing it;
        # what else sits in the context is the prompt.
        completion = (
            len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)) if text else 0
        )
        return Generation(
            text=text,
            prompt_tokens=max(0, llama.n_tokens - completion),
            completion_tokens=completion,
            seconds=time.perf_counter() - started,
            cancelled=cancelled,
        )

    def close(self) -> None:
        with self._lock:
            if self._llama is not None:
                self._llama.close()  # frees the model, and with it its adapters
                self._llama = None
                self._adapter = None
                self._adapter_on = False


class AdaptedGenerator:
    """A ``LlamaGenerator`` seen with its LoRA adapter on (a ``Generator``).

    It shares the model, its lock and its context with the base generator;
    each call switches the adapter on, and the base's own calls switch it off.
    """

    def __init__(self, base: LlamaGenerator, adapter: str) -> None:
        self._base = base
        self._adapter = adapter

    @property
    def info(self) -> ModelInfo:
        info = self._base.info
        return ModelInfo(
            name=info.name,
            version=f"{info.version}+{self._adapter}",
            path=info.path,
            backend=info.backend,
            device=info.device,
        )

    @property
    def context_length(self) -> int:
        return self._base.context_length

    def count_tokens(self, text: str) -> int:
        return self._base.count_tokens(text)

    def generate(
        self,
        messages: Sequence[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """As ``LlamaGenerator.generate``, with the adapter applied."""
        return self._base._generate(  # noqa: SLF001 - the view of its own base
            messages,
            schema=schema,
            max_tokens=max_tokens,
            on_token=on_token,
            cancel=cancel,
            adapter=True,
        )

    def close(self) -> None:
        """Nothing to release: the base generator owns the model."""
