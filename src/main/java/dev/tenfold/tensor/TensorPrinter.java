package dev.tenfold.tensor;

import java.util.Locale;

/** Formats a tensor as its shape, layout and a preview: at most 3 leading and 3 trailing entries per axis. */
final class TensorPrinter {
    private static final int EDGE = 3;

    private TensorPrinter() { }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("Tensor").append(t.shape()).append(" float32");
        if (!t.isContiguous()) sb.append(" (strided view)");
        sb.append('\n');
        appendAxis(sb, t, new int[t.rank()], 0, 1);
        return sb.toString();
    }

    private static void appendAxis(StringBuilder sb, Tensor t, int[] idx, int axis, int indent) {
        if (axis == t.rank()) {
            sb.append(formatValue(t.get(idx)));
            return;
        }
        int d = t.dim(axis);
        sb.append('[');
        for (int i = 0; i < d; i++) {
            if (d > 2 * EDGE && i == EDGE) {
                sb.append(axis == t.rank() - 1 ? "..., " : "...,\n" + " ".repeat(indent));
                i = d - EDGE;
            }
            idx[axis] = i;
            appendAxis(sb, t, idx, axis + 1, indent + 1);
            if (i < d - 1) sb.append(axis == t.rank() - 1 ? ", " : ",\n" + " ".repeat(indent));
        }
        sb.append(']');
    }

    private static String formatValue(float v) {
        if (v == (long) v && Math.abs(v) < 1e7) return (long) v + ".";
        return String.format(Locale.ROOT, "%.4g", v); // "0.2500" in every default locale
    }
}
