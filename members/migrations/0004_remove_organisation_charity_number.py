from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("members", "0003_charity_number_to_org_id")]

    operations = [migrations.RemoveField(model_name="organisation", name="charity_number")]
