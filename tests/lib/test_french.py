import pytest

from certiprev.lib.french import count_fr


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 réussite"), (1, "1 réussite"), (2, "2 réussites"), (8, "8 réussites")]
)
def test_counts_take_a_real_plural_from_two_on(n, expected):
    assert count_fr(n, "réussite") == expected


def test_an_irregular_plural_is_given():
    assert count_fr(3, "journal", "journaux") == "3 journaux"
