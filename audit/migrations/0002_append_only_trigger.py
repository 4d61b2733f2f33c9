"""The security audit log is append-only in the database itself (issue 17): a trigger refuses every
UPDATE, and every DELETE except one made by the retention job — the transaction must have set
``audit.purge = 'on'`` (audit.services.security_events_purge does, with SET LOCAL semantics) and the row
must be older than the retention, never less than 180 days whatever the session claims.
TRUNCATE is not guarded: the test runner flushes tables with it, and it needs table ownership,
which the application role should not have in production (README, 生产部署与等保测评)."""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION audit_securityevent_append_only() RETURNS trigger AS $$
DECLARE
    days integer := GREATEST(180, COALESCE(NULLIF(current_setting('audit.retention_days', true), '')::integer, 180));
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.purge', true) = 'on'
       AND OLD.at < now() - make_interval(days => days) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_securityevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_securityevent_append_only
    BEFORE UPDATE OR DELETE ON audit_securityevent
    FOR EACH ROW EXECUTE FUNCTION audit_securityevent_append_only();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS audit_securityevent_append_only ON audit_securityevent;
DROP FUNCTION IF EXISTS audit_securityevent_append_only();
"""


def install_schedule(apps, schema_editor):
    from notifications.schedules import install

    install(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("notifications", "0004_notification_subject_and_task"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunSQL(INSTALL, UNINSTALL),
        migrations.RunPython(install_schedule, migrations.RunPython.noop),
    ]
