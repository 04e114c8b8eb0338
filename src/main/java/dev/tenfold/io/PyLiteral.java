package dev.tenfold.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the small subset of Python literal syntax that {@code .npy} headers use: dicts,
 * tuples, lists, quoted strings, integers (with an optional Python 2 {@code L} suffix),
 * {@code True}, {@code False} and {@code None}. Whitespace and trailing commas are allowed
 * wherever Python allows them. Dicts become {@link LinkedHashMap}s, tuples and lists become
 * {@link List}s (a parenthesised value without a comma is the value itself, as in Python),
 * integers become {@link BigInteger}s.
 */
final class PyLiteral {
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private PyLiteral(String text) {
        this.text = text;
    }

    /**
     * Parses {@code text} as one literal followed only by whitespace.
     *
     * @throws IllegalArgumentException naming the position and what was expected
     */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) throw p.error("unexpected text after the literal");
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        skipSpace();
        if (pos >= text.length()) throw error("unexpected end of text, expected a value");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return dict(depth);
            case '(': return sequence(depth, ')', true);
            case '[': return sequence(depth, ']', false);
            case '\'', '"': return string();
            default:
                if (c == '-' || c == '+' || Character.isDigit(c)) return number();
                if (Character.isLetter(c) || c == '_') return name();
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<Object, Object> dict(int depth) {
        pos++; // '{'
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek('}')) { pos++; return map; }
            Object key = value(depth + 1);
            skipSpace();
            expect(':');
            Object val = value(depth + 1);
            if (map.containsKey(key)) throw error("duplicate key " + key);
            map.put(key, val);
            skipSpace();
            if (peek(',')) { pos++; continue; }
            if (peek('}')) { pos++; return map; }
            throw error("expected ',' or '}' in dict");
        }
    }

    private Object sequence(int depth, char close, boolean tuple) {
        pos++; // '(' or '['
        List<Object> items = new ArrayList<>();
        boolean sawComma = false;
        while (true) {
            skipSpace();
            if (peek(close)) { pos++; break; }
            items.add(value(depth + 1));
            skipSpace();
            if (peek(',')) { pos++; sawComma = true; continue; }
            if (peek(close)) { pos++; break; }
            throw error("expected ',' or '" + close + "'");
        }
        // Python: "(3)" is the int 3, "(3,)" a one-element tuple, "()" the empty tuple.
        if (tuple && items.size() == 1 && !sawComma) return items.get(0);
        return items;
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) return sb.toString();
            if (c == '\\') {
                if (pos >= text.length()) break;
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    case 'x' -> {
                        if (pos + 2 > text.length()) throw error("bad \\x escape");
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 2), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\x escape");
                        }
                        pos += 2;
                    }
                    default -> sb.append(e); // \\, \', \" and anything else: the character itself
                }
            } else {
                sb.append(c);
            }
        }
        throw error("unterminated string");
    }

    private BigInteger number() {
        int start = pos;
        if (peek('-') || peek('+')) pos++;
        int digits = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) pos++;
        if (pos == digits) throw error("expected digits after sign");
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            throw error("expected an integer, found a float");
        }
        BigInteger n = new BigInteger(text.substring(start, pos));
        if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) pos++; // Python 2 long
        return n;
    }

    private Object name() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
        String word = text.substring(start, pos);
        return switch (word) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> {
                pos = start;
                throw error("unknown name '" + word + "' (only True, False and None are literals)");
            }
        };
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '#') { // comment to end of line
                while (pos < text.length() && text.charAt(pos) != '\n') pos++;
            } else {
                return;
            }
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) throw error("expected '" + c + "'");
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + pos);
    }
}
