"""Each organisation's charity number becomes its org-id (GB-CHC-1234567 for England and Wales,
GB-SC-SC012345 for Scotland, GB-NIC-100002 for Northern Ireland), and its legal form "registered
charity" if none is recorded. A number that fits no register, or one two organisations share,
stops the migration with their names, changing nothing: fix them in the admin, then migrate.
The old field is dropped by the next migration (one name per idea)."""

import re

from django.db import migrations

from members.org_ids import normalise_org_id, validate_org_id


def org_id_from_charity_number(number: str) -> str | None:
    text = re.sub(r"[\s\-./]", "", number).upper()
    if not text:
        return ""
    if re.fullmatch(r"\d{6,8}", text):
        candidate = f"GB-CHC-{text}"
    elif re.fullmatch(r"SC\d{6}", text):
        candidate = f"GB-SC-{text}"
    elif re.fullmatch(r"NIC\d{6}", text):
        candidate = f"GB-NIC-{text[3:]}"
    else:
        return None
    candidate = normalise_org_id(candidate)
    try:
        validate_org_id(candidate)
    except Exception:
        return None
    return candidate


def forwards(apps, schema_editor):
    Organisation = apps.get_model("members", "Organisation")
    refused, seen = [], {}
    changes = []
    for organisation in Organisation.objects.exclude(charity_number="").order_by("pk"):
        org_id = org_id_from_charity_number(organisation.charity_number)
        if org_id is None:
            refused.append(f"{organisation.name} (pk {organisation.pk}): {organisation.charity_number!r} is no charity number")
            continue
        if org_id in seen:
            refused.append(f"{organisation.name} (pk {organisation.pk}): {org_id} is also {seen[org_id]}'s")
            continue
        seen[org_id] = organisation.name
        changes.append((organisation, org_id))
    if refused:
        raise RuntimeError(
            "These organisations' charity numbers cannot become org-ids; correct them in the "
            "admin, then migrate again:\n" + "\n".join(refused)
        )
    for organisation, org_id in changes:
        organisation.org_id = org_id
        if not organisation.legal_form:
            organisation.legal_form = "charity"
        organisation.save(update_fields=["org_id", "legal_form"])


def backwards(apps, schema_editor):
    Organisation = apps.get_model("members", "Organisation")
    for organisation in Organisation.objects.filter(org_id__regex=r"^GB-(CHC|SC|NIC)-"):
        scheme, _sep, local = organisation.org_id.rpartition("-")
        organisation.charity_number = local if scheme != "GB-NIC" else f"NIC{local}"
        organisation.save(update_fields=["charity_number"])


class Migration(migrations.Migration):
    dependencies = [("members", "0002_legal_form_org_id_contacts_invitations")]

    operations = [migrations.RunPython(forwards, backwards)]
