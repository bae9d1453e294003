"""The registration database's one metadata and mapper registry, which the service's tables
and those of its feature packages (attendance) share."""

from sqlalchemy import MetaData
from sqlalchemy.orm import registry

metadata = MetaData()
mapper_registry = registry(metadata=metadata)
