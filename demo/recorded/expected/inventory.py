"""A small inventory: items with a price and a quantity in stock."""

from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price: float
    quantity: int


def stock_value(items):
    """What the items in stock are worth: price times quantity, summed."""
    return sum(item.price * item.quantity for item in items)


def restock(items, name, amount):
    for item in items:
        if item.name == name:
            item.quantity += amount
            return item
    raise KeyError(name)
