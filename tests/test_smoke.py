from certiprev.catalog.models import Scheme


def test_the_scheme_table_is_seeded_with_the_design_values(db):
    sst = Scheme.objects.get(code="SST")
    assert (sst.initial_hours, sst.mac_hours, sst.validity_months, sst.group_min, sst.group_max) == (14, 7, 24, 4, 10)
    actors = {"SST", "PRAP_IBC", "PRAP_2S", "APS_ASD", "CATEC"}
    assert set(Scheme.objects.actor().values_list("code", flat=True)) == actors
    # DESIGN §10: each actor scheme has its trainer course.
    assert set(Scheme.objects.trainer_courses().values_list("code", flat=True)) == {f"{c}_FORMATEUR" for c in actors}
    assert Scheme.objects.get(code="CATEC").group_max == 8
