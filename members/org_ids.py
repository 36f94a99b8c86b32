"""Organisation identifiers in the org-id.guide form (`GB-CHC-1234567`), so a venue's use can be
joined to open grants data (360Giving publishes grants under the same identifiers).

Only the registers that the people who hire a Ladywood hall or hot desk are on:

- `GB-CHC` Charity Commission for England and Wales: most of the charities here (6 to 8 digits);
- `GB-SC` the Scottish Charity Regulator, OSCR (`SC` and 6 digits: GB-SC-SC012345), and
- `GB-NIC` the Charity Commission for Northern Ireland (6 digits): national charities with a
  Birmingham branch are registered there;
- `GB-COH` Companies House (8 characters: 01234567, SC123456, NI123456): companies limited by
  guarantee, community interest companies, businesses;
- `GB-MPR` the FCA's Mutuals Public Register: co-operatives and community benefit societies
  (a community shop, a housing co-op);
- `GB-EDU` the Department for Education's school URN (6 digits): schools hire halls;
- `GB-LAE` English local authorities (3 letters: GB-LAE-BIR is Birmingham City Council).

A register not listed (a health body, say) is left blank: better no identifier than a wrong one.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Scheme -> (local part, what it should look like).
SCHEMES: dict[str, tuple[re.Pattern[str], Any]] = {
    "GB-CHC": (
        re.compile(r"\d{6,8}"),
        _("a charity in England and Wales has a number of 6 to 8 digits: GB-CHC-1234567"),
    ),
    "GB-SC": (
        re.compile(r"SC\d{6}"),
        _("a Scottish charity has SC and 6 digits: GB-SC-SC012345"),
    ),
    "GB-NIC": (
        re.compile(r"\d{6}"),
        _("a charity in Northern Ireland has 6 digits: GB-NIC-100002"),
    ),
    "GB-COH": (
        re.compile(r"\d{8}|[A-Z]{2}\d{6}"),
        _("a company number has 8 characters: GB-COH-01234567 or GB-COH-SC123456"),
    ),
    "GB-MPR": (
        re.compile(r"(IP)?\d{1,6}R?"),
        _("a society on the Mutuals Public Register has up to 6 digits: GB-MPR-12345R"),
    ),
    "GB-EDU": (
        re.compile(r"\d{6}"),
        _("a school's URN has 6 digits: GB-EDU-103456"),
    ),
    "GB-LAE": (
        re.compile(r"[A-Z]{3}"),
        _("an English local authority has a 3-letter code: GB-LAE-BIR"),
    ),
}
# SC last, so that it does not take the start of another scheme's name.
_PREFIX = re.compile(r"^GB[\s\-_]*(CHC|NIC|COH|MPR|EDU|LAE|SC)")


def normalise_org_id(raw: str) -> str:
    """`raw` in the one stored form: capitals, the scheme and the local part joined by a hyphen,
    no spaces ("gb chc 1234 567" -> "GB-CHC-1234567"); Companies House numbers of digits only are
    padded to 8 ("GB-COH-1234567" -> "GB-COH-01234567"), a Scottish charity's missing SC is
    added. Text that starts with no known scheme is returned trimmed and upper-case, for the
    validator to refuse."""
    text = raw.strip().upper()
    if not text:
        return ""
    match = _PREFIX.match(text)
    if match is None:
        return " ".join(text.split())
    scheme = "GB-" + match.group(1)
    local = re.sub(r"[\s\-_./]", "", text[match.end() :])
    if scheme == "GB-COH" and local.isdigit() and len(local) < 8:
        local = local.zfill(8)
    if scheme == "GB-SC" and local.isdigit() and len(local) == 6:
        local = "SC" + local
    if scheme == "GB-NIC" and local.startswith("NIC"):
        local = local[3:]
    return f"{scheme}-{local}"


def validate_org_id(value: str) -> None:
    """Refuse an identifier that is not `<scheme>-<local part>` of a scheme above, saying what
    that register's numbers look like. Give it normalised (OrgIdField does)."""
    if not value:
        return
    scheme, _sep, local = value.rpartition("-")
    if scheme not in SCHEMES:
        raise ValidationError(
            _(
                "Start with the register's prefix, e.g. GB-CHC- for a charity in England and "
                "Wales or GB-COH- for a company, then its number (GB-CHC-1234567)."
            ),
            code="unknown_scheme",
        )
    pattern, looks_like = SCHEMES[scheme]
    if not pattern.fullmatch(local):
        raise ValidationError(
            _("%(value)s is not a valid identifier: %(looks_like)s."),
            code="invalid",
            params={"value": value, "looks_like": looks_like},
        )


class OrgIdField(models.CharField):
    """A CharField that stores an org-id normalised, and validates it (blank allowed)."""

    default_validators = [validate_org_id]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_org_id(value) if isinstance(value, str) else value
