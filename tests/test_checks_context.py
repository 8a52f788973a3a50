"""`s3lint.checks.Context`: a plain class in place of a frozen dataclass (start-up cost), with
the same construction, equality, hashing, repr and pickling."""

from __future__ import annotations

import dataclasses
import pickle

from hypothesis import given
from hypothesis import strategies as st

from s3lint.checks import CHECK_MODULES, Context, load_check

# What Context was, under the same name so that the reprs compare.
Context_ = dataclasses.make_dataclass(
    "Context",
    [("account_ids", frozenset, dataclasses.field(default_factory=frozenset)), ("strict", bool, False)],
    frozen=True,
    slots=True,
)

ACCOUNTS = st.frozensets(st.sampled_from(["111122223333", "444455556666"]))


def test_defaults() -> None:
    assert Context() == Context(frozenset(), False) == Context(account_ids=frozenset(), strict=False)
    assert Context().account_ids == frozenset() and Context().strict is False


@given(ACCOUNTS, st.booleans(), ACCOUNTS, st.booleans())
def test_behaves_like_the_frozen_dataclass(accounts: frozenset[str], strict: bool,
                                           other_accounts: frozenset[str], other_strict: bool) -> None:
    ours, reference = Context(accounts, strict), Context_(accounts, strict)
    other, other_reference = Context(other_accounts, other_strict), Context_(other_accounts, other_strict)
    assert repr(ours) == repr(reference)
    assert (ours == other) == (reference == other_reference)
    assert (hash(ours) == hash(other)) == (hash(reference) == hash(other_reference))
    assert pickle.loads(pickle.dumps(ours)) == ours
    assert ours != reference  # another class, as two dataclasses would be


def test_a_check_runs_with_it() -> None:
    from s3lint.model import ScanModel

    assert "S3004" in CHECK_MODULES
    assert list(load_check("S3004")(ScanModel(), Context(frozenset({"111122223333"}), True))) == []
