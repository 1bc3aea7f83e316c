"""A small inventory: items with a price and a quantity in stock."""

from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price: float
    quantity: int


def total_value(items):
    total = 0
    for item in items:
        total = total + item.price * item.quantity
    return total


def restock(items, name, amount):
    for item in items:
        if item.name == name:
            item.quantity += amount
            return item
    raise KeyError(name)
