"""Prints what the stock is worth."""

from inventory import Item, restock, stock_value


def summary(items):
    return f"{len(items)} items worth {stock_value(items):.2f}"


if __name__ == "__main__":
    stock = [Item("bolt", 0.25, 400), Item("nut", 0.10, 1000)]
    restock(stock, "nut", 500)
    print(summary(stock))
