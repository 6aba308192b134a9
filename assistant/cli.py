"""The ``sift`` command line (everything but the GUI, which ``ui.main`` adds).

Every command that lists or reports takes ``--json``. Errors the user can fix
print one line and exit with status 2; bugs print a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.engine import Sift
from assistant.errors import UserError
from assistant.report import item_line
from assistant.report import print_item
from assistant.report import print_report
from assistant.sources import SourceKind
from assistant.types import ActionRecord
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import Progress
from assistant.types import Recommendation
from assistant.types import SignalKind

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample"


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Item):
            out.pop("text", None)
            out["text_chars"] = len(value.text)
        return out
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def emit(value: Any) -> None:
    """Print a value as JSON."""
    print(json.dumps(_jsonable(value), ensure_ascii=False, indent=2))


def _progress(args: argparse.Namespace) -> Any:
    if args.json or args.quiet:
        return None

    def show(progress: Progress) -> None:
        count = f"{progress.done}/{progress.total}" if progress.total else f"{progress.done}"
        print(
            f"\r{progress.stage:>10}: {count} {progress.message[:50]:<50}",
            end="" if progress.done < progress.total or not progress.total else "\n",
            file=sys.stderr,
            flush=True,
        )

    return show


def open_sift(args: argparse.Namespace) -> Sift:
    """A Sift on the chosen data folder, with progress on stderr."""
    return Sift(args.data_dir, progress=_progress(args))


def demo_paths() -> list[Path]:
    """The bundled sample inbox and documents."""
    return [SAMPLE / "inbox.mbox", SAMPLE / "documents"]


def cmd_demo(args: argparse.Namespace) -> int:
    if args.data_dir is None:
        from assistant.paths import resolve  # noqa: PLC0415

        args.data_dir = resolve().data / "demo"
    with open_sift(args) as sift:
        sift.ingest(demo_paths(), summarize=not args.no_summaries)
        items = sift.items()  # everything, also what an earlier demo run stored
        if args.json:
            emit([{"item": it, "suggestions": sift.suggestions(it.id)} for it in items])
        else:
            print_report(sift, items)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from assistant.watcher import Watcher  # noqa: PLC0415

    stop = threading.Event()
    with open_sift(args) as sift:
        sources = sift.sources()
        if not sources:
            raise UserError("no sources to watch; add one with `sift sources add PATH`")
        roots = [Path(s["path"]) for s in sources]
        print(f"initial scan of {len(roots)} source(s)…", file=sys.stderr)
        sift.ingest(roots, summarize=not args.no_summaries)
        gone = sift.reconcile(roots)  # files deleted while Sift was closed
        if gone:
            print(f"{len(gone)} item(s) whose files were deleted", file=sys.stderr)
        lock = threading.Lock()

        def changed(paths: list[Path]) -> None:
            targets = set()
            for path in paths:
                for source in sources:
                    root = Path(source["path"])
                    if path == root or root in path.parents:
                        folder = source["kind"] == SourceKind.FOLDER
                        targets.add(path if folder else root)
            with lock:
                for item in sift.ingest(sorted(targets), summarize=not args.no_summaries):
                    print(item_line(item), flush=True)
                for item_id in sift.reconcile(roots):
                    print(f"{item_id:>5}  GONE      {sift.item(item_id).source_path}", flush=True)

        watcher = Watcher(
            [(s["kind"], s["path"]) for s in sources],
            changed,
            delay=sift.settings.stability_seconds,
        )
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        watcher.start()
        for path in watcher.polled:
            print(
                f"polling {path} every few seconds: the system's file-watch limit is reached "
                "(raise fs.inotify.max_user_watches to watch it live)",
                file=sys.stderr,
            )
        print("watching; Ctrl-C stops", file=sys.stderr, flush=True)
        try:
            stop.wait()
        finally:
            sift.cancel.set()
            watcher.stop()
            print("stopped", file=sys.stderr)
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        if args.action == "add":
            for path in args.paths:
                source_id = sift.add_source(path)
                if not args.json:
                    print(f"source {source_id}: {Path(path).expanduser().absolute()}")
        elif args.action == "remove":
            for source_id in args.paths:
                sift.remove_source(int(source_id))
        rows = sift.sources()
        if args.json:
            emit(rows)
        elif args.action == "list":
            for row in rows:
                print(f"{row['id']:>4}  {row['kind']:<8} {row['path']}")
    return 0


def show_items(args: argparse.Namespace, items: list[Item]) -> int:
    """Print items as JSON or one line each."""
    if args.json:
        emit(items)
    else:
        for item in items:
            print(item_line(item))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        return show_items(args, sift.ingest(args.paths, summarize=not args.no_summaries))


def cmd_items(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        return show_items(args, sift.items(limit=args.limit))


def cmd_search(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        return show_items(args, sift.search(" ".join(args.words), limit=args.limit or 100))


def cmd_show(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        item = sift.item(args.id)
        suggestions = sift.suggestions(item.id, state=None)
        if args.json:
            emit({"item": item, "text": item.text, "suggestions": suggestions})
        else:
            print_item(item, suggestions, full=True)
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        streamed = not args.json

        def on_token(piece: str) -> None:
            print(piece, end="", file=sys.stderr, flush=True)

        def on_progress(progress: Progress) -> None:
            print(f"[{progress.message}]", file=sys.stderr, flush=True)

        summary = sift.summarize_file(
            args.file,
            on_token=on_token if streamed else None,
            on_progress=on_progress if streamed else None,
        )
        if streamed:
            print(file=sys.stderr)
        if args.json:
            emit(summary)
        else:
            label = " (extractive: the language model was not used)" if summary.extractive else ""
            print(f"Summary{label}: {summary.one_line}")
            for point in summary.key_points:
                print(f"  - {point}")
            for action in summary.action_items:
                print(f"  → {action}")
            for note in summary.notes:
                print(f"  ({note})")
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        item = sift.retry(args.id)
        emit(item) if args.json else print(item_line(item))
    return 0


def cmd_suggestions(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        suggestions = sift.suggestions(args.item)
        if args.json:
            emit(suggestions)
        else:
            for s in suggestions:
                print(
                    f"{s.id:>5}  item {s.item_id:<5} {s.kind:<14} {s.confidence:4.0%}  {s.reason}"
                )
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    edited = None
    if args.edit_text is not None:
        try:
            edited = args.edit_text.read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot read {args.edit_text}: {error.strerror or error}") from error
    with open_sift(args) as sift:
        record = sift.accept_action(args.id, edited_text=edited)
        suggestion = sift.store.suggestion(args.id)
        if args.json:
            emit({**_jsonable(suggestion), "action": _jsonable(record)})
        else:
            print(f"accepted {suggestion.id}: {suggestion.kind}")
            print(f"action {record.id}: {record.summary}")
            if record.kind == "reply_draft":
                print(record.detail.get("text", ""))
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        suggestion = sift.reject(args.id, correct=args.correct)
        if args.json:
            emit(suggestion)
        else:
            extra = f"; item filed as {args.correct}" if args.correct else ""
            print(f"rejected {suggestion.id}: {suggestion.kind}{extra}")
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        item = sift.label(args.item, args.category)
        emit(item) if args.json else print(item_line(item))
    return 0


def cmd_junk(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        item = sift.mark_junk(args.item, args.command == "junk")
        emit(item) if args.json else print(item_line(item))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        if args.reply:
            report = sift.train_reply(allow_cpu=args.cpu)
        elif args.encoder:
            report = sift.train_encoder()
        else:
            report = sift.train()
        if args.json:
            emit(report)
        else:

            def pct(value: float | None) -> str:
                return "n/a" if value is None else f"{value:.1%}"

            print(f"task {report.task}: trained on {report.trained_on}, held out {report.held_out}")
            if report.old_accuracy is not None or report.new_accuracy is not None:
                print(
                    f"held-out accuracy: serving {pct(report.old_accuracy)}, "
                    f"candidate {pct(report.new_accuracy)}"
                )
            print(f"{'promoted' if report.promoted else 'not promoted'}: {report.reason}")
            print(f"serving: {report.version}")
    return 0


# -- model versions (versions helper): `sift models list|rollback` ----------------

KIND_NAMES = {"category": "head", "encoder": "encoder", "junk": "junk", "reply": "reply"}
NO_VERSIONS = {
    "category": "no head trained yet (`sift train` after labelling a few items)",
    "encoder": "the configured encoder serves (`sift train --encoder` tunes a transformers one)",
    "junk": "no snapshot yet (one every 25 junk verdicts and at every `sift train`)",
    "reply": "the base model writes replies (`sift train --reply` tunes it on kept drafts)",
}


def _version_line(v: Any) -> list[str]:
    scores = (
        f"held-out {v.old_accuracy:.1%} -> {v.new_accuracy:.1%}"
        if v.old_accuracy is not None and v.new_accuracy is not None
        else "held-out n/a"
    )
    marker = "*" if v.active else " "
    lines = [
        f"{marker} {KIND_NAMES.get(v.task, v.task):<8} {v.version:<11} "
        f"{v.created_at[:19].replace('T', ' ')}  {v.decision:<8} "
        f"train {v.trained_on:<5} held {v.held_out:<4} {scores}"
    ]
    lines.append(
        f"    {v.reason}" + (f" (rolled back {v.rolled_back_at[:19]})" if v.rolled_back_at else "")
    )
    return lines


def cmd_models(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        if args.action == "rollback":
            report = sift.rollback(args.kind, args.version, keep_later=args.keep_later)
            if args.json:
                emit(report)
                return 0
            kind = KIND_NAMES.get(str(report.kind), str(report.kind))
            print(f"{kind}: {report.version} serves now (was {report.replaced or 'none'})")
            for note in report.notes:
                print(f"  {note}")
            return 0
        versions = sift.model_versions(args.kind)
        if args.json:
            emit(versions)
            return 0
        tasks = ["category", "encoder", "junk", "reply"] if args.kind is None else []
        tasks = tasks or sorted({v.task for v in versions}) or [str(args.kind)]
        for task in tasks:
            rows = [v for v in versions if v.task == task]
            if not rows:
                print(f"  {KIND_NAMES.get(task, task):<8} {NO_VERSIONS.get(task, 'no versions')}")
            for v in rows:
                print("\n".join(_version_line(v)))
            if task == "encoder" and rows and not any(v.active for v in rows):
                print("* encoder  base         the configured encoder folder serves")
        print("(* serves; `sift models rollback [--kind K] [VERSION]` serves an earlier one)")
    return 0


def add_models_parser(add: Any) -> None:
    """``sift models list [--kind K]`` and ``sift models rollback [--kind K] [VERSION]``."""
    models = add("models", cmd_models, "list learned model versions (* serves) or roll back")
    # The common flags again, so they may also follow the action; suppressed
    # defaults, so only a flag given here replaces one given before the action.
    flags = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    flags.add_argument("--data-dir", type=Path, help="where Sift keeps its data")
    flags.add_argument("--json", action="store_true", help="print JSON")
    flags.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    actions = models.add_subparsers(dest="action", required=True)
    kinds = ["head", "category", "encoder", "junk", "reply"]
    for name, text in (
        ("list", "every version of every kind (head, encoder, junk, reply); * serves"),
        ("rollback", "serve an earlier version (default: the one before the serving one)"),
    ):
        action = actions.add_parser(name, parents=[flags], help=text, description=text)
        action.add_argument(
            "--kind", choices=kinds, default=None, help="model kind (default: all / the version's)"
        )
        if name == "rollback":
            action.add_argument("version", nargs="?", default=None, help="e.g. head-v2, junk-v3")
            action.add_argument(
                "--keep-later",
                action="store_true",
                help="junk: re-teach the verdicts given after the snapshot instead of listing them",
            )


# -- end of model versions ----------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        stats = sift.stats()
        if args.json:
            emit(stats)
        else:
            for key, value in stats.items():
                print(f"{key:>22}: {value}")
    return 0


def cmd_categories(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        if args.action == "add":
            sift.add_category(args.name, args.description or "", kind=ItemKind(args.kind))
        elif args.action == "rename":
            sift.rename_category(args.name, args.new_name)
        elif args.action == "delete":
            sift.delete_category(args.name)
        categories = sift.categories()
        if args.json:
            emit(categories)
        else:
            for c in categories:
                print(f"{c.kind:<9} {c.name:<14} {c.description[:70]}")
    return 0


# -- actions ----------------------------------------------------------------


def _action_line(record: ActionRecord) -> str:
    state = f"undone {record.undone_at[:19]}" if record.undone_at else record.created_at[:19]
    head = f"{record.id:>5}  item {record.item_id:<5} {record.kind:<14}"
    return f"{head} {state:<26} {record.summary}"


def cmd_actions(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        records = sift.actions(limit=args.limit)
        if args.json:
            emit(records)
        else:
            for record in records:
                print(_action_line(record))
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        text = sift.draft_text(args.id)
        emit({"suggestion_id": args.id, "text": text}) if args.json else print(text)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        record = sift.undo(args.id)
        if args.json:
            emit(record)
        else:
            print(f"undid action {record.id} ({record.kind}): {record.detail.get('undo', '')}")
    return 0


def cmd_bills(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        bills = sift.bills()
        written = sift.export_bills(args.csv) if args.csv else None
        if args.json:
            emit({"bills": bills, "csv": str(written) if written else None})
            return 0
        for bill in bills:
            amount = "" if bill.amount is None else f"{bill.amount:,.2f}"
            due = bill.due or "-"
            print(f"{bill.id:>4}  {due:<10} {amount:>12} {bill.currency:<4} {bill.payee}")
        if written:
            print(f"wrote {len(bills)} bill(s) to {written}", file=sys.stderr)
    return 0


def cmd_reminders(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        for reminder_id in args.dismiss or ():
            sift.dismiss_reminder(reminder_id)
        reminders = sift.due_reminders() if args.due else sift.reminders()
        if args.json:
            emit(reminders)
        else:
            for reminder in reminders:
                print(
                    f"{reminder.id:>4}  {reminder.due_at:<19}  item {reminder.item_id:<5} "
                    f"{reminder.note}"
                )
    return 0


def cmd_read_later(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        entries = sift.read_later()
        if args.json:
            emit(entries)
        else:
            for entry in entries:
                print(f"{entry.id:>4}  item {entry.item_id:<5} {entry.title}")
    return 0


def cmd_trash(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        purged = sift.purge_trash() if args.purge else []
        entries = sift.trash()
        if args.json:
            emit({"purged": purged, "entries": entries})
            return 0
        for entry in purged:
            print(f"purged  {entry.trash_path}")
        days = sift.settings.trash_days
        for entry in entries:
            when = entry.trashed_at[:19]
            print(f"{entry.id:>4}  {when}  {entry.original_path}  ({entry.reason})")
        if not args.purge:
            print(
                f"entries older than {days} days are removed by `sift trash --purge`",
                file=sys.stderr,
            )
    return 0


# -- signals, recommendations and monitoring ------------------------------------


def _recommendations(args: argparse.Namespace, recommendations: list[Recommendation]) -> int:
    if args.json:
        emit(recommendations)
    else:
        for r in recommendations:
            print(f"{r.item.id:>5}  {r.score:4.2f}  {r.item.title[:50]:<50}  {r.reason}")
    return 0


def cmd_read_next(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        return _recommendations(args, sift.read_next(args.limit))


def cmd_related(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        return _recommendations(args, sift.related(args.id, args.limit))


def _rate(rates: tuple[float | None, ...], counts: tuple[int, ...]) -> str:
    total = sum(counts)
    if not total:
        return "   n/a (0)"
    hits = sum((rate or 0.0) * count for rate, count in zip(rates, counts, strict=True))
    return f"{hits / total:6.0%} ({total})"


def cmd_metrics(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        metrics = sift.metrics(bucket=args.bucket)
        if args.json:
            emit(metrics)
            return 0
        print(f"{args.bucket:<12}{'acceptance':>16}{'accuracy':>16}")
        for k, bucket in enumerate(metrics.buckets):
            cells = [
                _rate(series.rates[k : k + 1], series.counts[k : k + 1])
                for series in (metrics.acceptance, metrics.accuracy)
            ]
            print(f"{bucket:<12}" + "".join(f"{cell:>16}" for cell in cells))
        for title, group in (
            ("acceptance by action kind", metrics.acceptance_by_kind),
            ("acceptance by category", metrics.acceptance_by_category),
            ("accuracy by action kind", metrics.accuracy_by_kind),
            ("accuracy by category", metrics.accuracy_by_category),
        ):
            print(f"{title}:")
            for series in group:
                print(f"  {series.name:<22}{_rate(series.rates, series.counts):>16}")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        alerts = sift.alerts()
        if args.json:
            emit(alerts)
        else:
            for alert in alerts:
                print(f"DRIFT {alert.message}")
            if not alerts:
                print("no alerts")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        if args.html:
            path = sift.export_digest(args.html, args.day)
            emit({"path": str(path)}) if args.json else print(f"wrote {path}")
            return 0
        digest = sift.digest(args.day)
        if args.json:
            emit(digest)
            return 0
        print(f"digest for {digest.day}: {len(digest.entries)} low-priority item(s)")
        for entry in digest.entries:
            print_item(entry.item, entry.suggestions)
    return 0


def cmd_signal(args: argparse.Namespace) -> int:
    with open_sift(args) as sift:
        sift.record_signal(args.id, args.kind, args.value)
        signals = sift.signals(args.id)
        if args.json:
            emit(signals)
        else:
            print(f"recorded {args.kind} ({args.value:g}) for item {args.id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every engine command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None, help="where Sift keeps its data")
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    parser = argparse.ArgumentParser(prog="sift", description="Your local mail and file assistant.")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    demo = add("demo", cmd_demo, "ingest the bundled sample inbox and documents and report")
    demo.add_argument("--headless", action="store_true", help="print a report instead of the GUI")
    demo.add_argument("--no-summaries", action="store_true")
    add("gui", None, "open the desktop app")
    watch = add("watch", cmd_watch, "watch the sources and process changes (Ctrl-C stops)")
    watch.add_argument("--no-summaries", action="store_true")
    sources = add("sources", cmd_sources, "add, list or remove watched folders and mailboxes")
    sources.add_argument("action", choices=["add", "list", "remove"])
    sources.add_argument("paths", nargs="*", help="paths to add, or ids to remove")
    ingest = add("ingest", cmd_ingest, "read files, folders, mbox files or Maildirs now")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--no-summaries", action="store_true")
    items = add("items", cmd_items, "list items, newest first")
    items.add_argument("--limit", type=int, default=None)
    search = add("search", cmd_search, "full-text search over titles and text")
    search.add_argument("words", nargs="+")
    search.add_argument("--limit", type=int, default=None)
    show = add("show", cmd_show, "show one item with its summary and suggestions")
    show.add_argument("id", type=int)
    retry = add("retry", cmd_retry, "read an item in the error state again")
    retry.add_argument("id", type=int)
    summarize = add("summarize", cmd_summarize, "summarize one file without storing it")
    summarize.add_argument("file", type=Path)
    suggestions = add("suggestions", cmd_suggestions, "list open suggestions")
    suggestions.add_argument("--item", type=int, default=None)
    accept = add("accept", cmd_accept, "accept a suggestion and carry out its action")
    accept.add_argument("id", type=int)
    accept.add_argument(
        "--edit-text",
        type=Path,
        default=None,
        metavar="FILE",
        help="your version: a reply draft's text, a folder, a file name or a date",
    )
    reject = add("reject", cmd_reject, "reject a suggestion, optionally with the right category")
    reject.add_argument("id", type=int)
    reject.add_argument("--correct", default=None, metavar="LABEL")
    label = add("label", cmd_label, "set an item's category (created if new)")
    label.add_argument("item", type=int)
    label.add_argument("category")
    for name, text in (("junk", "mark an item as junk"), ("not-junk", "mark an item as not junk")):
        p = add(name, cmd_junk, text)
        p.add_argument("item", type=int)
    actions = add("actions", cmd_actions, "the log of actions carried out, latest first")
    actions.add_argument("--limit", type=int, default=50)
    draft = add("draft", cmd_draft, "print a reply suggestion's draft, to edit before accepting")
    draft.add_argument("id", type=int)
    undo = add("undo", cmd_undo, "undo an action (the latest one by default)")
    undo.add_argument("id", type=int, nargs="?", default=None, metavar="ACTION_ID")
    bills = add("bills", cmd_bills, "list recorded bills, optionally exporting them as CSV")
    bills.add_argument("--csv", type=Path, default=None, metavar="PATH")
    reminders = add("reminders", cmd_reminders, "list follow-up reminders")
    reminders.add_argument("--due", action="store_true", help="only those due now")
    reminders.add_argument(
        "--dismiss", type=int, action="append", metavar="ID", help="mark a reminder done"
    )
    add("read-later", cmd_read_later, "the read-later list")
    trash = add(
        "trash", cmd_trash, "list Sift's trash; --purge removes entries past the grace period"
    )
    trash.add_argument("--purge", action="store_true")
    train = add(
        "train", cmd_train, "fine-tune on feedback; promote only if better on held-out data"
    )
    train.add_argument(
        "--encoder", action="store_true", help="fine-tune the encoder (transformers folders only)"
    )
    train.add_argument(
        "--reply",
        action="store_true",
        help="tune the reply writer: a LoRA on the LLM from kept reply drafts (needs a GPU)",
    )
    train.add_argument(
        "--cpu", action="store_true", help="with --reply: run on the CPU when there is no GPU"
    )
    add_models_parser(add)
    add("stats", cmd_stats, "counts of items, suggestions, feedback and models")
    categories = add("categories", cmd_categories, "list, add, rename or delete categories")
    categories.add_argument(
        "action", nargs="?", default="list", choices=["list", "add", "rename", "delete"]
    )
    categories.add_argument("name", nargs="?")
    categories.add_argument("new_name", nargs="?")
    categories.add_argument("--description", default=None)
    categories.add_argument("--kind", default="mail", choices=[k.value for k in ItemKind])
    # signals, recommendations and monitoring
    read_next = add(
        "read-next", cmd_read_next, "unread items ranked by your interest, with reasons"
    )
    read_next.add_argument("--limit", type=int, default=10)
    related = add("related", cmd_related, "items similar to one item (by embedding)")
    related.add_argument("id", type=int)
    related.add_argument("--limit", type=int, default=5)
    metrics = add("metrics", cmd_metrics, "acceptance rate and accuracy over time")
    metrics.add_argument("--bucket", default="day", choices=["day", "week"])
    add("alerts", cmd_alerts, "drift alerts: acceptance dropped sharply")
    digest = add("digest", cmd_digest, "a day's low-priority items with one-click actions")
    digest.add_argument("--day", default=None, metavar="YYYY-MM-DD", help="default: today (UTC)")
    digest.add_argument("--html", type=Path, default=None, metavar="PATH", help="write HTML here")
    signal_ = add("signal", cmd_signal, "record an implicit signal (for scripts)")
    signal_.add_argument("id", type=int)
    signal_.add_argument("kind", choices=[k.value for k in SignalKind])
    signal_.add_argument("value", type=float, nargs="?", default=1.0)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.handler is None:
        print("the GUI is started by `sift gui` from the installed command", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except UserError as error:
        print(f"sift: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
