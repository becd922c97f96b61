"""What the card can print: `undrawable_characters` names what would come out as "?", so that it is refused."""

import pytest

from certiprev.lib.card import render_card, undrawable_characters, undrawable_message
from tests.lib.test_card_pdf import card, text_of


@pytest.mark.parametrize(
    "name",
    [
        "Dupont-Lefèvre",
        "L'Hôpital",
        "Œuvray Ÿvelin",
        "Nguyễn",
        "Ștefan Řehoř Őrsi",
        "Łukasz Şahin",
        "He\u0301le\u0300ne",
    ],
)
def test_names_the_card_fonts_can_draw_are_accepted(name):
    assert undrawable_characters(name) == []
    assert undrawable_message("Le nom", name) is None


def test_emoji_and_characters_no_font_has_are_listed_once_in_order():
    assert undrawable_characters("Zoé 😀 王 😀 ❤️ 👍🏽") == ["😀", "王", "❤️", "👍🏽"]


def test_a_question_mark_typed_as_such_is_drawable():
    assert undrawable_characters("Jean?") == []


def test_what_undrawable_characters_lists_is_exactly_what_the_card_prints_as_a_question_mark():
    text = text_of(render_card(card(holder_first_names="Léa 😀")))
    assert "Léa ?" in text
    assert undrawable_characters("Léa 😀") == ["😀"]


def test_letters_whose_capitals_are_spelled_differently_are_accepted():
    # The last name is printed in capitals: "ß" becomes "SS", "ŉ" becomes "ʼN", both drawable.
    assert undrawable_characters("Weiß \u0149") == []


def test_the_message_names_each_character_and_its_code_point_in_french():
    assert undrawable_message("Le prénom", "Zoé 😀") == (
        "Le prénom contient « 😀 » (U+1F600), un caractère que la carte ne peut pas imprimer."
    )
    assert undrawable_message("Le nom", "王 😀") == (
        "Le nom contient des caractères que la carte ne peut pas imprimer : « 王 » (U+738B), « 😀 » (U+1F600)."
    )
