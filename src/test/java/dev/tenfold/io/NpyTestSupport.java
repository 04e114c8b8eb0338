package dev.tenfold.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tenfold.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Helpers shared by the io tests (not a test class itself). */
final class NpyTestSupport {
    private NpyTestSupport() { }

    /** A golden file under src/test/resources/dev/tenfold/io/. */
    static Path resource(String name) {
        URL url = NpyTestSupport.class.getResource(name);
        if (url == null) throw new IllegalStateException("missing test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A version-1.0 .npy byte image with the given header dict text (padded as numpy pads it)
     * followed by {@code data}. Written independently of the production encoder.
     */
    static byte[] npy(String dict, byte[] data) {
        byte[] d = dict.getBytes(StandardCharsets.ISO_8859_1);
        int unpadded = 10 + d.length + 1;
        int pad = (64 - unpadded % 64) % 64;
        int headerLength = d.length + pad + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) headerLength, (byte) (headerLength >> 8)});
        out.writeBytes(d);
        for (int i = 0; i < pad; i++) out.write(' ');
        out.write('\n');
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** {@code values} as little- or big-endian float32 bytes. */
    static byte[] floatBytes(float[] values, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /** Asserts shape and bit-exact elements (so -0.0 and NaN payloads count). */
    static void assertBits(float[] expected, int[] expectedDims, Tensor actual) {
        assertArrayEquals(expectedDims, actual.dims(), "shape");
        assertArrayEquals(bits(expected), bits(actual.toArray()),
                () -> "expected " + Arrays.toString(expected) + " got " + Arrays.toString(actual.toArray()));
        assertEquals(expected.length, actual.size());
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    /** Elements of {@code t} in row-major order, read one by one with {@link Tensor#get} (an oracle for views). */
    static float[] elementsByIndex(Tensor t) {
        int[] dims = t.dims();
        float[] out = new float[(int) t.size()];
        int[] idx = new int[dims.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = t.get(idx);
            for (int a = dims.length - 1; a >= 0; a--) {
                if (++idx[a] < dims[a]) break;
                idx[a] = 0;
            }
        }
        return out;
    }

    static float[] arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }
}
