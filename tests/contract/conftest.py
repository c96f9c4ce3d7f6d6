from tests.stores import dynamodb_table, item_store

__all__ = ["dynamodb_table", "item_store"]
