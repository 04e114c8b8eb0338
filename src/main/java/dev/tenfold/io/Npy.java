package dev.tenfold.io;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes tensors as NumPy {@code .npy} files.
 *
 * <p><b>Writing</b> always produces little-endian float32 ({@code '<f4'}) in C order, format
 * version 1.0 (2.0 only when the header exceeds 65535 bytes), with the header padded by spaces
 * and a final {@code '\n'} so the data starts on a 64-byte boundary — byte for byte what
 * {@code numpy.save} writes for the same float32 array. Non-contiguous tensors (views) are
 * copied into a temporary scope first; the tensor's own scope gains no allocation.
 *
 * <p><b>Reading</b> returns a contiguous float32 tensor allocated in the caller's scope. Stored
 * dtypes {@code f4}, {@code f8}, {@code i1 u1 i2 u2 i4 u4 i8 u8} and {@code b1} are accepted in
 * either byte order and <em>converted</em> to float32: float64 rounds to the nearest float
 * (values beyond the float range become ±infinity), integers round to the nearest float so
 * precision is lost for |value| &gt; 2^24, bool becomes 0 or 1. C-order and Fortran-order
 * ({@code 'fortran_order': True}) files both give the logical array numpy would give. A numpy
 * scalar array (shape {@code ()}) reads as a rank-0 tensor. Arrays with a zero-length dimension
 * are rejected because tenfold shapes need every dimension ≥ 1. Complex, float16, object, string,
 * structured and datetime dtypes are rejected.
 *
 * <p>Data moves in bulk: native-order float32 in a file is read with positional channel reads
 * straight into the tensor's memory; other dtypes, and streams, are read in 1 MiB chunks into a
 * heap buffer and bulk-copied with {@link MemorySegment#copy} (byte-swapped or converted
 * chunk-wise). Every malformed input throws {@link NpyFormatException} (an
 * {@link IllegalArgumentException}) whose message names the file and the problem; the header is
 * fully validated — and for a file, the data length checked — before the tensor is allocated.
 */
public final class Npy {
    /** Bytes moved per chunk when streaming (a multiple of every item size). */
    static final int CHUNK_BYTES = 1 << 20;
    /** Bytes per positional read when a file's float32 data goes straight into the tensor. */
    private static final long DIRECT_SLICE_BYTES = 1L << 24;
    static final String STREAM = "<stream>";
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Npy() { }

    // ------------------------------------------------------------------ write

    /**
     * Writes {@code t} to {@code file} (created or truncated) as a little-endian float32 C-order
     * {@code .npy} file.
     *
     * @throws IllegalStateException when the tensor's scope is closed
     */
    public static void write(Tensor t, Path file) throws IOException {
        requireNonNull(t, "t");
        requireNonNull(file, "file");
        try (OutputStream out = Files.newOutputStream(file)) {
            write(t, out);
        }
    }

    /**
     * Writes {@code t} to {@code out} as a little-endian float32 C-order {@code .npy} stream.
     * {@code out} is not closed and not buffered further (writes are 1 MiB chunks).
     */
    public static void write(Tensor t, OutputStream out) throws IOException {
        requireNonNull(t, "t");
        requireNonNull(out, "out");
        t.segment(); // throws IllegalStateException if the scope is closed
        try (TensorScope tmp = t.isContiguous() ? null : TensorScope.open()) {
            writeContiguous(tmp == null ? t : t.copyTo(tmp), out);
        }
    }

    /** Writes a contiguous tensor: header, then the data in 1 MiB little-endian chunks. */
    static void writeContiguous(Tensor c, OutputStream out) throws IOException {
        out.write(NpyHeaders.encodeFloat32(c.shape()));
        long n = c.size();
        byte[] buf = new byte[(int) Math.min(n * Float.BYTES, CHUNK_BYTES)];
        MemorySegment bufSegment = MemorySegment.ofArray(buf);
        MemorySegment src = c.segment();
        long base = c.offset() * Float.BYTES;
        for (long done = 0; done < n; ) {
            int k = (int) Math.min(buf.length / Float.BYTES, n - done);
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, base + done * Float.BYTES, bufSegment, F32_LE, 0, k);
            out.write(buf, 0, k * Float.BYTES);
            done += k;
        }
    }

    // ------------------------------------------------------------------ read

    /**
     * Reads the {@code .npy} file {@code file} into a new float32 tensor in {@code scope}
     * (see the class comment for the accepted dtypes and conversions).
     *
     * @throws NpyFormatException naming the file when it is not a readable {@code .npy} array
     * @throws IllegalStateException when {@code scope} is closed
     */
    public static Tensor read(TensorScope scope, Path file) throws IOException {
        requireOpen(scope);
        requireNonNull(file, "file");
        String source = file.toString();
        if (Files.isDirectory(file)) throw new IOException(source + ": is a directory, not a .npy file");
        if (!Files.isRegularFile(file) && Files.exists(file)) { // a pipe or device: no mapping, no size
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK_BYTES)) {
                return read(scope, in, source);
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            InputStream in = Channels.newInputStream(channel); // reads through the channel's position
            NpyHeader h = NpyHeaders.read(in, source);
            long available = channel.size() - h.dataOffset();
            if (available < h.dataBytes()) throw truncatedData(source, h, Math.max(0, available));
            if (!NpyDtype.parse(h.descr(), source).isNativeFloat32()) return readData(scope, h, in, source);
            return allocateAndFill(scope, h, source, dst -> readFully(channel, h.dataOffset(), dst, h, source));
        }
    }

    /**
     * Positional reads from {@code channel} straight into {@code dst} in {@link #DIRECT_SLICE_BYTES}
     * slices (measured 3-5x faster than copying out of a memory-mapped file on these machines).
     */
    private static void readFully(FileChannel channel, long position, MemorySegment dst, NpyHeader h, String source)
            throws IOException {
        long total = dst.byteSize();
        for (long done = 0; done < total; ) {
            ByteBuffer slice = dst.asSlice(done, Math.min(DIRECT_SLICE_BYTES, total - done)).asByteBuffer();
            while (slice.hasRemaining()) {
                int n = channel.read(slice, position + done);
                if (n < 0) throw truncatedData(source, h, done); // the file shrank after its size was checked
                done += n;
            }
        }
    }

    /**
     * Reads one {@code .npy} array from {@code in} into a new float32 tensor in {@code scope}.
     * Reads exactly the header and data bytes, leaving {@code in} open just after the array. If
     * the stream ends inside the data the tensor's memory stays with {@code scope} until it closes.
     *
     * @throws NpyFormatException when the stream is not a readable {@code .npy} array
     */
    public static Tensor read(TensorScope scope, InputStream in) throws IOException {
        requireOpen(scope);
        requireNonNull(in, "in");
        return read(scope, in, STREAM);
    }

    /** Reads only the header of {@code file}: dtype, order, shape and data offset. */
    public static NpyHeader readHeader(Path file) throws IOException {
        requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return NpyHeaders.read(in, file.toString());
        }
    }

    static Tensor read(TensorScope scope, InputStream in, String source) throws IOException {
        NpyHeader h = NpyHeaders.read(in, source);
        return readData(scope, h, in, source);
    }

    /** Reads the data described by {@code h} from {@code in}, positioned just after the header. */
    static Tensor readData(TensorScope scope, NpyHeader h, InputStream in, String source) throws IOException {
        NpyDecoder decoder = new NpyDecoder(NpyDtype.parse(h.descr(), source));
        long need = h.dataBytes();
        int item = h.itemSize();
        return allocateAndFill(scope, h, source, dst -> {
            byte[] buf = new byte[(int) Math.min(need, CHUNK_BYTES)];
            MemorySegment bufSegment = MemorySegment.ofArray(buf);
            for (long done = 0; done < need; ) {
                int want = (int) Math.min(buf.length, need - done);
                int got = in.readNBytes(buf, 0, want);
                if (got < want) throw truncatedData(source, h, done + got);
                decoder.decode(bufSegment, 0, dst, done / item * Float.BYTES, want / item);
                done += want;
            }
        });
    }

    private interface Filler {
        /** Fills {@code dst} with the stored elements, in stored order, as float32. */
        void fill(MemorySegment dst) throws IOException;
    }

    /**
     * Allocates the result in {@code scope} and fills it. Fortran-order data is the C-order data
     * of the reversed shape; it is decoded into a temporary scope, then transposed into the result.
     */
    private static Tensor allocateAndFill(TensorScope scope, NpyHeader h, String source, Filler filler) throws IOException {
        Shape shape = h.shape();
        if (!h.fortranOrder() || nonUnitDims(shape) <= 1) {
            Tensor t = allocate(scope, shape, h, source);
            filler.fill(t.segment());
            return t;
        }
        int rank = shape.rank();
        int[] reversed = new int[rank];
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            reversed[i] = shape.dim(rank - 1 - i);
            perm[i] = rank - 1 - i;
        }
        try (TensorScope tmp = TensorScope.open()) {
            Tensor stored = allocate(tmp, Shape.of(reversed), h, source);
            filler.fill(stored.segment());
            return stored.permute(perm).copyTo(scope);
        }
    }

    /**
     * {@code scope.zeros(shape)}, with a failed native allocation reported as a format error: a
     * stream's header can promise any size, and its data length is only known by reading it.
     */
    private static Tensor allocate(TensorScope scope, Shape shape, NpyHeader h, String source) {
        try {
            return scope.zeros(shape);
        } catch (OutOfMemoryError e) {
            throw new NpyFormatException(source, "shape " + h.shape() + " of dtype '" + h.descr() + "' needs "
                    + Math.multiplyExact(shape.size(), (long) Float.BYTES) + " bytes as float32, which cannot be allocated ("
                    + e.getMessage() + ")");
        }
    }

    private static int nonUnitDims(Shape shape) {
        int n = 0;
        for (int i = 0; i < shape.rank(); i++) if (shape.dim(i) != 1) n++;
        return n;
    }

    private static NpyFormatException truncatedData(String source, NpyHeader h, long present) {
        return new NpyFormatException(source, "truncated data: shape " + h.shape() + " of dtype '" + h.descr()
                + "' needs " + h.dataBytes() + " bytes after the header, only " + present + " are present");
    }

    static void requireNonNull(Object o, String name) {
        if (o == null) throw new IllegalArgumentException(name + " must not be null");
    }

    static void requireOpen(TensorScope scope) {
        requireNonNull(scope, "scope");
        if (!scope.isOpen()) throw new IllegalStateException("scope is closed");
    }
}
