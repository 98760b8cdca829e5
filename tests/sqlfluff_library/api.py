"""dbt's `api.Relation.create(...)` for linting: a relation that renders as its identifier."""


class _Relation:
    def __init__(self, database=None, schema=None, identifier=None, **_):
        self.database, self.schema, self.identifier = database, schema, identifier

    def __str__(self) -> str:
        return ".".join(part for part in (self.database, self.schema, self.identifier) if part)


class Relation:
    @staticmethod
    def create(database=None, schema=None, identifier=None, **kwargs):
        return _Relation(database, schema, identifier, **kwargs)
