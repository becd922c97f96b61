from django.db import migrations

# DESIGN §2: SST values are sourced (INRS); the others are best knowledge, editable by network administrators.
SCHEMES = [
    # code, name, qr byte, initial h, MAC h, validity months, group min, group max, trainer validity months
    ("SST", "Sauveteur Secouriste du Travail", 1, 14, 7, 24, 4, 10, 36),
    ("PRAP_IBC", "Acteur PRAP Industrie, BTP, Commerce", 2, 14, 7, 24, 4, 10, 36),
    ("PRAP_2S", "Acteur PRAP Sanitaire et Social", 3, 28, 14, 24, 4, 10, 36),
    ("APS_ASD", "Acteur Prévention Secours Aide et Soin à Domicile", 4, 21, 7, 24, 4, 10, 36),
    ("CATEC", "Certificat d'aptitude à travailler en espaces confinés", 5, 14, 7, 36, 4, 8, 36),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("catalog", "Scheme")
    for code, name, qr, initial, mac, validity, gmin, gmax, trainer_validity in SCHEMES:
        Scheme.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "qr_code": qr, "initial_hours": initial, "mac_hours": mac, "validity_months": validity,
                "group_min": gmin, "group_max": gmax, "trainer_validity_months": trainer_validity,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
