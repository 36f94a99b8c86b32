"""A member finds their account page from the header, on a desktop and on a phone, and its links lead on."""

import re

from playwright.sync_api import expect

from tests.factories import OrganisationFactory, OrganisationMembershipFactory

from .helpers import page_overflow, screenshot


def test_a_member_opens_their_account_and_follows_its_links(contexts, scene, log_in):
    choir = OrganisationFactory(name="Ladywood Community Choir", slug="choir")
    OrganisationMembershipFactory(organisation=choir, member=scene.charity_member, role="member")
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.charity_member)
        page = context.new_page()
        page.goto("/bookings/")
        if phone:
            page.set_viewport_size({"width": 375, "height": 812})
        page.get_by_role("link", name="Account", exact=True).click()
        expect(page).to_have_url(re.compile(r"/account/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
        expect(page.get_by_role("link", name="Account", exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        organisations = page.get_by_role("region", name="Your organisations")
        expect(organisations).to_contain_text("Ladywood Food Bank (Organisation admin)")
        expect(organisations).to_contain_text("Ladywood Community Choir (Member)")
        screenshot(page, f"{'phone' if phone else 'desktop'}-account")
        assert page_overflow(page) == 0

        for name, heading in [
            ("Email addresses", "Email addresses"),
            ("Change your password", "Change your password"),
            ("Calendar feeds", "Calendar feeds"),
        ]:
            page.goto("/account/")
            page.get_by_role("link", name=name, exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        context.close()
