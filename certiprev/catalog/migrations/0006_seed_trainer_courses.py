from django.db import migrations

# DESIGN §10: each actor scheme has its trainer course. Formateur SST is sourced (INRS: 56 h initial over two
# non-consecutive weeks, 21 h MAC, 5 to 10 trainees, certification valid 36 months; prerequisite a valid SST or
# APS ASD certificate and the INRS e-learning attestation). The other courses take the same values, best
# knowledge, editable by network administrators. The QR byte of a course is 100 + its actor scheme's.
COURSES = {
    # actor code: (initial h, MAC h, group min, group max, validity months, prerequisite codes, e-learning)
    "SST": (56, 21, 5, 10, 36, ("SST", "APS_ASD"), True),
    "PRAP_IBC": (56, 21, 5, 10, 36, ("PRAP_IBC",), False),
    "PRAP_2S": (56, 21, 5, 10, 36, ("PRAP_2S",), False),
    "APS_ASD": (56, 21, 5, 10, 36, ("APS_ASD",), False),
    "CATEC": (56, 21, 5, 10, 36, ("CATEC",), False),
}


def seed(apps, schema_editor):
    Scheme = apps.get_model("catalog", "Scheme")
    for actor in Scheme.objects.filter(trains_trainers_for__isnull=True).order_by("qr_code"):
        initial, mac, gmin, gmax, validity, prerequisites, elearning = COURSES.get(
            actor.code, (56, 21, 5, 10, 36, (actor.code,), False)
        )
        code = f"{actor.code}_FORMATEUR"[:20]
        if Scheme.objects.filter(code=code).exists() or actor.qr_code > 155:
            continue
        course = Scheme.objects.create(
            code=code,
            name=f"Formateur {actor.code.replace('_', ' ')}",
            qr_code=100 + actor.qr_code,
            initial_hours=initial,
            mac_hours=mac,
            validity_months=validity,
            group_min=gmin,
            group_max=gmax,
            trainer_validity_months=validity,
            habilitation_months=actor.habilitation_months,
            trains_trainers_for=actor,
            requires_elearning=elearning,
        )
        course.prerequisite_schemes.set(Scheme.objects.filter(code__in=prerequisites))


def unseed(apps, schema_editor):
    apps.get_model("catalog", "Scheme").objects.filter(trains_trainers_for__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_scheme_trainer_courses")]
    operations = [migrations.RunPython(seed, unseed)]
