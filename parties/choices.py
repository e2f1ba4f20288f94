from django.db import models


class PartyType(models.TextChoices):
    PERSON = "PERSON", "Person"
    ORGANISATION = "ORGANISATION", "Organisation"


class Language(models.TextChoices):
    FI = "fi", "Suomi"
    SV = "sv", "Svenska"
    EN = "en", "English"
