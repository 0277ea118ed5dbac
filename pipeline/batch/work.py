"""The work done per file, in a worker of either engine: warming up once, one file's extract
object, an outcome's failure kind; an exception becomes an ``internal`` error object."""
from __future__ import annotations

import contextlib
from typing import Callable, Optional

from ..limits import DEFAULT_LIMITS, Limits
from ..memory import release_freed

NOT_A_REPORT = "no report tables found (not a report, or its tables could not be read)"
_WARM = False
WARM_UP_TEXT = "二、主动公开政府信息情况\n规章|0|0|0\n"


def warm_up(ocr: bool = False) -> None:
    """Load what a worker needs once: the pipeline's modules, and the OCR models when asked."""
    global _WARM
    if _WARM:
        return
    from ..backend.text import read_text
    from ..extract import extract_document
    extract_document(read_text(WARM_UP_TEXT.encode(), "warm-up", ""))
    if ocr:
        with contextlib.suppress(ImportError):
            from ..ocr import get_engine
            get_engine()
    _WARM = True


def process_file(path: str, model: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
                 facts_engine: Optional[str] = None) -> dict:
    """Worker task: one file's extract object (lines labelled by the model at ``model``, else
    the shipped one; narrative facts run by ``facts_engine``, else the default one) under
    ``limits`` (its time limit is the engine's to enforce: a timeout record, retried under a
    longer one); an exception becomes an ``internal`` error object."""
    import dataclasses
    from ..extract import extract_file
    try:
        labeler = classify = None
        if model:
            from ..classifier import load_cached
            labeler = load_cached(model)
        if facts_engine:
            from ..facts import engine_classifier
            classify = engine_classifier(facts_engine)  # loaded once per worker process
        return extract_file(path, labeler, limits=dataclasses.replace(limits, timeout_s=None),
                            classify=classify).as_dict()
    except Exception as e:  # a bug on one file must not lose the others
        return {"source": path, "error": f"internal error: {type(e).__name__}: {e}", "kind": "internal"}


def failure_of(obj: dict) -> Optional[tuple[str, str]]:
    """``(kind, message)`` when an outcome is not a report, else None."""
    if obj.get("kind"):
        return obj["kind"], obj.get("error", "")
    if obj.get("error"):
        return "input", obj["error"]
    if not obj.get("template") and (obj.get("meta") or {}).get("kind") != "pre-2019-report":
        rec = obj.get("recovery")  # a damaged file: what was lost may be why
        return "not_report", NOT_A_REPORT + (f"; {obj['warnings'][0]}" if rec and obj.get("warnings") else "")
    return None


def _error_obj(kind: str, message: str) -> dict:
    return {"kind": kind, "error": message}


def _safe_call(task: Callable[[str], dict], path: str) -> dict:
    """``task(path)``, an exception as an ``internal`` error object; then what the file
    freed goes back to the system (workers are long-lived: ``pipeline.memory``)."""
    try:
        return task(path)
    except Exception as e:
        return _error_obj("internal", f"internal error: {type(e).__name__}: {e}")
    finally:
        release_freed()
