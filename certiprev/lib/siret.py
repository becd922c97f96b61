"""SIRET numbers: 14 digits with a Luhn key (La Poste's establishments follow their own rule)."""

import re

_LA_POSTE_SIREN = "356000000"
_LA_POSTE_HEAD_OFFICE = "35600000000048"  # the one La Poste establishment keyed with Luhn (INSEE)


def normalise_siret(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_error(value: str) -> str | None:
    """The French message explaining why a SIRET is invalid, or None when it is valid."""
    siret = normalise_siret(value)
    if not re.fullmatch(r"[0-9]{14}", siret):
        return "Le SIRET doit comporter exactement 14 chiffres."
    if siret.startswith(_LA_POSTE_SIREN) and siret != _LA_POSTE_HEAD_OFFICE:
        # La Poste's establishments: the digits sum to a multiple of 5 instead of the Luhn key.
        return None if sum(int(c) for c in siret) % 5 == 0 else "Ce SIRET est invalide (clé de contrôle incorrecte)."
    if not luhn_ok(siret[:9]):
        return "Ce SIRET est invalide : le SIREN (9 premiers chiffres) a une clé de contrôle incorrecte."
    if not luhn_ok(siret):
        return "Ce SIRET est invalide (clé de contrôle incorrecte)."
    return None
