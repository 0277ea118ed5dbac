"""The batch run's signal handling (``pipeline.batch.interrupt``): handlers set for a while in the
main thread and given back after; off the main thread nothing is touched."""
from __future__ import annotations

import signal
import threading

import pytest

from pipeline.batch.interrupt import STOP_SIGNALS, _signals_ignored, _Stop, _stop_on_signals


def _handlers(signums) -> dict:
    return {s: signal.getsignal(s) for s in signums}


def test_ignored_for_a_while_then_given_back():
    before = _handlers(STOP_SIGNALS)
    with _signals_ignored(STOP_SIGNALS):
        assert set(_handlers(STOP_SIGNALS).values()) == {signal.SIG_IGN}
        signal.raise_signal(signal.SIGTERM)  # ignored: the test goes on
    assert _handlers(STOP_SIGNALS) == before


def test_stop_raised_by_the_signal_and_handlers_given_back():
    before = _handlers(STOP_SIGNALS)
    with pytest.raises(_Stop) as got:
        with _stop_on_signals():
            assert all(h not in (signal.SIG_IGN, signal.SIG_DFL) for h in _handlers(STOP_SIGNALS).values())
            signal.raise_signal(signal.SIGTERM)
    assert got.value.signum == signal.SIGTERM
    assert _handlers(STOP_SIGNALS) == before


def test_off_the_main_thread_nothing_is_set():
    before, seen, errors = _handlers(STOP_SIGNALS), [], []

    def work():
        try:
            with _signals_ignored(STOP_SIGNALS), _stop_on_signals():
                seen.append(_handlers(STOP_SIGNALS))
        except Exception as e:  # signal.signal off the main thread raises ValueError
            errors.append(e)
    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert not errors and seen == [before]
