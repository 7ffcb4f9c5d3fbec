from tests.support.shop_fixtures import admin, ann, shop, store

__all__ = ["admin", "ann", "shop", "store"]
