from django.conf import settings
from django.db import migrations


def create_profiles(apps, schema_editor):
    # Accounts made before this app existed (createsuperuser) get their profile too.
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("accounts", "Profile")
    missing = User.objects.filter(profile__isnull=True)
    Profile.objects.bulk_create([Profile(user=user) for user in missing])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
