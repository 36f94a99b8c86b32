"""The data migration that turns a free-text charity number into an org-id."""

import importlib

import pytest

migration = importlib.import_module("members.migrations.0003_charity_number_to_org_id")


@pytest.mark.parametrize(
    ("number", "org_id"),
    [
        ("1183402", "GB-CHC-1183402"),
        (" 1183 402 ", "GB-CHC-1183402"),
        ("sc012345", "GB-SC-SC012345"),
        ("NIC100002", "GB-NIC-100002"),
        ("", ""),
        ("reg. charity", None),
        ("12", None),
    ],
)
def test_a_plausible_charity_number_becomes_an_org_id_and_anything_else_is_refused(number, org_id):
    assert migration.org_id_from_charity_number(number) == org_id
