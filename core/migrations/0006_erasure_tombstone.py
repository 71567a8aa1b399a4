"""Erasure tombstones (core_erasure_tombstone) and the audit row's action (erase | lift).

Erasures recorded before this migration get their tombstone from the audit row: its digest is the same keyed
HMAC of the call id or email. (Their people's calls and Gong user ids were not recorded, so only the subject
itself is blocked for those; erasures from now on tombstone every call and Gong user they remove.)
"""

import django.db.models.deletion
from django.db import migrations, models


def tombstones_from_records(apps, schema_editor):
    record_model = apps.get_model("core", "ErasureRecord")
    tombstone_model = apps.get_model("core", "ErasureTombstone")
    tombstones = [
        tombstone_model(kind=record.kind, subject_digest=record.subject_digest, record_id=record.pk)
        for record in record_model.objects.order_by("created_at")
    ]
    tombstone_model.objects.bulk_create(tombstones, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_erasure_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='erasurerecord',
            name='action',
            field=models.CharField(choices=[('erase', 'Erased'), ('lift', 'Tombstone lifted')], default='erase', max_length=10),
        ),
        migrations.CreateModel(
            name='ErasureTombstone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('call', 'Gong call id'), ('person', 'Email'), ('gong_user', 'Gong user id')], max_length=10)),
                ('subject_digest', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tombstones', to='core.erasurerecord')),
            ],
            options={
                'db_table': 'core_erasure_tombstone',
                'constraints': [
                    models.CheckConstraint(
                        condition=models.Q(('subject_digest__regex', '^[0-9a-f]{64}$')),
                        name='core_erasure_tombstone_digest_hex',
                    )
                ],
            },
        ),
        migrations.RunPython(tombstones_from_records, migrations.RunPython.noop),
    ]
