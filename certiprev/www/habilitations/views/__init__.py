"""The organisation's pages: its master data, members and associated entities, its habilitation requests."""
