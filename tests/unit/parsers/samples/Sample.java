package demo;

import java.util.List;
import java.util.stream.Collectors;

/** A sample class. */
public class Sample<T extends Comparable<T>> {
    private final List<T> items;

    public Sample(List<T> items) {
        this.items = items;
    }

    @Override
    public String toString() {
        return items.stream().sorted().map(Object::toString).collect(Collectors.joining(", "));
    }

    public T max() {
        T best = null;
        for (T item : items) {
            if (best == null || item.compareTo(best) > 0) best = item;
        }
        return best;
    }

    interface Visitor { void visit(Object o); }

    enum Kind { A, B }

    record Pair(int a, int b) {}
}
