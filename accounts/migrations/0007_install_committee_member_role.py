from django.db import migrations


def install(apps, schema_editor):
    # The 常委会组成人员 role (双联) is one auth group like every role; roles_install() makes it too, but an
    # existing database must have it before staff can give it to an account.
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="committee_member")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_two_factor")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
