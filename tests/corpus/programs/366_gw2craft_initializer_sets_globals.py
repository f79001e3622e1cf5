# source: https://github.com/xanthics/gw2craft/pull/29
# models: the crafting calculator's workers need the item tables the parent loads; the fix passes them to every worker through Pool(initializer=..., initargs=...) which sets the module globals
# expect: clean (the initializer runs in each worker and sets the globals before any task)
from multiprocessing import Pool

recipes = {}
prices = {}


def init_tables(recipe_table, price_table):
    global recipes, prices
    recipes = recipe_table
    prices = price_table


def craft_cost(item):
    return item, sum(prices[part] * count for part, count in recipes[item].items())


def load_tables():
    recipe_table = {"sword": {"ingot": 3, "plank": 1}, "shield": {"plank": 4}}
    price_table = {"ingot": 12, "plank": 5}
    return recipe_table, price_table


if __name__ == "__main__":
    recipe_table, price_table = load_tables()
    with Pool(2, initializer=init_tables, initargs=(recipe_table, price_table)) as pool:
        for item, cost in pool.map(craft_cost, sorted(recipe_table)):
            print(item, cost)
