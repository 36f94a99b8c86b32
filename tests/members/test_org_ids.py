"""Organisation identifiers (org-id.guide): each register's numbers, normalised and unique."""

import pytest
from django.core.exceptions import ValidationError

from members.org_ids import normalise_org_id, validate_org_id
from tests.factories import OrganisationFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("GB-CHC-1234567", "GB-CHC-1234567"),
        ("gb-chc-1234567", "GB-CHC-1234567"),
        (" GB CHC 1234 567 ", "GB-CHC-1234567"),
        ("GB-CHC-123456", "GB-CHC-123456"),
        ("GBCHC12345678", "GB-CHC-12345678"),
        ("GB-SC-SC012345", "GB-SC-SC012345"),
        ("gb-sc-012345", "GB-SC-SC012345"),
        ("GB-NIC-100002", "GB-NIC-100002"),
        ("GB-NIC-NIC100002", "GB-NIC-100002"),
        ("GB-COH-01234567", "GB-COH-01234567"),
        ("GB-COH-1234567", "GB-COH-01234567"),
        ("gb-coh-sc123456", "GB-COH-SC123456"),
        ("GB-COH-NI123456", "GB-COH-NI123456"),
        ("GB-MPR-12345R", "GB-MPR-12345R"),
        ("GB-EDU-103456", "GB-EDU-103456"),
        ("gb-lae-bir", "GB-LAE-BIR"),
        ("", ""),
    ],
)
def test_good_identifiers_are_stored_in_one_form(typed, stored):
    assert normalise_org_id(typed) == stored
    validate_org_id(normalise_org_id(typed))  # does not raise


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567", "Start with the register's prefix"),
        ("GB-XYZ-1234567", "Start with the register's prefix"),
        ("GB-CHC-12345", "6 to 8 digits"),
        ("GB-CHC-123456789", "6 to 8 digits"),
        ("GB-CHC-12A4567", "6 to 8 digits"),
        ("GB-SC-SC01234", "SC and 6 digits"),
        ("GB-SC-AB012345", "SC and 6 digits"),
        ("GB-NIC-1000", "6 digits"),
        ("GB-COH-123456789", "8 characters"),
        ("GB-COH-S1234567", "8 characters"),
        ("GB-MPR-1234567", "Mutuals Public Register"),
        ("GB-EDU-12345", "URN has 6 digits"),
        ("GB-LAE-BIRM", "3-letter code"),
    ],
)
def test_bad_identifiers_are_refused_saying_what_the_register_looks_like(typed, message):
    with pytest.raises(ValidationError) as refused:
        validate_org_id(normalise_org_id(typed))
    assert message in " ".join(refused.value.messages)


def test_the_model_normalises_and_validates_on_full_clean(db):
    organisation = OrganisationFactory(org_id="")
    organisation.org_id = "gb chc 1100001"
    organisation.full_clean()
    assert organisation.org_id == "GB-CHC-1100001"
    organisation.org_id = "GB-CHC-11"
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "org_id" in refused.value.message_dict


def test_an_identifier_belongs_to_one_organisation_but_many_may_have_none(db):
    OrganisationFactory(org_id="GB-CHC-1100001")
    OrganisationFactory(org_id="")
    OrganisationFactory(org_id="")  # blank twice is fine
    second = OrganisationFactory.build(org_id="gb-chc-1100001", slug="another")
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "already has this identifier" in " ".join(refused.value.messages)
