import pytest
from django.core.exceptions import ValidationError

from tests.factories import SpaceFactory


@pytest.mark.parametrize("slug", ["stats", "impact", "usage", "book", "calendars"])
def test_a_space_cannot_take_a_slug_that_would_hide_a_venue_page(venue, slug):
    space = SpaceFactory.build(venue=venue, slug=slug)
    with pytest.raises(ValidationError) as error:
        space.full_clean()
    assert "slug" in error.value.message_dict


def test_an_ordinary_slug_is_accepted(venue):
    SpaceFactory.build(venue=venue, slug="meeting-room-2").full_clean()
