"""Text typed by people: control and bidirectional control characters dropped, spelling kept."""

import pytest

from certiprev.lib.names import BIDI_CONTROLS, clean_name, clean_text

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
BIDI.append("\u061c")


@pytest.mark.parametrize("control", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidirectional_controls_are_dropped_from_names_and_free_text(control):
    assert clean_name(f"Jean{control}-Paul {control}Éloïse") == "Jean-Paul Éloïse"
    assert clean_text(f"motif{control} : erreur", multiline=True) == "motif : erreur"


def test_the_trojan_source_override_no_longer_reverses_a_name():
    assert clean_name("\u202eesiuoL\u202c Martin") == "esiuoL Martin"  # stored as typed, displayed as stored


def test_exactly_the_bidirectional_controls_are_listed():
    assert frozenset(BIDI) == BIDI_CONTROLS


def test_joiners_and_letters_of_right_to_left_scripts_are_kept():
    assert clean_name("  Nour  \u0627\u0644\u0647\u062f\u0649 ") == "Nour \u0627\u0644\u0647\u062f\u0649"
    assert clean_name("Mon\u200dique") == "Mon\u200dique"  # ZWJ: not a direction control
