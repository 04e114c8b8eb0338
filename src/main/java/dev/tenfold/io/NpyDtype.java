package dev.tenfold.io;

import java.nio.ByteOrder;

/**
 * A numpy dtype that tenfold can read: float32/float64, signed and unsigned integers of 1, 2, 4
 * or 8 bytes, and bool, in either byte order. Parsed from a header's {@code descr} string such as
 * {@code '<f4'}, {@code '>i8'} or {@code '|b1'}.
 *
 * @param kind     the element kind
 * @param itemSize bytes per element
 * @param order    byte order of the stored elements
 * @param descr    the descr string as written in the header
 */
record NpyDtype(Kind kind, int itemSize, ByteOrder order, String descr) {

    /** Element kinds. */
    enum Kind { FLOAT, SIGNED, UNSIGNED, BOOL }

    /** The dtype tenfold writes: little-endian float32. */
    static final NpyDtype F4_LE = new NpyDtype(Kind.FLOAT, 4, ByteOrder.LITTLE_ENDIAN, "<f4");

    static final String SUPPORTED = "supported: float32/float64 ('<f4', '<f8'), signed and unsigned integers"
            + " ('|i1' '|u1' '<i2' '<u2' '<i4' '<u4' '<i8' '<u8') and bool ('|b1'), either byte order";

    /** True for '<f4' on a little-endian machine or '>f4' on a big-endian one. */
    boolean isNativeFloat32() {
        return kind == Kind.FLOAT && itemSize == 4 && order == ByteOrder.nativeOrder();
    }

    /**
     * Parses a descr string.
     *
     * @throws NpyFormatException naming {@code source} when the dtype is not supported
     */
    static NpyDtype parse(String descr, String source) {
        String d = descr.strip();
        if (d.isEmpty()) throw new NpyFormatException(source, "empty dtype descr ''");
        char first = d.charAt(0);
        ByteOrder order = ByteOrder.nativeOrder();
        boolean explicitOrder = true;
        String rest = d;
        switch (first) {
            case '<' -> { order = ByteOrder.LITTLE_ENDIAN; rest = d.substring(1); }
            case '>', '!' -> { order = ByteOrder.BIG_ENDIAN; rest = d.substring(1); }
            case '=' -> rest = d.substring(1);
            case '|' -> { explicitOrder = false; rest = d.substring(1); }
            default -> explicitOrder = false;
        }
        if (rest.isEmpty()) throw unsupported(descr, source, "no type code");
        char code = rest.charAt(0);
        int size;
        try {
            size = rest.length() == 1 ? defaultSize(code) : Integer.parseInt(rest.substring(1));
        } catch (NumberFormatException e) {
            throw unsupported(descr, source, describe(code));
        }
        Kind kind = switch (code) {
            case 'f' -> size == 4 || size == 8 ? Kind.FLOAT : null;
            case 'i' -> validIntSize(size) ? Kind.SIGNED : null;
            case 'u' -> validIntSize(size) ? Kind.UNSIGNED : null;
            case 'b' -> size == 1 ? Kind.BOOL : null;
            case '?' -> size == 1 ? Kind.BOOL : null;
            default -> null;
        };
        if (kind == null) throw unsupported(descr, source, describe(code) + (code == 'f' ? " of " + size + " bytes" : ""));
        if (!explicitOrder && size > 1 && first == '|') {
            throw new NpyFormatException(source, "dtype '" + descr + "' has no byte order but elements of " + size + " bytes");
        }
        return new NpyDtype(kind, size, order, descr);
    }

    private static int defaultSize(char code) {
        return switch (code) {
            case 'b', '?' -> 1;
            case 'f' -> 8;
            case 'i', 'u' -> 8;
            default -> -1;
        };
    }

    private static boolean validIntSize(int size) {
        return size == 1 || size == 2 || size == 4 || size == 8;
    }

    private static String describe(char code) {
        return switch (code) {
            case 'c' -> "complex numbers";
            case 'O' -> "Python objects (pickled)";
            case 'U' -> "unicode strings";
            case 'S', 'a' -> "byte strings";
            case 'V' -> "raw void/structured records";
            case 'M' -> "datetime64";
            case 'm' -> "timedelta64";
            case 'f' -> "floating point";
            case 'i', 'u' -> "integers";
            default -> "type code '" + code + "'";
        };
    }

    private static NpyFormatException unsupported(String descr, String source, String what) {
        return new NpyFormatException(source, "unsupported dtype '" + descr + "' (" + what + "); " + SUPPORTED);
    }
}
