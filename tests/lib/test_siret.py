import pytest

from certiprev.lib.siret import luhn_ok, normalise_siret, siret_error

BAD_LENGTH = "Le SIRET doit comporter exactement 14 chiffres."
BAD_KEY = "Ce SIRET est invalide (clé de contrôle incorrecte)."
BAD_SIREN = "Ce SIRET est invalide : le SIREN (9 premiers chiffres) a une clé de contrôle incorrecte."


@pytest.mark.parametrize("siret", ["73282932000074", "44306184100021", "552 100 554 00021", "732.829.320-00074"])
def test_a_siret_with_valid_luhn_keys_is_accepted(siret):
    assert siret_error(siret) is None


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000079", BAD_KEY),  # last digit changed
        ("73282932000047", BAD_KEY),  # two digits swapped
        ("73282933000074", BAD_SIREN),
        ("7328293200007", BAD_LENGTH),
        ("732829320000740", BAD_LENGTH),
        ("7328293200007A", BAD_LENGTH),
        ("", BAD_LENGTH),
        (None, BAD_LENGTH),
    ],
)
def test_an_invalid_siret_is_refused_with_a_french_message(siret, message):
    assert siret_error(siret) == message


def test_la_poste_establishments_follow_the_sum_of_digits_rule():
    # La Poste (SIREN 356 000 000): the 14 digits add up to a multiple of 5, the Luhn key is not used.
    assert siret_error("35600000049837") is None
    assert siret_error("356 000 000 49837") is None
    assert not luhn_ok("35600000049837")
    assert siret_error("35600000049838") == BAD_KEY
    assert siret_error("35600000000014") == BAD_KEY  # Luhn-valid, but digits add up to 23


def test_la_poste_head_office_keeps_its_luhn_key():
    # The head office is the exception to the exception (INSEE; python-stdnum does the same).
    assert sum(map(int, "35600000000048")) % 5 != 0
    assert siret_error("35600000000048") is None


def test_normalising_removes_spaces_dots_and_hyphens_only():
    assert normalise_siret(" 732 829.320-00074 ") == "73282932000074"
    assert normalise_siret(None) == ""


@pytest.mark.parametrize(("digits", "valid"), [("732829320", True), ("732829321", False), ("0", True), ("18", True)])
def test_luhn(digits, valid):
    assert luhn_ok(digits) is valid
