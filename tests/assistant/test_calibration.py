"""Calibration: temperature scaling, the word pool and per-category abstention."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.calibration import MIN_CHECKED
from assistant.calibration import Calibration
from assistant.calibration import ece
from assistant.calibration import fit
from assistant.calibration import scale
from assistant.triage import Example
from assistant.triage import Triage
from assistant.types import Category
from assistant.types import ItemKind
from assistant.words import WordModel
from assistant.words import tokens
from models.fake import FakeEmbedder

NAMES = ["a", "b", "c"]


def _overconfident(rows: int, seed: int = 0) -> tuple[np.ndarray, list[int]]:
    """A head that is right ~60 % of the time but always claims ~97 %."""
    rng = np.random.default_rng(seed)
    golds = rng.integers(0, 3, rows).tolist()
    probabilities = np.full((rows, 3), 0.015)
    for row, gold in enumerate(golds):
        guess = gold if rng.random() < 0.6 else (gold + 1 + int(rng.integers(0, 2))) % 3
        probabilities[row, guess] = 0.97
    return probabilities, golds


def test_temperature_scaling_reduces_ece_of_an_overconfident_head() -> None:
    held_out, golds = _overconfident(300, seed=1)
    calibration = fit(held_out, None, golds, NAMES, 0.3)
    assert calibration.temperature > 1.5  # it softens the head
    assert calibration.ece_before is not None and calibration.ece_after is not None
    assert calibration.ece_before > 0.3
    assert calibration.ece_after < calibration.ece_before / 3
    # On fresh rows from the same head, the fitted temperature keeps its promise.
    fresh, fresh_golds = _overconfident(300, seed=2)
    log_fresh = np.log(fresh)
    assert ece(scale(log_fresh, calibration.temperature), fresh_golds) < ece(
        scale(log_fresh, 1.0), fresh_golds
    )
    # Scaling never changes which class wins.
    assert (scale(log_fresh, calibration.temperature).argmax(1) == fresh.argmax(1)).all()


def test_a_category_with_poor_held_out_precision_gets_a_higher_threshold() -> None:
    # "a" is always right; "b" is right when sure (0.8) but most "c" mail is
    # guessed "b" at 0.5, so b's guesses are right only 30 / 150 = 20 %: below
    # the 30 % the global threshold promises.
    rows = [[0.8, 0.1, 0.1]] * 30 + [[0.1, 0.8, 0.1]] * 30 + [[0.25, 0.5, 0.25]] * 120
    golds = [0] * 30 + [1] * 30 + [2] * 120
    calibration = fit(np.array(rows), None, golds, NAMES, 0.3)
    assert set(calibration.thresholds) == {"b"}
    calibrated = scale(np.log(np.array(rows)), calibration.temperature)
    sure_b, confused = calibrated[30].max(), calibrated[60].max()
    # The new bar lets the sure "b" guesses through and stops the confused ones.
    assert confused < calibration.thresholds["b"] <= sure_b
    assert calibration.threshold("a", 0.3) == 0.3


def test_a_category_that_keeps_the_global_promise_gets_no_threshold_of_its_own() -> None:
    # b's guesses are right 30 / 75 = 40 %: worse than a's, but better than the
    # 30 % the global threshold promises, so withholding them would hide more
    # right guesses than wrong ones the user cares to avoid.
    rows = [[0.8, 0.1, 0.1]] * 30 + [[0.1, 0.8, 0.1]] * 30 + [[0.25, 0.5, 0.25]] * 45
    golds = [0] * 30 + [1] * 30 + [2] * 45
    assert fit(np.array(rows), None, golds, NAMES, 0.3).thresholds == {}
    assert set(fit(np.array(rows), None, golds, NAMES, 0.5).thresholds) == {"b"}


def test_per_category_threshold_makes_triage_abstain_where_guesses_are_bad() -> None:
    embedder = FakeEmbedder()
    categories = [Category(n, f"topic {n}", ItemKind.MAIL) for n in NAMES]
    triage = Triage(embedder, threshold=0.0)
    vector = embedder.embed(["topic b"])[0]
    sure = triage.predict(vector, kind=ItemKind.MAIL, categories=categories, examples=[])
    assert sure.label is not None
    from models.head import train_head

    examples = [
        Example(i, n, embedder.embed([f"topic {n} {i}"])[0], "t") for i, n in enumerate(NAMES * 3)
    ]
    head = train_head(np.stack([e.vector for e in examples]), [e.label for e in examples])
    head.calibration = Calibration(temperature=20.0).as_json()
    triage.head, triage.head_version = head, "head-v1"
    softened = triage.predict(vector, kind=ItemKind.MAIL, categories=categories, examples=[])
    assert softened.label == sure.label and softened.confidence < 0.9
    head.calibration = Calibration(temperature=20.0, thresholds={sure.label: 0.9}).as_json()
    triage.head = head
    unsure = triage.predict(vector, kind=ItemKind.MAIL, categories=categories, examples=[])
    assert unsure.label is None and unsure.clues[0].startswith("unsure")


def test_word_model_learns_a_genre_from_a_few_labels_and_gives_clues() -> None:
    model = WordModel()
    for index in range(4):
        model.learn(tokens(f"Gas nomination {index}", "pipeline capacity nomination"), "ops")
        model.learn(tokens(f"Lunch {index}", "see you at lunch with the family"), "social")
    words = tokens("Nomination change", "capacity on the pipeline for tomorrow")
    probabilities = model.probabilities(words, ["ops", "social"])
    assert probabilities[0] > 0.8
    assert "nomination" in model.clues(words, "ops", ["ops", "social"])


def test_calibration_travels_with_the_head(tmp_path: Path) -> None:
    from models.head import load_head
    from models.head import train_head

    rng = np.random.default_rng(0)
    head = train_head(rng.normal(size=(6, 4)).astype(np.float32), ["a", "b"] * 3)
    head.calibration = Calibration(temperature=2.5, word_weight=0.35).as_json()
    head.save(tmp_path / "h.pt")
    loaded = Calibration.from_json(load_head(tmp_path / "h.pt").calibration)
    assert loaded.temperature == 2.5 and loaded.word_weight == 0.35


def _learning_triage(support: int | None) -> tuple[Triage, list[Category], list[Example]]:
    """A triage that has labels and a head whose calibration saw ``support`` held-out rows."""
    from models.head import train_head

    embedder = FakeEmbedder()
    categories = [Category(n, f"topic {n}", ItemKind.MAIL) for n in NAMES]
    examples = [
        Example(i, n, embedder.embed([f"topic {n} {i}"])[0], "t") for i, n in enumerate(NAMES * 3)
    ]
    head = train_head(np.stack([e.vector for e in examples]), [e.label for e in examples])
    # A huge temperature flattens every confidence to about 1/3, below the 0.5 bar.
    head.calibration = {**Calibration(temperature=50.0).as_json(), "support": support}
    triage = Triage(embedder, threshold=0.5)
    triage.head, triage.head_version = head, "head-v1"
    return triage, categories, examples


def test_an_unchecked_confidence_gives_the_best_guess_instead_of_unsure() -> None:
    triage, categories, examples = _learning_triage(support=MIN_CHECKED - 1)
    vector = FakeEmbedder().embed(["topic b"])[0]
    guess = triage.predict(vector, kind=ItemKind.MAIL, categories=categories, examples=examples)
    assert guess.confidence < 0.5  # below the threshold...
    assert guess.label is not None  # ...yet not withheld: nothing has checked that score
    assert guess.clues[0].startswith("best guess: ")


def test_a_checked_confidence_below_the_threshold_abstains() -> None:
    triage, categories, examples = _learning_triage(support=MIN_CHECKED)
    vector = FakeEmbedder().embed(["topic b"])[0]
    unsure = triage.predict(vector, kind=ItemKind.MAIL, categories=categories, examples=examples)
    assert unsure.label is None and unsure.clues[0].startswith("unsure")


def test_zero_shot_still_abstains_before_any_label() -> None:
    embedder = FakeEmbedder()
    categories = [Category(n, f"topic {n}", ItemKind.MAIL) for n in NAMES]
    vector = embedder.embed(["something unrelated entirely"])[0]
    prediction = Triage(embedder, threshold=0.99).predict(
        vector, kind=ItemKind.MAIL, categories=categories, examples=[]
    )
    assert prediction.label is None and prediction.clues[0].startswith("unsure")


def test_support_round_trips_and_old_heads_count_as_checked() -> None:
    held_out, golds = _overconfident(60)
    fitted = fit(held_out, None, golds, NAMES, 0.3)
    assert fitted.support == 60 and fitted.checked
    assert Calibration.from_json(fitted.as_json()).support == 60
    assert not Calibration().checked  # no head: nothing checked yet
    legacy = {k: v for k, v in fitted.as_json().items() if k != "support"}
    assert Calibration.from_json(legacy).checked
