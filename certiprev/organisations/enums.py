from django.db import models


class OrganisationKind(models.TextChoices):
    TRAINING_BODY = "training_body", "Organisme de formation"
    COMPANY = "company", "Entreprise formant son personnel"


class Region(models.TextChoices):
    """The regional prevention network: Carsat, Cramif and CGSS territories."""

    ALSACE_MOSELLE = "alsace_moselle", "Carsat Alsace-Moselle"
    AQUITAINE = "aquitaine", "Carsat Aquitaine"
    AUVERGNE = "auvergne", "Carsat Auvergne"
    BFC = "bourgogne_franche_comte", "Carsat Bourgogne-Franche-Comté"
    BRETAGNE = "bretagne", "Carsat Bretagne"
    CENTRE_OUEST = "centre_ouest", "Carsat Centre-Ouest"
    CENTRE_VAL_DE_LOIRE = "centre_val_de_loire", "Carsat Centre-Val de Loire"
    HAUTS_DE_FRANCE = "hauts_de_france", "Carsat Hauts-de-France"
    ILE_DE_FRANCE = "ile_de_france", "Cramif (Île-de-France)"
    LANGUEDOC_ROUSSILLON = "languedoc_roussillon", "Carsat Languedoc-Roussillon"
    MIDI_PYRENEES = "midi_pyrenees", "Carsat Midi-Pyrénées"
    NORD_EST = "nord_est", "Carsat Nord-Est"
    NORMANDIE = "normandie", "Carsat Normandie"
    PAYS_DE_LA_LOIRE = "pays_de_la_loire", "Carsat Pays de la Loire"
    RHONE_ALPES = "rhone_alpes", "Carsat Rhône-Alpes"
    SUD_EST = "sud_est", "Carsat Sud-Est"
    GUADELOUPE = "guadeloupe", "CGSS Guadeloupe"
    GUYANE = "guyane", "CGSS Guyane"
    MARTINIQUE = "martinique", "CGSS Martinique"
    REUNION = "reunion", "CGSS La Réunion"
    MAYOTTE = "mayotte", "CSSM Mayotte"


class MemberRole(models.TextChoices):
    CORRESPONDENT = "correspondent", "correspondant (CEH)"
    ENTITY_CORRESPONDENT = "entity_correspondent", "correspondant d'entité associée (CEA)"
    USER = "user", "utilisateur"


class HabilitationLevel(models.IntegerChoices):
    ONE = 1, "niveau 1"
    TWO = 2, "niveau 2 (peut former des formateurs)"


class HabilitationStatus(models.TextChoices):
    ACTIVE = "active", "active"
    SUSPENDED = "suspended", "suspendue"
    WITHDRAWN = "withdrawn", "retirée"
