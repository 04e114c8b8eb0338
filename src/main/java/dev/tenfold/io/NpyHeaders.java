package dev.tenfold.io;

import dev.tenfold.tensor.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes the {@code .npy} preamble: the magic {@code \x93NUMPY}, the format version,
 * the header length (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0) and the
 * header, a Python dict literal padded with spaces and a final {@code '\n'} so the data starts
 * on a multiple of 64 bytes.
 */
final class NpyHeaders {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Refuse headers longer than this (numpy itself refuses more than 10000 by default). */
    static final long MAX_HEADER_BYTES = 1L << 24;
    private static final int ALIGN = 64;
    /** numpy pads the header so the first axis could grow to this many digits in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    private NpyHeaders() { }

    /**
     * Reads the preamble and header from {@code in}, leaving it positioned at the first data byte.
     *
     * @throws NpyFormatException naming {@code source} for any malformed, truncated or unsupported header
     */
    static NpyHeader read(InputStream in, String source) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length == 0) throw new NpyFormatException(source, "empty input, expected a .npy file");
        if (pre.length >= 4 && pre[0] == 'P' && pre[1] == 'K' && pre[2] == 3 && pre[3] == 4) {
            throw new NpyFormatException(source, "wrong magic: this is a zip archive (.npz?), not a .npy file; use Npz.read");
        }
        for (int i = 0; i < Math.min(pre.length, MAGIC.length); i++) {
            if (pre[i] != MAGIC[i]) {
                throw new NpyFormatException(source, "wrong magic: a .npy file starts with \\x93NUMPY, this one with "
                        + hex(pre, Math.min(pre.length, MAGIC.length)));
            }
        }
        if (pre.length < 8) {
            throw new NpyFormatException(source, "truncated preamble: only " + pre.length + " bytes");
        }
        int major = pre[6] & 0xFF;
        int minor = pre[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new NpyFormatException(source, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lengthBytes);
        if (lb.length < lengthBytes) throw new NpyFormatException(source, "truncated header: the header length field is cut off");
        long headerLength = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) headerLength = (headerLength << 8) | (lb[i] & 0xFF);
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyFormatException(source, "header length " + headerLength + " bytes is implausible (limit "
                    + MAX_HEADER_BYTES + ")");
        }
        byte[] h = in.readNBytes((int) headerLength);
        if (h.length < headerLength) {
            throw new NpyFormatException(source, "truncated header: header length field says " + headerLength
                    + " bytes but only " + h.length + " are present");
        }
        String text = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return interpret(text, major, 8L + lengthBytes + headerLength, source);
    }

    private static NpyHeader interpret(String text, int version, long dataOffset, String source) {
        Object literal;
        try {
            literal = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(source, "cannot parse header " + quote(text) + ": " + e.getMessage());
        }
        if (!(literal instanceof Map<?, ?> dict)) {
            throw new NpyFormatException(source, "header is not a dict: " + quote(text));
        }
        for (String key : KEYS) {
            if (!dict.containsKey(key)) throw new NpyFormatException(source, "header dict lacks key '" + key + "': " + quote(text));
        }
        if (dict.size() != KEYS.size()) {
            Set<String> extra = new TreeSet<>();
            for (Object k : dict.keySet()) if (!KEYS.contains(k)) extra.add(String.valueOf(k));
            throw new NpyFormatException(source, "header dict has unexpected keys " + extra + ": " + quote(text));
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String descrString)) {
            throw new NpyFormatException(source, "unsupported dtype " + describeDescr(descr) + "; " + NpyDtype.SUPPORTED);
        }
        NpyDtype dtype = NpyDtype.parse(descrString, source);
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new NpyFormatException(source, "fortran_order must be True or False, got " + dict.get("fortran_order"));
        }
        Shape shape = shape(dict.get("shape"), dtype.itemSize(), source);
        return new NpyHeader(descrString, dtype.itemSize(), fortran, shape, version, dataOffset);
    }

    private static Shape shape(Object value, int itemSize, String source) {
        if (!(value instanceof List<?> list)) {
            throw new NpyFormatException(source, "shape must be a tuple of ints, got " + value);
        }
        int[] dims = new int[list.size()];
        String shown = pythonTuple(list);
        for (int i = 0; i < dims.length; i++) {
            if (!(list.get(i) instanceof BigInteger d)) {
                throw new NpyFormatException(source, "shape must be a tuple of ints, got " + shown);
            }
            if (d.signum() < 0) throw new NpyFormatException(source, "shape " + shown + " has a negative dimension");
            if (d.signum() == 0) {
                throw new NpyFormatException(source, "shape " + shown + " has a zero-length dimension (an empty array);"
                        + " tenfold shapes need every dimension >= 1");
            }
            if (d.bitLength() > 31) {
                throw new NpyFormatException(source, "shape " + shown + ": dimension " + i + " = " + d
                        + " exceeds the largest tenfold dimension " + Integer.MAX_VALUE);
            }
            dims[i] = d.intValue();
        }
        try {
            long size = 1;
            for (int d : dims) size = Math.multiplyExact(size, d);
            Math.multiplyExact(size, Math.max(itemSize, Float.BYTES));
        } catch (ArithmeticException e) {
            throw new NpyFormatException(source, "shape " + shown + " has too many elements: its byte size overflows a long");
        }
        return Shape.of(dims);
    }

    /**
     * The preamble and header numpy 1.24 writes for a little-endian float32 C-order array of
     * {@code shape}, byte for byte: version 1.0 unless the header needs more than 65535 bytes,
     * then version 2.0.
     */
    static byte[] encodeFloat32(Shape shape) {
        int[] dims = shape.dims();
        StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ");
        sb.append(pythonTuple(dims)).append(", }");
        if (dims.length > 0) sb.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(dims[0]).length()));
        byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int version = 1;
        int lengthBytes = 2;
        long total = paddedTotal(dict.length, lengthBytes);
        if (total - 8 - lengthBytes > 0xFFFF) {
            version = 2;
            lengthBytes = 4;
            total = paddedTotal(dict.length, lengthBytes);
        }
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("shape " + shape + " is too long for a .npy header");
        byte[] out = new byte[(int) total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) version;
        out[7] = 0;
        long headerLength = total - 8 - lengthBytes;
        for (int i = 0; i < lengthBytes; i++) out[8 + i] = (byte) (headerLength >>> (8 * i));
        int p = 8 + lengthBytes;
        System.arraycopy(dict, 0, out, p, dict.length);
        for (int i = p + dict.length; i < out.length - 1; i++) out[i] = ' ';
        out[out.length - 1] = '\n';
        return out;
    }

    /** Total preamble + header bytes for a dict of {@code dictLength} bytes, as numpy pads it. */
    private static long paddedTotal(int dictLength, int lengthBytes) {
        long unpadded = 8L + lengthBytes + dictLength + 1; // + final '\n'
        long pad = ALIGN - (unpadded % ALIGN);              // numpy pads a full 64 when already aligned
        return unpadded + pad;
    }

    private static String pythonTuple(int[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        if (dims.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    private static String pythonTuple(List<?> items) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(items.get(i));
        }
        if (items.size() == 1) sb.append(',');
        return sb.append(')').toString();
    }

    private static String describeDescr(Object descr) {
        if (descr instanceof List<?>) return "(structured dtype " + abbreviate(String.valueOf(descr)) + ")";
        return "descr " + abbreviate(String.valueOf(descr)) + " (not a dtype string)";
    }

    private static String quote(String headerText) {
        return "'" + abbreviate(headerText.strip()) + "'";
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(String.format("%02x", b[i] & 0xFF)).append(i + 1 < n ? " " : "");
        return sb.toString();
    }
}
