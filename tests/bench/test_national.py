"""The pure helpers of the national load (bench/national.py): what they write must be what the product writes."""

import random
import re
import uuid

import pytest

from bench.national import (
    CITIES,
    COMPANY_WORDS,
    COMPOUND_FIRST,
    FIRST_NAMES,
    LAST_NAMES,
    ORG_WORDS,
    copy_safe,
    luhn_siret,
    trainer_number,
    uuid4_text,
)
from certiprev.lib.siret import siret_error
from certiprev.trainers.models import TRAINER_NUMBER_RE


def test_uuid4_text_is_the_canonical_text_of_a_version_4_uuid():
    rng = random.Random(3)
    for _ in range(200):
        bits = rng.getrandbits(128)
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
    assert uuid.UUID(uuid4_text(0)).version == 4


def test_luhn_siret_is_accepted_by_the_product():
    sirets = {luhn_siret(73282932 * 100_000 + i) for i in range(500)}
    assert len(sirets) == 500
    assert all(len(s) == 14 and siret_error(s) is None for s in sirets)


def test_trainer_numbers_are_unique_and_valid_starting_at_ben00000():
    assert trainer_number(0) == "BEN00000"  # bench.www's benchmarked trainer
    assert trainer_number(99_999) == "BEN99999"
    assert trainer_number(100_000) == "BEO00000"
    numbers = [trainer_number(i) for i in range(0, 3_000_000, 997)]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(TRAINER_NUMBER_RE, n) for n in numbers)


def test_name_pools_need_no_copy_escaping():
    for pool in (LAST_NAMES, FIRST_NAMES, COMPOUND_FIRST, CITIES, ORG_WORDS, COMPANY_WORDS):
        assert copy_safe(list(pool)) == list(pool)
        assert all(len(name) <= 100 and name == name.strip() for name in pool)
    with pytest.raises(ValueError, match="escaping"):
        copy_safe(["Dupont\tMartin"])
