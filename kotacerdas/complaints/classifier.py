"""Suggests a category and an OPD for a new complaint, learned from past dispositions.

The admin koordinator confirms every suggestion; the model only saves reading time. It learns from what
admins actually did: every complaint that reached disposisi is one example, with
- text: the staff copy of title + description, with NIK/phone/e-mail masked and digits folded to "0" first,
  so no personal number ever enters the model's vocabulary (the saved file holds that vocabulary);
- labels: the category code, and the OPD that ended up with the case: the agency of the *last* disposisi or
  limpah event, because a limpah is the correction of a wrong first disposisi.

Model: TF-IDF over word 1-2-grams and character 2-5-grams within words (the latter survives "jln"/"jalan",
"tdk"/"tidak" and typos), one shared vectoriser, and two multinomial logistic regressions (category and OPD),
whose predict_proba gives the confidence shown to the admin. Trained daily (tasks.retrain_classifier) and once
by seed_demo; saved with joblib under DATA_DIR/models with a timestamp version. `suggest` keeps the newest
file loaded and reloads when a newer one appears (the task runs in another process).

Texts are never logged: only counts, versions and scores.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

log = logging.getLogger("kotacerdas.complaints.classifier")

MODEL_PREFIX = "complaint-router-"
# Below this many dispositions a model mostly repeats the most common category; better no suggestion at all.
MIN_EXAMPLES = 50
MIN_CLASSES = 2
# Share of the most recent examples held out to report accuracy before the final fit on everything.
HOLDOUT_SHARE = 0.2
KEEP_MODELS = 5

_DIGITS = re.compile(r"\d")


def model_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def prepare(title: str, description: str) -> str:
    from kotacerdas.lib.pii import mask_personal_data

    text = mask_personal_data(f"{title or ''}\n{description or ''}")
    return _DIGITS.sub("0", text.lower())


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    agency: str
    at: datetime


@dataclass(frozen=True)
class Suggestion:
    category_code: str
    category_confidence: float
    agency_code: str
    agency_confidence: float
    model_version: str


@dataclass
class Metrics:
    n: int
    category_accuracy: float
    agency_accuracy: float
    category_macro_f1: float
    agency_macro_f1: float
    category_confusions: list[tuple[str, str, int]] = field(default_factory=list)
    agency_confusions: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class TrainReport:
    ok: bool
    message: str
    n_examples: int = 0
    n_categories: int = 0
    n_agencies: int = 0
    version: str = ""
    path: Path | None = None
    holdout: Metrics | None = None

    def summary(self) -> str:
        if not self.ok:
            return self.message
        text = (f"versi {self.version}: {self.n_examples} contoh, {self.n_categories} kategori, "
                f"{self.n_agencies} OPD")
        if self.holdout:
            text += (f"; uji {self.holdout.n} aduan terbaru: akurasi kategori {self.holdout.category_accuracy:.1%}, "
                     f"OPD {self.holdout.agency_accuracy:.1%}")
        return text


# Data ---------------------------------------------------------------------------------------------------


def examples(until: datetime | None = None) -> list[Example]:
    """One example per complaint that reached disposisi (before `until`), oldest first."""
    from kotacerdas.complaints.models import Complaint, ComplaintEvent, EventKind

    events = ComplaintEvent.objects.filter(kind__in=(EventKind.DISPOSISI, EventKind.REROUTED),
                                           agency__isnull=False)
    if until is not None:
        events = events.filter(at__lte=until)
    final_agency: dict[int, str] = {}
    for complaint_id, code in events.order_by("at", "id").values_list("complaint_id", "agency__code"):
        final_agency[complaint_id] = code  # later rows (a limpah) overwrite the first disposisi
    rows = (Complaint.objects.filter(pk__in=final_agency.keys())
            .order_by("created_at", "pk").values_list("pk", "title", "description", "category__code", "created_at"))
    return [Example(prepare(title, description), category, final_agency[pk], created)
            for pk, title, description, category, created in rows.iterator(chunk_size=2000)]


# Fitting --------------------------------------------------------------------------------------------------


def build_vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                 strip_accents="unicode", token_pattern=r"(?u)\b\w\w+\b")),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                 strip_accents="unicode", max_features=60000)),
    ])


def _classifier() -> Any:
    from sklearn.linear_model import LogisticRegression

    # C=10 (light regularisation) suits short texts spread over many sparse n-grams; not tuned further. Balanced
    # class weights keep rare categories (kekerasan-anak, ketenagakerjaan) from being swallowed by sampah.
    return LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")


def fit(train: list[Example]) -> dict[str, Any]:
    """A model bundle (vectoriser + two classifiers) fitted on `train`."""
    vectorizer = build_vectorizer()
    x = vectorizer.fit_transform([e.text for e in train])
    category_model = _classifier().fit(x, [e.category for e in train])
    agency_model = _classifier().fit(x, [e.agency for e in train])
    return {"vectorizer": vectorizer, "category": category_model, "agency": agency_model}


def _confusions(truth: list[str], predicted: list[str], top: int) -> list[tuple[str, str, int]]:
    pairs = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return [(t, p, n) for (t, p), n in pairs.most_common(top)]


def evaluate(bundle: dict[str, Any], test: list[Example], top: int = 8) -> Metrics:
    from sklearn.metrics import accuracy_score, f1_score

    x = bundle["vectorizer"].transform([e.text for e in test])
    cat_true, ag_true = [e.category for e in test], [e.agency for e in test]
    cat_pred, ag_pred = list(bundle["category"].predict(x)), list(bundle["agency"].predict(x))
    return Metrics(
        n=len(test),
        category_accuracy=float(accuracy_score(cat_true, cat_pred)),
        agency_accuracy=float(accuracy_score(ag_true, ag_pred)),
        category_macro_f1=float(f1_score(cat_true, cat_pred, average="macro", zero_division=0)),
        agency_macro_f1=float(f1_score(ag_true, ag_pred, average="macro", zero_division=0)),
        category_confusions=_confusions(cat_true, cat_pred, top),
        agency_confusions=_confusions(ag_true, ag_pred, top),
    )


def split_by_time(data: list[Example], holdout_share: float = HOLDOUT_SHARE) -> tuple[list[Example], list[Example]]:
    """Oldest (1 - share) for training, newest share for testing: the model is always used on future cases."""
    ordered = sorted(data, key=lambda e: e.at)
    cut = int(round(len(ordered) * (1 - holdout_share)))
    return ordered[:cut], ordered[cut:]


def train(now: datetime | None = None) -> TrainReport:
    """Fits on every disposition up to `now`, reports held-out accuracy, saves a new version."""
    import joblib

    now = now or timezone.now()
    data = examples(until=now)
    categories = {e.category for e in data}
    agencies = {e.agency for e in data}
    if len(data) < MIN_EXAMPLES or len(categories) < MIN_CLASSES or len(agencies) < MIN_CLASSES:
        message = (f"Data belum cukup: {len(data)} aduan terdisposisi ({len(categories)} kategori, "
                   f"{len(agencies)} OPD); minimal {MIN_EXAMPLES} aduan dan {MIN_CLASSES} kelas.")
        log.info("classifier not trained: %d examples", len(data))
        return TrainReport(ok=False, message=message, n_examples=len(data), n_categories=len(categories),
                           n_agencies=len(agencies))

    holdout = None
    train_part, test_part = split_by_time(data)
    if len({e.category for e in train_part}) >= MIN_CLASSES and len({e.agency for e in train_part}) >= MIN_CLASSES \
            and test_part:
        holdout = evaluate(fit(train_part), test_part)
    bundle = fit(data)
    version = timezone.localtime(now).strftime("%Y%m%d%H%M%S")
    bundle.update({"version": version, "trained_at": now.isoformat(), "n_examples": len(data),
                   "holdout": holdout.__dict__ if holdout else None})
    directory = model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{MODEL_PREFIX}{version}.joblib"
    if path.exists():  # two trainings within one second: keep versions distinct and ordered
        version = f"{version}{now.microsecond:06d}"
        bundle["version"] = version
        path = directory / f"{MODEL_PREFIX}{version}.joblib"
    tmp = path.with_suffix(".tmp")
    joblib.dump(bundle, tmp, compress=3)
    tmp.replace(path)  # atomic: a reader never sees half a file
    _prune(directory)
    log.info("classifier %s trained on %d examples (%d categories, %d agencies)", version, len(data),
             len(categories), len(agencies))
    return TrainReport(ok=True, message="ok", n_examples=len(data), n_categories=len(categories),
                       n_agencies=len(agencies), version=version, path=path, holdout=holdout)


def _prune(directory: Path) -> None:
    for old in sorted(directory.glob(f"{MODEL_PREFIX}*.joblib"))[:-KEEP_MODELS]:
        old.unlink(missing_ok=True)


# Suggesting -----------------------------------------------------------------------------------------------

_lock = threading.Lock()
_loaded: tuple[Path, float, dict[str, Any]] | None = None


def latest_model_path() -> Path | None:
    # Versions are zero-padded timestamps, so the name order is the time order.
    files = sorted(model_dir().glob(f"{MODEL_PREFIX}*.joblib"))
    return files[-1] if files else None


def load() -> dict[str, Any] | None:
    """The newest saved model, cached; reloaded when a newer file (or a rewritten one) appears."""
    import joblib

    global _loaded
    path = latest_model_path()
    if path is None:
        return None
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:  # pruned between glob and stat by a training in another process
        return _loaded[2] if _loaded else None
    current = _loaded
    if current is not None and current[0] == path and current[1] == mtime:
        return current[2]
    with _lock:
        if _loaded is None or _loaded[0] != path or _loaded[1] != mtime:
            _loaded = (path, mtime, joblib.load(path))
        return _loaded[2]


def reset_cache() -> None:
    global _loaded
    with _lock:
        _loaded = None


def suggest(title: str, description: str) -> Suggestion | None:
    """Category and OPD for a new text with their probabilities, or None when no model is trained yet."""
    bundle = load()
    if bundle is None or not (title or description):
        return None
    x = bundle["vectorizer"].transform([prepare(title, description)])
    cat_model, ag_model = bundle["category"], bundle["agency"]
    cat_p, ag_p = cat_model.predict_proba(x)[0], ag_model.predict_proba(x)[0]
    ci, ai = int(cat_p.argmax()), int(ag_p.argmax())
    return Suggestion(
        category_code=str(cat_model.classes_[ci]), category_confidence=round(float(cat_p[ci]), 4),
        agency_code=str(ag_model.classes_[ai]), agency_confidence=round(float(ag_p[ai]), 4),
        model_version=str(bundle["version"]),
    )
