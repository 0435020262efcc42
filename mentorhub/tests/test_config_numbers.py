"""Numbers read from the environment: a typo stops the process at start-up with the setting's name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorhub.config import env_float


@pytest.mark.parametrize(("raw", "expected"), [(None, 1.0), ("", 1.0), ("0", 0.0), ("0.25", 0.25), (" 2 ", 2.0)])
def test_a_number_setting_reads_what_it_is_given_or_its_default(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("FUNNEL_COUNTS_PUSH_SECONDS", raising=False)
    else:
        monkeypatch.setenv("FUNNEL_COUNTS_PUSH_SECONDS", raw)
    assert env_float("FUNNEL_COUNTS_PUSH_SECONDS", 1.0) == expected


@pytest.mark.parametrize("raw", ["one", "-1", "nan", "inf", "1s"])
def test_a_number_setting_that_is_not_a_number_of_0_or_more_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("FUNNEL_COUNTS_PUSH_SECONDS", raw)
    with pytest.raises(ImproperlyConfigured, match=f"FUNNEL_COUNTS_PUSH_SECONDS must be a number.*{raw!r}"):
        env_float("FUNNEL_COUNTS_PUSH_SECONDS", 1.0)
