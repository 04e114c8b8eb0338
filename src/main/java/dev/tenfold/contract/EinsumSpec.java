package dev.tenfold.contract;

import dev.tenfold.tensor.Shape;
import java.util.Arrays;

/**
 * A parsed and validated einsum expression. Index letters a-z and A-Z are mapped to label
 * numbers 0..51 (bit positions of {@code long} label masks); whitespace is ignored.
 * Without "->" the output is every index that appears exactly once, in ASCII order
 * (upper case first), as numpy does.
 */
final class EinsumSpec {
    /** The normalised expression, always with an explicit output: {@code "ij,jk->ik"}. */
    final String text;
    /** Labels of each operand term, in axis order (repeats allowed: diagonals). */
    final int[][] terms;
    /** Output labels in order (distinct). */
    final int[] output;
    /** Size of each label (0 when unused), filled by {@link #bind}. */
    final int[] sizes = new int[52];

    private EinsumSpec(String text, int[][] terms, int[] output) {
        this.text = text;
        this.terms = terms;
        this.output = output;
    }

    static int label(char c) {
        if (c >= 'a' && c <= 'z') return c - 'a';
        if (c >= 'A' && c <= 'Z') return 26 + c - 'A';
        return -1;
    }

    static char letter(int label) {
        return (char) (label < 26 ? 'a' + label : 'A' + label - 26);
    }

    static String letters(int[] labels) {
        StringBuilder sb = new StringBuilder();
        for (int l : labels) sb.append(letter(l));
        return sb.toString();
    }

    static long mask(int[] labels) {
        long m = 0;
        for (int l : labels) m |= 1L << l;
        return m;
    }

    /** Parses {@code expr} for {@code operandCount} operands; every syntax error names its position. */
    static EinsumSpec parse(String expr, int operandCount) {
        if (expr == null) throw new IllegalArgumentException("einsum: expression must not be null");
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) continue;
            boolean arrow = c == '-' && i + 1 < expr.length() && expr.charAt(i + 1) == '>';
            if (arrow) {
                clean.append("->");
                i++;
                continue;
            }
            if (label(c) < 0 && c != ',') {
                String hint = c == '.' ? " (ellipsis is not supported)" : (c == '-' || c == '>') ? " (use \"->\" for the output)" : "";
                throw new IllegalArgumentException("einsum: invalid character '" + c + "' at position " + i + " in \""
                        + expr + "\"; indices must be letters a-z or A-Z" + hint);
            }
            clean.append(c);
        }
        String s = clean.toString();
        int arrow = s.indexOf("->");
        if (arrow >= 0 && s.indexOf("->", arrow + 2) >= 0) {
            throw new IllegalArgumentException("einsum: \"" + expr + "\" has more than one \"->\"");
        }
        String lhs = arrow >= 0 ? s.substring(0, arrow) : s;
        if (arrow >= 0 && s.substring(arrow + 2).indexOf(',') >= 0) {
            throw new IllegalArgumentException("einsum: the output of \"" + expr + "\" must be a single term (found ',')");
        }
        String[] parts = lhs.split(",", -1);
        if (parts.length != operandCount) {
            throw new IllegalArgumentException("einsum: \"" + expr + "\" has " + parts.length + " operand term"
                    + (parts.length == 1 ? "" : "s") + " but " + operandCount + " operand" + (operandCount == 1 ? " was" : "s were")
                    + " given");
        }
        int[][] terms = new int[parts.length][];
        int[] count = new int[52];
        for (int t = 0; t < parts.length; t++) {
            terms[t] = new int[parts[t].length()];
            for (int i = 0; i < terms[t].length; i++) {
                terms[t][i] = label(parts[t].charAt(i));
                count[terms[t][i]]++;
            }
        }
        int[] output;
        if (arrow >= 0) {
            String out = s.substring(arrow + 2);
            output = new int[out.length()];
            boolean[] seen = new boolean[52];
            for (int i = 0; i < output.length; i++) {
                char c = out.charAt(i);
                int l = label(c);
                if (seen[l]) throw new IllegalArgumentException("einsum: output index '" + c + "' appears more than once in \"" + expr + "\"");
                if (count[l] == 0) {
                    throw new IllegalArgumentException("einsum: output index '" + c + "' in \"" + expr
                            + "\" does not appear in any operand");
                }
                seen[l] = true;
                output[i] = l;
            }
        } else {
            int n = 0;
            int[] tmp = new int[52];
            for (char c = 'A'; c <= 'Z'; c++) if (count[label(c)] == 1) tmp[n++] = label(c);
            for (char c = 'a'; c <= 'z'; c++) if (count[label(c)] == 1) tmp[n++] = label(c);
            output = Arrays.copyOf(tmp, n);
        }
        StringBuilder text = new StringBuilder();
        for (int t = 0; t < terms.length; t++) {
            if (t > 0) text.append(',');
            text.append(letters(terms[t]));
        }
        text.append("->").append(letters(output));
        return new EinsumSpec(text.toString(), terms, output);
    }

    /** Checks ranks and index sizes against the operand shapes and records the sizes. */
    EinsumSpec bind(Shape[] shapes) {
        int[] owner = new int[52];
        Arrays.fill(owner, -1);
        for (int t = 0; t < terms.length; t++) {
            Shape sh = shapes[t];
            if (sh == null) throw new IllegalArgumentException("einsum: operand " + t + " must not be null");
            if (sh.rank() != terms[t].length) {
                throw new IllegalArgumentException("einsum: operand " + t + " has term \"" + letters(terms[t]) + "\" with "
                        + terms[t].length + " indices but the operand has rank " + sh.rank() + " (shape " + sh + ")");
            }
            for (int i = 0; i < terms[t].length; i++) {
                int l = terms[t][i];
                int d = sh.dim(i);
                if (owner[l] < 0) {
                    owner[l] = t;
                    sizes[l] = d;
                } else if (sizes[l] != d) {
                    int o = owner[l];
                    String where = o == t
                            ? "appears twice in operand " + t + " (shape " + sh + ") with sizes " + sizes[l] + " and " + d
                            : "has size " + sizes[l] + " in operand " + o + " (shape " + shapes[o] + ") but size " + d
                                    + " in operand " + t + " (shape " + sh + ")";
                    throw new IllegalArgumentException("einsum: index '" + letter(l) + "' " + where);
                }
            }
        }
        return this;
    }

    /** Distinct labels of term t, in order of first appearance. */
    int[] distinct(int t) {
        long seen = 0;
        int[] out = new int[terms[t].length];
        int n = 0;
        for (int l : terms[t]) {
            if ((seen & (1L << l)) == 0) out[n++] = l;
            seen |= 1L << l;
        }
        return Arrays.copyOf(out, n);
    }
}
