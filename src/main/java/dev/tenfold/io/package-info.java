/**
 * Reading and writing tensors as NumPy {@code .npy} files and {@code .npz} archives.
 *
 * <ul>
 *   <li>{@link dev.tenfold.io.Npy}: one array per file or stream. Writes little-endian float32
 *       in C order, byte-identical to {@code numpy.save}; reads float32/float64, 1–8 byte signed
 *       and unsigned integers and bool in either byte order and either memory order, converting
 *       to float32 (float64 rounds to nearest; integers lose precision beyond 2^24).</li>
 *   <li>{@link dev.tenfold.io.Npz}: named arrays in a zip ({@code numpy.savez} /
 *       {@code numpy.savez_compressed}), order kept.</li>
 *   <li>{@link dev.tenfold.io.NpyHeader}: what a file holds, from
 *       {@link dev.tenfold.io.Npy#readHeader} without reading the data.</li>
 *   <li>{@link dev.tenfold.io.NpyFormatException}: every malformed input (an
 *       {@link java.lang.IllegalArgumentException} naming the file and the problem).</li>
 * </ul>
 *
 * <p>Tensors read are allocated in the caller's {@link dev.tenfold.tensor.TensorScope}; scratch
 * memory is heap arrays or a temporary scope closed before returning.
 */
package dev.tenfold.io;
